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
        let tone = ctx.tone, sal = ctx.saliencyRows(), w = ctx.width
        var hist = Histogram(lo: 0, hi: 160, count: 640)
        var clipped = 0.0, chromatic = 0.0, wsum = 0.0
        tone.L.withUnsafeBufferPointer { Lb in tone.chroma.withUnsafeBufferPointer { Cb in
        ctx.image.pixels.withUnsafeBufferPointer { p in hist.withAccumulator { acc in
            for y in 0..<ctx.height {
                let s = sal.row(y)
                for x in 0..<w {
                    let i = y * w + x
                    let L = Lb[i]
                    guard L > 8 && L < 97 else { continue }
                    let wt = 0.3 + 0.7 * s[x]
                    let c = Cb[i]
                    acc.add(c, weight: wt)
                    wsum += Double(wt)
                    if c > 30 {
                        chromatic += Double(wt)
                        let mn = min(p[3 * i], p[3 * i + 1], p[3 * i + 2]), mx = max(p[3 * i], p[3 * i + 1], p[3 * i + 2])
                        if mn <= 1 || mx >= 254 { clipped += Double(wt) }
                    }
                }
            }
        } } } }
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
