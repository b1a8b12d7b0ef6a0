import Foundation
import IAACore

/// White balance (F.740.4 White balance 1–5: 1 too warm … 5 too cold, two-sided).
///
/// The illuminant is estimated from grey pixels — pixels whose log-chroma stays constant while
/// their intensity changes, i.e. shaded grey surfaces (Yang et al., CVPR 2015; Qian et al.,
/// CVPR 2019) — fused with grey-edge (van de Weijer et al., TIP 2007) in proportion to a
/// `confidence`: how many of the grey pixels agree on one chromaticity, and whether grey-edge
/// agrees with them (`IlluminantEstimator`). A prior of finished photos then shrinks the
/// estimate towards neutral by up to `maxShrink` ΔE, less the more confident it is (soft
/// threshold on the a*b* magnitude), so a photo's own colour does not read as a cast while a
/// cast on a photo with grey surfaces, or a strong one on any photo, does.
///
/// The result is rendered as the CIELab a*/b* a mid-light grey (Y = 0.4) would take under it.
/// Raw value: −b* (ΔE), so negative = warm (levels 1–2), positive = cold (4–5), following the
/// standard's order; the green–magenta tint a* is a measurement and lowers the score.
/// `greyEdgeU`/`greyEdgeV` are the same (shrunk) illuminant in ln R/G, ln B/G of linear light —
/// dividing linear RGB by their exponentials neutralises what the factor calls a cast.
public struct WhiteBalanceFactor: AssessmentFactor {
    public let id = "whiteBalance"
    public let direction = FactorDirection.twoSided(ideal: 0)
    public let scale = RawScale(unit: "ΔE b* (− warm, + cold)", range: -40...40)
    public let attribute: AestheticAttribute? = .whiteBalance

    /// Level thresholds on raw (ΔE b*): |raw| ≥ 4.5 is a cast (levels 2/4), ≥ 12 a strong one (1/5).
    static let thresholds: [Double] = [-12, -4.5, 4.5, 12]
    /// Shrinkage (ΔE) of an estimate with zero confidence; none at confidence 1.
    static let maxShrink = 6.0

    public init() {}

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let est = IlluminantEstimator.estimate(ctx)
        let fused = Self.greyLab(u: est.u, v: est.v)
        let magnitude = (fused.a * fused.a + fused.b * fused.b).squareRoot()
        let keep = magnitude > 0 ? max(0, 1 - Self.maxShrink * (1 - est.confidence) / magnitude) : 0
        let u = est.u * keep, v = est.v * keep
        let lab = Self.greyLab(u: u, v: v)
        let bStar = lab.b, aStar = lab.a
        let raw = -bStar
        let level = levelFor(raw, thresholds: Self.thresholds)
        let score = 10 * exp(-(bStar * bStar + 0.7 * aStar * aStar) / (2 * 7 * 7))
        let tintEn = abs(aStar) >= 4 ? (aStar > 0 ? ", with a magenta tint of \(Fmt.f(aStar, 0))" : ", with a green tint of \(Fmt.f(-aStar, 0))") : ""
        let tintZh = abs(aStar) >= 4 ? (aStar > 0 ? "，并带 \(Fmt.f(aStar, 0)) 的品红色调" : "，并带 \(Fmt.f(-aStar, 0)) 的绿色调") : ""
        let conf = Fmt.f(est.confidence, 2)
        let basis = est.confidence >= 0.5
            ? "judged on grey surfaces (\(est.greyPixels) grey pixels, \(Fmt.pct(est.modeShare)) of them agreeing; confidence \(conf))"
            : "judged mostly on the edges (few reliable grey surfaces; confidence \(conf))"
        let basisZh = est.confidence >= 0.5
            ? "依据灰色表面（\(est.greyPixels) 个灰像素，其中 \(Fmt.pct(est.modeShare)) 一致；置信度 \(conf)）"
            : "主要依据边缘（可靠的灰色表面很少；置信度 \(conf)）"
        let en: String, zh: String
        switch level {
        case 1, 2:
            en = "A warm (yellow-orange) cast of about \(Fmt.f(bStar, 0)) ΔE, \(basis)\(tintEn)."
            zh = "偏暖（黄橙色偏）约 \(Fmt.f(bStar, 0)) ΔE，\(basisZh)\(tintZh)。"
        case 4, 5:
            en = "A cold (blue) cast of about \(Fmt.f(-bStar, 0)) ΔE, \(basis)\(tintEn)."
            zh = "偏冷（蓝色偏）约 \(Fmt.f(-bStar, 0)) ΔE，\(basisZh)\(tintZh)。"
        default:
            en = "Neutral white balance (b* \(Fmt.f(bStar, 1)), a* \(Fmt.f(aStar, 1))), \(basis)."
            zh = "白平衡正常（b* \(Fmt.f(bStar, 1))，a* \(Fmt.f(aStar, 1))），\(basisZh)。"
        }
        return result(score: score, raw: raw, level: level, english: en, chinese: zh,
                      measurements: [Measurement("castA", aStar, "ΔE"), Measurement("castB", bStar, "ΔE"),
                                     Measurement("neutralShare", est.neutralShare, "share"),
                                     Measurement("greyEdgeU", u, "ln R/G"), Measurement("greyEdgeV", v, "ln B/G"),
                                     Measurement("confidence", est.confidence, "0–1"),
                                     Measurement("greyPixels", Double(est.greyPixels), "px"),
                                     Measurement("greyModeShare", est.modeShare, "share")])
    }

    /// CIELab a*, b* of a grey (Y = 0.4) lit by the illuminant (e^u, 1, e^v) in linear RGB.
    static func greyLab(u: Double, v: Double) -> (a: Double, b: Double) {
        var r = Float(exp(u)), g: Float = 1, b = Float(exp(v))
        let k = 0.4 / ColorSpace.luminance(r, g, b)
        r *= k; g *= k; b *= k
        let lab = ColorSpace.lab(r, g, b)
        return (Double(lab.a), Double(lab.b))
    }
}
