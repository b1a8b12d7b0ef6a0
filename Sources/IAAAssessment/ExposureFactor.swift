import Foundation
import IAACore

/// Exposure (F.740.4 Exposure 1–5, two-sided). The raw value is a signed EV estimate of how far
/// the photo is from a good exposure (− under, + over), such that the opposite exposure change
/// fixes it: where the frame's highlights sit against where a well-exposed photo puts them
/// (`HighlightPlacement`: the 99th percentile of max(R, G, B) against its typical value, clip-aware,
/// a clipped backdrop around the subject left out).
///
/// Why the highlights and not the key: a photographer judges exposure from how the histogram
/// uses the tonal range. A dark scene exposed right (a black bird, a forest with a bright river)
/// still reaches near white somewhere; the same scene 1.5 EV under leaves that headroom unused.
/// A high-key shot on white has a clipped backdrop but a normally exposed subject; the same shot
/// 1 EV over clips the subject's highlights too. The log-average key (Reinhard et al. 2002) mixes
/// exposure with scene content — over the 44 untouched development photos it spreads 0.81 EV (sd)
/// against 0.26 EV for the highlight placement — so it is reported (`keyEV`) but not scored.
/// Visual: a false-colour heat map (blue = under, red = over, grey = fine).
public struct ExposureFactor: AssessmentFactor {
    public let id = "exposure"
    public let direction = FactorDirection.twoSided(ideal: 0)
    public let scale = RawScale(unit: "EV", range: -4...4)
    public let attribute: AestheticAttribute? = .exposure

    /// Log-average luminance the `keyEV` measurement is relative to (linear Y): the fixture
    /// photos' median key; 0.18 (mid-grey) sits above most real photos' geometric mean, which
    /// weighs dark regions heavily. Reported only: the raw value comes from the highlights.
    public var targetKey: Double = 0.15
    /// Also render the heat map (costs one pass over the proxy).
    public var renderVisual: Bool = true

