import Foundation
import IAACore

/// Light and shadow (F.740.4 Light and shadow 1–3), higher is better.
///
/// After the tone and clarity attributes of Aydın, Smolic & Gross (TVCG 2015, "Automated
/// aesthetic analysis of photographic images"): tone is the usable tonal range (L* between the
/// 2nd and 98th percentiles), discounted by crushed shadows and blown highlights; clarity is
/// the local contrast, mean |L* − G_σ∗L*| with σ = 2 % of the long side, and the share of the
/// frame where it exceeds 5 L*. Raw value: 0…1 index, the mean of the two normalised cues.
public struct LightAndShadowFactor: AssessmentFactor {
    public let id = "lightAndShadow"
    public let direction = FactorDirection.higherIsBetter
    public let scale = RawScale(unit: "index", range: 0...1)
    public let attribute: AestheticAttribute? = .lightAndShadow

    public init() {}

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let L = ctx.tone.L
        var hist = Histogram(lo: 0, hi: 100, count: 400)
        var crushed = 0, blown = 0
        // Unit weights: integer counts are the Double sums exactly, whatever the order (two
        // interleaved sets of counts, so that equal neighbours do not wait on each other).
        var counts = [Int32](repeating: 0, count: 1600)
        L.withUnsafeBufferPointer { lb in counts.withUnsafeMutableBufferPointer { cb in
            let c = cb.baseAddress!, n = lb.count, p = lb.baseAddress!
            @inline(__always) func bin(_ v: Float) -> Int { max(0, min(399, Int((v - 0) / 100 * 400))) }
            // Bins and the clip tests eight at a time: ⌊4 L*⌋ within 0…399 is the bin `add` picks
            // (black can come out a hair below 0, which truncation and floor both send to bin 0),
            // counted into four interleaved sets of bins.
            var idx = SIMD8<Int32>(), zero = SIMD8<Float>(repeating: 0), crushed8 = zero, blown8 = zero
            var i = 0
            while i + 8 <= n {
                let v = load8(p, i)
                var q = ColorSpace.floor8(v / 100 * 400)
                q = q.replacing(with: 399, where: q .> 399)
                q = q.replacing(with: 0, where: q .< 0)
                idx = ColorSpace.int8(q)
                for k in 0..<8 { c[400 * (k & 3) + Int(idx[k])] &+= 1 }
                crushed8 += zero.replacing(with: 1, where: v .< 3)
                blown8 += zero.replacing(with: 1, where: v .> 98.5)
                i += 8
            }
            for k in 0..<8 { crushed += Int(crushed8[k]); blown += Int(blown8[k]) }
            while i < n { let a = p[i]; c[bin(a)] &+= 1; if a < 3 { crushed += 1 } else if a > 98.5 { blown += 1 }; i += 1 }
        } }
        for k in 0..<400 { hist.bins[k] = Double((counts[k] + counts[400 + k]) + (counts[800 + k] + counts[1200 + k])) }
        hist.total = Double(L.count)
        let p2 = Double(hist.quantile(0.02)), p98 = Double(hist.quantile(0.98))
        let range = p98 - p2
        let clipShare = Double(crushed + blown) / Double(ctx.count)
        // Clarity on a downsampled L* (local contrast is a low-frequency property): ~256 px long side.
        let factor = max(1, max(ctx.width, ctx.height) / 256)
        let d = ctx.downsampledL(by: factor)
        let sigma = Float(max(ctx.width, ctx.height)) * 0.02 / Float(factor)
        let blur = Planes.gaussian(d.p, d.w, d.h, sigma: max(1, sigma))
        var sum: Float = 0, strong = 0
        for i in 0..<d.p.count { let c = abs(d.p[i] - blur[i]); sum += c; if c > 5 { strong += 1 } }
        let clarity = Double(sum) / Double(d.p.count), clarityShare = Double(strong) / Double(d.p.count)
        let toneN = min(1, max(0, (range - 30) / 55)) * (1 - min(0.5, max(0, clipShare - 0.05) * 2))
        let clarityN = min(1, max(0, (clarity - 1) / 5))
        let index = 0.5 * toneN + 0.5 * clarityN
        let level = index >= 0.7 && clipShare < 0.15 ? 3 : (index < 0.3 ? 1 : 2)
        let en: String, zh: String
        switch level {
        case 3:
            en = "Good light: tones span L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0)) with crisp local contrast (\(Fmt.pct(clarityShare)) of the frame)."
            zh = "光影出色：明暗跨度 L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0))，局部反差清晰（占画面 \(Fmt.pct(clarityShare))）。"
        case 1:
            en = "Flat light: tones span only L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0)) and local contrast is weak (\(Fmt.f(clarity)) L*)."
            zh = "光线平淡：明暗仅跨 L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0))，局部反差弱（\(Fmt.f(clarity)) L*）。"
        default:
            en = "Ordinary light: tones span L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0)), local contrast \(Fmt.f(clarity)) L*\(clipShare >= 0.15 ? ", \(Fmt.pct(clipShare)) clipped" : "")."
            zh = "光影一般：明暗跨度 L* \(Fmt.f(p2, 0))–\(Fmt.f(p98, 0))，局部反差 \(Fmt.f(clarity)) L*\(clipShare >= 0.15 ? "，\(Fmt.pct(clipShare)) 已裁切" : "")。"
        }
        return result(score: 10 * index, raw: index, level: level, english: en, chinese: zh,
                      measurements: [Measurement("tonalRange", range, "L*"), Measurement("clipShare", clipShare, "share"),
                                     Measurement("clarity", clarity, "L*"), Measurement("clarityShare", clarityShare, "share")])
    }
}
