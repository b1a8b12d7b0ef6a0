import Foundation
import IAACore

/// Saturation (F.740.4 Saturation 1–5: 1 too dim … 5 too vivid, two-sided).
///
/// Measured in CIELCh: the saliency-weighted 90th percentile of chroma C* over properly lit
/// pixels, against the chroma typical of natural daylight photographs (C*₉₀ ≈ 55), in stops
/// (log2), plus the share of strongly chromatic pixels pinned to the sRGB gamut boundary — the
/// signature of a saturation boost, which natural colour rarely produces over large areas.
public struct SaturationFactor: AssessmentFactor {
    public let id = "saturation"
    public let direction = FactorDirection.twoSided(ideal: 0)
    public let scale = RawScale(unit: "stops of chroma", range: -4...2)
    public let attribute: AestheticAttribute? = .saturation

    /// Natural reference for C*₉₀.
    public var referenceChroma: Double = 55

    public init() {}

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let tone = ctx.tone, sal = ctx.saliencyRows(), w = ctx.width, n = ctx.count
        var hist = Histogram(lo: 0, hi: 160, count: 640)
        var clipped = 0.0, chromatic = 0.0, wsum = 0.0
        // Properly lit pixels (8 < L* < 97) and their weights eight at a time; each row's sums in
        // Float lanes, then Double. The chroma histogram takes the weights into even and odd
        // bins (its total is their sum), so equal neighbours do not wait on each other.
        let bins = UnsafeMutablePointer<Double>.allocate(capacity: 1280)
        defer { bins.deallocate() }
        bins.initialize(repeating: 0, count: 1280)
        var binIdx = SIMD8<Int32>(), wts = SIMD8<Float>()
        tone.L.withUnsafeBufferPointer { Lb in tone.chroma.withUnsafeBufferPointer { Cb in
        ctx.image.pixels.withUnsafeBufferPointer { p in
            let zero = SIMD8<Float>(repeating: 0)
            for y in 0..<ctx.height {
                let s = sal.row(y), Lr = Lb.baseAddress! + y * w, Cr = Cb.baseAddress! + y * w, pr = p.baseAddress! + 3 * y * w
                var aW = zero, aChrom = zero, aClip = zero
                var x = 0
                while x < w {
                    let m = min(8, w - x)
                    var Lv = zero, cv = zero, sv = zero
                    let px: (r: SIMD8<Float>, g: SIMD8<Float>, b: SIMD8<Float>)
                    if m == 8 && 3 * (y * w + x + 8) + 1 <= 3 * n {
                        Lv = load8(Lr, x); cv = load8(Cr, x); sv = load8(s, x); px = rgb8(pr + 3 * x)
                    } else {
                        for k in 0..<m { Lv[k] = Lr[x + k]; cv[k] = Cr[x + k]; sv[k] = s[x + k] }
                        px = rgb8Padded(pr + 3 * x, m)
                    }
                    let lit = (Lv .> 8) .& (Lv .< 97)
                    let wt = zero.replacing(with: 0.3 + 0.7 * sv, where: lit)
                    aW += wt
                    let chromaticLane = lit .& (cv .> 30)
                    aChrom += zero.replacing(with: wt, where: chromaticLane)
                    var mn = px.r.replacing(with: px.g, where: px.g .< px.r), mx = px.r.replacing(with: px.g, where: px.g .> px.r)
                    mn = mn.replacing(with: px.b, where: px.b .< mn); mx = mx.replacing(with: px.b, where: px.b .> mx)
                    aClip += zero.replacing(with: wt, where: chromaticLane .& ((mn .<= 1) .| (mx .>= 254)))
                    // The bin `Histogram.add` picks: Int(c / 160 · 640), clamped to the last bin.
                    var q = ColorSpace.floor8(cv / 160 * 640)
                    q = q.replacing(with: 639, where: q .> 639)
                    binIdx = ColorSpace.int8(q); wts = wt
                    // Unlit lanes weigh 0, and adding 0 leaves a bin as it was: no branch per lane.
                    for k in 0..<m { bins[Int(binIdx[k]) + 640 * (k & 1)] += Double(wts[k]) }
                    x += 8
                }
                wsum += Double(aW.sum()); chromatic += Double(aChrom.sum()); clipped += Double(aClip.sum())
            }
        } } }
        var total = 0.0
        for k in 0..<640 { hist.bins[k] = bins[k] + bins[640 + k]; total += hist.bins[k] }
        hist.total = total
        let c90 = Double(hist.quantile(0.9)), median = Double(hist.quantile(0.5))
        let gamutShare = wsum > 0 ? clipped / wsum : 0
        let chromaticShare = wsum > 0 ? chromatic / wsum : 0
        let raw = log2(max(c90, 1) / referenceChroma) + 1.5 * gamutShare
        let level = levelFor(raw, thresholds: [-1.8, -0.9, 0.9, 1.6])
        let score = 10 * exp(-(raw * raw) / (2 * 0.6 * 0.6))
        let en: String, zh: String
        switch level {
        case 1, 2:
            en = "Colours look \(level == 1 ? "washed out" : "muted"): the most colourful tenth of the frame reaches only chroma \(Fmt.f(c90, 0)) (natural ≈ \(Fmt.f(referenceChroma, 0)))."
            zh = "色彩\(level == 1 ? "严重寡淡" : "偏淡")：画面中最鲜艳的 10% 色度仅 \(Fmt.f(c90, 0))（自然约 \(Fmt.f(referenceChroma, 0))）。"
        case 4, 5:
            en = "Colours look \(level == 5 ? "over-saturated" : "vivid"): chroma reaches \(Fmt.f(c90, 0)) and \(Fmt.pct(gamutShare)) of the frame is pinned to the gamut edge."
            zh = "色彩\(level == 5 ? "过于饱和" : "偏艳")：色度达 \(Fmt.f(c90, 0))，画面中 \(Fmt.pct(gamutShare)) 的像素已触及色域边界。"
        default:
            en = "Natural saturation: chroma \(Fmt.f(c90, 0)) in the most colourful tenth of the frame, median \(Fmt.f(median, 0))."
            zh = "饱和度自然：最鲜艳的 10% 色度为 \(Fmt.f(c90, 0))，中位数 \(Fmt.f(median, 0))。"
        }
        return result(score: score, raw: raw, level: level, english: en, chinese: zh,
                      measurements: [Measurement("chroma90", c90, "C*"), Measurement("chromaMedian", median, "C*"),
                                     Measurement("gamutClipShare", gamutShare, "share"), Measurement("chromaticShare", chromaticShare, "share")])
    }
}
