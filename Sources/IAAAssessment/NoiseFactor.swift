import Foundation
import IAACore

/// Noise estimation shared by the factors: Immerkær's fast noise variance operator
/// (Immerkær, CVIU 1996: σ = √(π/2)·mean|I∗N|/6 with N the 3×3 difference-of-Laplacians mask)
/// applied per 8×8 block, keeping the flattest blocks (their 10th percentile), so scene texture
/// is not mistaken for noise. Luma and the two chroma-difference planes (BT.601 Cb, Cr).
enum NoiseEstimator {
    static func estimate(_ ctx: AnalysisContext) -> NoiseLevels {
        let w = ctx.width, h = ctx.height
        let y = ctx.luma
        var cb = [Float](repeating: 0, count: ctx.count), cr = cb
        ctx.image.pixels.withUnsafeBufferPointer { p in
        cb.withUnsafeMutableBufferPointer { cbp in cr.withUnsafeMutableBufferPointer { crp in
            for i in 0..<cbp.count {
                let r = Float(p[3 * i]), g = Float(p[3 * i + 1]), b = Float(p[3 * i + 2])
                cbp[i] = -0.1687 * r - 0.3313 * g + 0.5 * b
                crp[i] = 0.5 * r - 0.4187 * g - 0.0813 * b
            }
        } } }
        let bs = 8
        var blocks: [(sy: Float, sc: Float)] = []
        blocks.reserveCapacity((w / bs) * (h / bs))
        let k = Float((Double.pi / 2).squareRoot() / 6)
        func response(_ s: UnsafeBufferPointer<Float>, _ i: Int) -> Float {
            abs(s[i - w - 1] - 2 * s[i - w] + s[i - w + 1] - 2 * s[i - 1] + 4 * s[i] - 2 * s[i + 1] + s[i + w - 1] - 2 * s[i + w] + s[i + w + 1])
        }
        y.withUnsafeBufferPointer { ys in cb.withUnsafeBufferPointer { cbs in cr.withUnsafeBufferPointer { crs in
            var by = 0
            while by + bs < h {
                var bx = 0
                while bx + bs < w {
                    var ay: Float = 0, ac: Float = 0, mean: Float = 0, n: Float = 0
                    for yy in max(1, by)..<min(h - 1, by + bs) {
                        for xx in max(1, bx)..<min(w - 1, bx + bs) {
                            let i = yy * w + xx
                            ay += response(ys, i); ac += response(cbs, i) + response(crs, i); mean += ys[i]; n += 1
                        }
                    }
                    mean /= max(n, 1)
                    // Clipped blocks hold no noise at all; they would drag the estimate to zero.
                    if n > 0 && mean > 12 && mean < 243 { blocks.append((k * ay / n, k * ac / (2 * n))) }
                    bx += bs
                }
                by += bs
            }
        } } }
        guard !blocks.isEmpty else { return NoiseLevels(luma: 0, chroma: 0) }
        let sy = blocks.map(\.sy).sorted(), sc = blocks.map(\.sc).sorted()
        let q = max(0, Int(Double(blocks.count) * 0.1) - 1)
        return NoiseLevels(luma: Double(sy[q]), chroma: Double(sc[q]))
    }
}

/// Noisiness (F.740.4 Noisiness 1–3: 1 severe, 2 slight, 3 none). Raw value: the effective
/// noise standard deviation in 8-bit levels at proxy scale, √(σ_Y² + ½σ_C²).
public struct NoiseFactor: AssessmentFactor {
    public let id = "noise"
    public let direction = FactorDirection.lowerIsBetter
    public let scale = RawScale(unit: "σ (8-bit levels)", range: 0...40)
    public let attribute: AestheticAttribute? = .noisiness

    public init() {}

    public func assess(_ ctx: AnalysisContext) -> FactorResult {
        let n = ctx.noise
        let sigma = (n.luma * n.luma + 0.5 * n.chroma * n.chroma).squareRoot()
        let level = 4 - levelFor(sigma, thresholds: [3.0, 7.0])
        let score = 10 * min(1, max(0, 1 - log2(max(sigma, 1)) / log2(24)))
        let en: String, zh: String
        switch level {
        case 3:
            en = "Clean: noise σ ≈ \(Fmt.f(sigma)) levels in the flattest areas (luma \(Fmt.f(n.luma)), chroma \(Fmt.f(n.chroma)))."
            zh = "画面干净：平坦区域噪声 σ ≈ \(Fmt.f(sigma))（亮度 \(Fmt.f(n.luma))，色度 \(Fmt.f(n.chroma))）。"
        default:
            en = "\(level == 1 ? "Heavy" : "Visible") noise: σ ≈ \(Fmt.f(sigma)) levels even in the flattest areas (luma \(Fmt.f(n.luma)), chroma \(Fmt.f(n.chroma)))."
            zh = "\(level == 1 ? "噪点严重" : "有可见噪点")：即使在平坦区域 σ ≈ \(Fmt.f(sigma))（亮度 \(Fmt.f(n.luma))，色度 \(Fmt.f(n.chroma))）。"
        }
        return result(score: score, raw: sigma, level: level, english: en, chinese: zh,
                      measurements: [Measurement("lumaSigma", n.luma, "levels"), Measurement("chromaSigma", n.chroma, "levels")])
    }
}