    public init(renderVisual: Bool = true) { self.renderVisual = renderVisual }

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let y = ctx.tone.y, sal = ctx.saliencyRows(), w = ctx.width, n = ctx.count
        var logSum = 0.0, wSum = 0.0, hi = 0.0, lo = 0.0, deep = 0.0
        // Eight pixels at a time, each row's sums in eight Float lanes, then added up in Double.
        ctx.image.pixels.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { yb in
            let zero = SIMD8<Float>(repeating: 0), floor = SIMD8<Float>(repeating: 1.0 / 4096)
            for row in 0..<ctx.height {
                let s = sal.row(row), yr = yb.baseAddress! + row * w, pr = p.baseAddress! + 3 * row * w
                var aLog = zero, aW = zero, aHi = zero, aLo = zero, aDeep = zero
                var x = 0
                while x < w {
                    let m = min(8, w - x)
                    var sv = zero, yv = SIMD8<Float>(repeating: 1)
                    let c: (r: SIMD8<Float>, g: SIMD8<Float>, b: SIMD8<Float>)
                    if m == 8 && 3 * (row * w + x + 8) + 1 <= 3 * n {
                        sv = load8(s, x); yv = load8(yr, x); c = rgb8(pr + 3 * x)
                    } else {
                        for k in 0..<m { sv[k] = s[x + k]; yv[k] = yr[x + k] }
                        c = rgb8Padded(pr + 3 * x, m)
                    }
                    // Weights squared: the subject decides, a white backdrop barely counts.
                    var wt = 0.03 + sv * sv
                    if m < 8 { for k in m..<8 { wt[k] = 0 } }
                    let lg = ColorSpace.log2x8(yv.replacing(with: floor, where: floor .>= yv))
                    var mx = c.r.replacing(with: c.g, where: c.g .> c.r)
                    mx = mx.replacing(with: c.b, where: c.b .> mx)
                    aLog += wt * lg
                    aW += wt
                    aHi += zero.replacing(with: wt, where: (mx .>= 250) .& (yv .> 0.75))
                    aLo += zero.replacing(with: wt, where: mx .<= 8)
                    aDeep += zero.replacing(with: wt, where: yv .< 0.02)  // L* < ~15
                    x += 8
                }
                logSum += Double(aLog.sum()); wSum += Double(aW.sum())
                hi += Double(aHi.sum()); lo += Double(aLo.sum()); deep += Double(aDeep.sum())
            }
        } }
        let key = logSum / wSum
        let hiShare = hi / wSum, loShare = lo / wSum, deepShare = deep / wSum
        let keyEV = key - log2(targetKey)
        let hl = Self.highlightPlacement(ctx.image)
        let ev = hl.offsetEV
        let level = levelFor(ev, thresholds: [-1.6, -0.75, 0.75, 1.6])
        let score = 10 * exp(-(ev * ev) / (2 * 0.9 * 0.9))
        let top = Fmt.pct(1 - hl.quantile)
        let backdropEN = hl.backdropShare > 0 ? " A clipped backdrop around the subject (\(Fmt.pct(hl.backdropShare)) of the frame) is left out." : ""
        let backdropZH = hl.backdropShare > 0 ? "已排除环绕主体的溢出背景（占画面 \(Fmt.pct(hl.backdropShare))）。" : ""
        let en: String, zh: String
        switch level {
        case 1, 2:
            en = "About \(Fmt.f(-ev)) EV under-exposed: the brightest \(top) of the frame stays \(Fmt.f(-hl.levelEV)) EV below white, headroom a good exposure would use; \(Fmt.pct(deepShare)) sits in deep shadow."
            zh = "欠曝约 \(Fmt.f(-ev)) EV：画面最亮的 \(top) 仍比白色低 \(Fmt.f(-hl.levelEV)) EV，正常曝光会用上这段余量；\(Fmt.pct(deepShare)) 处于深阴影。"
        case 4, 5:
            en = "About \(Fmt.f(ev)) EV over-exposed: \(Fmt.pct(hl.clippedShare)) of the frame is clipped at white in at least one channel.\(backdropEN)"
            zh = "过曝约 \(Fmt.f(ev)) EV：画面中 \(Fmt.pct(hl.clippedShare)) 的像素至少一个通道溢出到白色。\(backdropZH)"
        default:
            let sign = ev >= 0 ? "+" : ""
            if keyEV < -1 {
                en = "Well exposed (\(sign)\(Fmt.f(ev)) EV): a low-key scene (key \(Fmt.f(keyEV)) EV, \(Fmt.pct(deepShare)) deep shadow) whose highlights still reach near white.\(backdropEN)"
                zh = "曝光正常（\(sign)\(Fmt.f(ev)) EV）：低调场景（基调 \(Fmt.f(keyEV)) EV，深阴影占 \(Fmt.pct(deepShare))），高光仍接近白色。\(backdropZH)"
            } else {
                en = "Well exposed (\(sign)\(Fmt.f(ev)) EV): the brightest \(top) of the frame sits \(Fmt.f(-hl.levelEV)) EV below white; \(Fmt.pct(deepShare)) deep shadow, \(Fmt.pct(hl.clippedShare)) clipped.\(backdropEN)"
                zh = "曝光正常（\(sign)\(Fmt.f(ev)) EV）：画面最亮的 \(top) 比白色低 \(Fmt.f(-hl.levelEV)) EV；深阴影占 \(Fmt.pct(deepShare))，溢出占 \(Fmt.pct(hl.clippedShare))。\(backdropZH)"
            }
        }
        return result(score: score, raw: ev, level: level, english: en, chinese: zh,
                      measurements: [Measurement("keyEV", keyEV, "EV"), Measurement("highlightClipShare", hiShare, "share"),
                                     Measurement("shadowClipShare", loShare, "share"), Measurement("deepShadowShare", deepShare, "share"),
                                     Measurement("highlightEV", hl.levelEV, "EV"), Measurement("highlightQuantile", hl.quantile, "quantile"),
                                     Measurement("clippedShare", hl.clippedShare, "share"), Measurement("backdropShare", hl.backdropShare, "share")],
                      visual: renderVisual ? FactorVisual(kind: "heatmap", image: Self.heatMap(full)) : nil)
    }

    /// False colour per pixel, like a camera's zebra/false-colour display: the image's lightness
    /// as a muted grey, tinted blue as shadows sink below L* ≈ 10 (fully blue at crushed black)
    /// and red as highlights rise above L* ≈ 90 (fully red where a bright pixel clips).
    public static func heatMap(_ ctx: AnalysisContext) -> RGBImage {
        let y = ctx.luminance, src = ctx.image.pixels, luma = ctx.luma
        var out = [UInt8](repeating: 0, count: ctx.count * 3)
        src.withUnsafeBufferPointer { p in
            for i in 0..<ctx.count {
                let grey = 40 + 150 / 255 * luma[i]
                var r = grey, g = grey, b = grey
                let mx = max(p[3 * i], p[3 * i + 1], p[3 * i + 2])
                let under: Float = mx <= 6 ? 1 : min(1, max(0, (0.0113 - y[i]) / 0.0093))  // L* 10 → 3
                let over: Float = (mx >= 252 && y[i] > 0.5) ? 1 : min(1, max(0, (y[i] - 0.76) / 0.19))  // L* 90 → 98
                if under > 0 { r = r * (1 - under) + 20 * under; g = g * (1 - under) + 90 * under; b = b * (1 - under) + 255 * under }
                if over > 0 { r = r * (1 - over) + 255 * over; g = g * (1 - over) + 40 * over; b = b * (1 - over) + 30 * over }
                out[3 * i] = UInt8(min(255, r)); out[3 * i + 1] = UInt8(min(255, g)); out[3 * i + 2] = UInt8(min(255, b))
            }
        }
        return RGBImage(width: ctx.width, height: ctx.height, pixels: out)
    }
}
