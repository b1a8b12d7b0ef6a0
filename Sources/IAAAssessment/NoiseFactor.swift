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
        // Blocks start every 8 px while a full block plus one pixel of margin fits.
        var nbx = 0
        while nbx * bs + bs < w { nbx += 1 }
        guard w > 2, h > 2, nbx > 0 else { return NoiseLevels(luma: 0, chroma: 0) }
        // Row by row: Immerkær's mask is separable ([1 −2 1]ᵀ ⊗ [1 −2 1]), so each row's response
        // is a vertical second difference followed by a horizontal one — 6 operations a pixel
        // instead of 17, in straight loops — then summed into that row's blocks in the order
        // a block-by-block walk would use.
        var rowY = [Float](repeating: 0, count: w), rowC = rowY
        var vY = rowY, vB = rowY, vR = rowY
        var accY = [Float](repeating: 0, count: nbx), accC = accY, accM = accY
        y.withUnsafeBufferPointer { ys in cb.withUnsafeBufferPointer { cbs in cr.withUnsafeBufferPointer { crs in
        rowY.withUnsafeMutableBufferPointer { ry in rowC.withUnsafeMutableBufferPointer { rc in
        vY.withUnsafeMutableBufferPointer { vy in vB.withUnsafeMutableBufferPointer { vb in vR.withUnsafeMutableBufferPointer { vr in
        accY.withUnsafeMutableBufferPointer { ay in accC.withUnsafeMutableBufferPointer { ac in accM.withUnsafeMutableBufferPointer { am in
            var by = 0
            while by + bs < h {
                for b in 0..<nbx { ay[b] = 0; ac[b] = 0; am[b] = 0 }
                let y0 = max(1, by)
                for yy in y0..<(by + bs) {
                    let row = yy * w, up = row - w, down = row + w
                    for x in 0..<w {
                        vy[x] = ys[up + x] - 2 * ys[row + x] + ys[down + x]
                        vb[x] = cbs[up + x] - 2 * cbs[row + x] + cbs[down + x]
                        vr[x] = crs[up + x] - 2 * crs[row + x] + crs[down + x]
                    }
                    for xx in 1..<(w - 1) {
                        ry[xx] = abs(vy[xx - 1] - 2 * vy[xx] + vy[xx + 1])
                        rc[xx] = abs(vb[xx - 1] - 2 * vb[xx] + vb[xx + 1]) + abs(vr[xx - 1] - 2 * vr[xx] + vr[xx + 1])
                    }
                    for b in 0..<nbx {
                        var sy: Float = ay[b], sc: Float = ac[b], sm: Float = am[b]
                        for xx in max(1, b * bs)..<(b * bs + bs) { sy += ry[xx]; sc += rc[xx]; sm += ys[row + xx] }
                        ay[b] = sy; ac[b] = sc; am[b] = sm
                    }
                }
                for b in 0..<nbx {
                    let n = Float((b * bs + bs - max(1, b * bs)) * (by + bs - y0))
                    let mean = am[b] / max(n, 1)
                    // Clipped blocks hold no noise at all; they would drag the estimate to zero.
                    if n > 0 && mean > 12 && mean < 243 { blocks.append((k * ay[b] / n, k * ac[b] / (2 * n))) }
                }
                by += bs
            }
        } } } } } } } } } } }
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
