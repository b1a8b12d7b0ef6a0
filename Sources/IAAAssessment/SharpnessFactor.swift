import Foundation
import IAACore

/// Sharpness (F.740.4 Sharpness 1–5: 1 severely blurred … 5 extremely sharp), at the proxy's
/// scale (i.e. as the photo is seen at about 1 MP).
///
/// Multi-scale edge energy: the strongest gradients of the luma at full proxy scale against
/// those after 4× box averaging. A crisp edge has the same slope at both scales; a blurred edge
/// of width w loses slope at the fine scale only, so 2·P₉₈(coarse)/P₉₈(fine) estimates the edge
/// spread in proxy pixels (≈ 2.5 σ for a Gaussian blur of σ). The noise floor, measured
/// separately, is removed from the fine-scale percentile in quadrature, so grain does not read
/// as detail. Weighted by saliency, so a soft background does not hide a sharp subject.
public struct SharpnessFactor: AssessmentFactor {
    public let id = "sharpness"
    public let direction = FactorDirection.lowerIsBetter
    public let scale = RawScale(unit: "px edge spread", range: 1...12)
    public let attribute: AestheticAttribute? = .sharpness

    public init() {}

    /// A pixel of saliency s (0…1) weighs floor + slope·s in the percentiles: a soft
    /// background does not hide a sharp subject.
    static let saliencyWeight: (floor: Float, slope: Float) = (0.2, 0.8)

    /// Edge spread (px) and the two percentiles, for reuse by other factors.
    static func edgeSpread(_ ctx: AnalysisContext) -> (spread: Double, fine: Double, coarse: Double) {
        // Both histograms come from the walk sharpness and focus share (`SubjectDetail`).
        let d = ctx.subjectDetail
        let hf = d.fine, hc = d.coarse
        let sigma = ctx.noise.luma
        let pf = Double(hf.quantile(0.98)), pc = Double(hc.quantile(0.98))
        let pfClean = max(0.05 * pf, (max(0, pf * pf - 4 * sigma * sigma)).squareRoot())
        return (2 * max(pc, 0.5) / max(pfClean, 0.05), pf, pc)
    }

    public func assess(_ ctx: AnalysisContext) -> FactorResult {
        let e = Self.edgeSpread(ctx)
        let spread = e.spread
        // Thresholds: 5 (≤ 2.0 px), 4 (≤ 2.6), 3 (≤ 3.6), 2 (≤ 5.5), 1 beyond.
        let level = 6 - levelFor(spread, thresholds: [2.0, 2.6, 3.6, 5.5])
        let score = 10 * min(1, max(0, 1 - log2(max(spread, 1) / 2) / 2))
        let lab = AestheticAttribute.sharpness.label(level)
        let en = "Edges on the subject spread over about \(Fmt.f(spread)) px at this size: \(lab.english) (strongest fine-scale contrast \(Fmt.f(e.fine, 0)) levels per px)."
        let zh = "主体边缘在此尺寸下约 \(Fmt.f(spread)) 像素宽：\(lab.chinese)（最强细节对比 \(Fmt.f(e.fine, 0)) 级/像素）。"
        return result(score: score, raw: spread, level: level, english: en, chinese: zh,
                      measurements: [Measurement("fineGradient98", e.fine, "levels/px"), Measurement("coarseGradient98", e.coarse, "levels/px"),
                                     Measurement("noiseSigma", ctx.noise.luma, "levels")])
    }
}
