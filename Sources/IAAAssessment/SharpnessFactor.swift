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

    /// Edge spread (px) and the two percentiles, for reuse by other factors; a pixel of
    /// saliency s (0…1) weighs `floor + slope·s` in the percentiles.
    static func edgeSpread(_ ctx: AnalysisContext, floor: Float, slope: Float) -> (spread: Double, fine: Double, coarse: Double) {
        let d = ctx.coarseDetail, w = ctx.width, h = ctx.height, fine = ctx.fineRows()
        var hf = Histogram(lo: 0, hi: 128, count: 1024), hc = Histogram(lo: 0, hi: 128, count: 1024)
        let sal = ctx.saliencyRows()
        // One walk over the rows: every fine-scale gradient, and the coarse cells whose centre
        // row this is (each cell weighted by the saliency at its centre pixel). The fine
        // histogram sums even and odd columns into two sets of bins (so consecutive pixels in
        // one bin do not wait on each other) and each row's weights in eight lanes; the sums
        // are the same up to the order of Double additions (relative 1e-15).
        let wrow = UnsafeMutablePointer<Float>.allocate(capacity: w + 8), brow = UnsafeMutablePointer<Int32>.allocate(capacity: w + 8)
        let f = UnsafeMutablePointer<Float>.allocate(capacity: w + 8)
        defer { f.deallocate() }
        let bins = UnsafeMutablePointer<Double>.allocate(capacity: 2048)
        defer { wrow.deallocate(); brow.deallocate(); bins.deallocate() }
        bins.initialize(repeating: 0, count: 2048)
        var total = 0.0
        let fl = SIMD8<Float>(repeating: floor), sl = SIMD8<Float>(repeating: slope)
        d.p.withUnsafeBufferPointer { cb in hc.withAccumulator { ac in
            let even = bins, odd = bins + 1024
            var cy = 0
            for y in 0..<h {
                sal.row(y, into: wrow)
                fine.row(y, into: f)
                var wsum = SIMD8<Double>(repeating: 0)
                var x = 0
                while x + 8 <= w {
                    let wt = fl + sl * load8(wrow, x)
                    store8(wt, wrow, x)
                    wsum += SIMD8<Double>(Double(wt[0]), Double(wt[1]), Double(wt[2]), Double(wt[3]),
                                          Double(wt[4]), Double(wt[5]), Double(wt[6]), Double(wt[7]))
                    // The bin `Histogram.add` picks: Int(v / 128 · 1024), clamped to the last bin.
                    var q = ColorSpace.floor8(load8(f, x) / 128 * 1024)
                    q = q.replacing(with: 1023, where: q .> 1023)
                    UnsafeMutableRawPointer(brow + x).storeBytes(of: ColorSpace.int8(q), as: SIMD8<Int32>.self)
                    x += 8
                }
                var rowTotal = wsum.sum()
                while x < w {
                    wrow[x] = floor + slope * wrow[x]
                    rowTotal += Double(wrow[x])
                    brow[x] = Int32(max(0, min(1023, Int(f[x] / 128 * 1024))))
                    x += 1
                }
                total += rowTotal
                x = 0
                while x + 2 <= w { even[Int(brow[x])] += Double(wrow[x]); odd[Int(brow[x + 1])] += Double(wrow[x + 1]); x += 2 }
                if x < w { even[Int(brow[x])] += Double(wrow[x]) }
                while cy < d.h && min(h - 1, cy * 4 + 2) == y {
                    for cx in 0..<d.w { ac.add(cb[cy * d.w + cx], weight: wrow[min(w - 1, cx * 4 + 2)]) }
                    cy += 1
                }
            }
        } }
        for k in 0..<1024 { hf.bins[k] = bins[k] + bins[1024 + k] }
        hf.total = total
        let sigma = ctx.noise.luma
        let pf = Double(hf.quantile(0.98)), pc = Double(hc.quantile(0.98))
        let pfClean = max(0.05 * pf, (max(0, pf * pf - 4 * sigma * sigma)).squareRoot())
        return (2 * max(pc, 0.5) / max(pfClean, 0.05), pf, pc)
    }

    public func assess(_ ctx: AnalysisContext) -> FactorResult {
        let e = Self.edgeSpread(ctx, floor: 0.2, slope: 0.8)
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
