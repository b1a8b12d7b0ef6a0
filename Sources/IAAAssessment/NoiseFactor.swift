import Foundation
import IAACore

/// Noise estimation shared by the factors: Immerkær's fast noise variance operator
/// (Immerkær, CVIU 1996: σ = √(π/2)·mean|I∗N|/6 with N the 3×3 difference-of-Laplacians mask)
/// applied per 8×8 block, keeping the flattest blocks (their 10th percentile), so scene texture
/// is not mistaken for noise. Luma and the two chroma-difference planes (BT.601 Cb, Cr).
enum NoiseEstimator {
    /// The Rec. 601 luma plane (0…255, `RGBImage.luma601`'s values) and the noise levels, from
    /// one pass over the image's rows: both need every row split into R, G and B, so that is
    /// done once.
    ///
    /// The mask is linear and Y, Cb and Cr are linear in R, G and B, so N∗Y = 0.299 N∗R +
    /// 0.587 N∗G + 0.114 N∗B (likewise for Cb, Cr) with N∗R, N∗G, N∗B exact small integers:
    /// no chroma planes are stored, and the responses are rounded once instead of per plane.
    /// N is separable ([1 −2 1]ᵀ ⊗ [1 −2 1]): a vertical second difference, then a horizontal one.
    static func lumaAndNoise(_ img: RGBImage) -> (luma: [Float], noise: NoiseLevels) {
        let w = img.width, h = img.height, bs = 8
        // Blocks start every 8 px while a full block plus one pixel of margin fits.
        var nbx = 0
        while nbx * bs + bs < w { nbx += 1 }
        var nby = 0
        while nby * bs + bs < h { nby += 1 }
        let measure = w > 2 && h > 2 && nbx > 0 && nby > 0
        let cols = nbx * bs  // columns 1..<cols are inside blocks
        var blocksY: [Float] = [], blocksC: [Float] = []
        blocksY.reserveCapacity(nbx * nby); blocksC.reserveCapacity(nbx * nby)
        let k = Float((Double.pi / 2).squareRoot() / 6)
        // Three rows of planar R, G, B (ring by row index), vertical second differences, and the
        // current block row's per-column sums of |N∗Y|, |N∗Cb| + |N∗Cr| and luma.
        let ring = UnsafeMutablePointer<Float>.allocate(capacity: 9 * w + 3 * w + 3 * w + 8)
        defer { ring.deallocate() }
        ring.initialize(repeating: 0, count: 9 * w + 3 * w + 3 * w + 8)
        let vR = ring + 9 * w, vG = vR + w, vB = vG + w
        let colY = vB + w, colC = colY + w, colM = colC + w
        let luma = [Float](unsafeUninitializedCapacity: w * h) { lp, count in
            img.pixels.withUnsafeBufferPointer { pb in
                let p = pb.baseAddress!, L = lp.baseAddress!
                for y in 0..<h {
                    // Split row y and compute its luma (the same expression as luma601).
                    let slot = ring + 3 * w * (y % 3)
                    let R = slot, G = slot + w, B = slot + 2 * w
                    let src = p + 3 * w * y, Ly = L + w * y
                    var x = 0
                    while x < w {
                        // A group of eight reads 3·8 + 1 bytes: not past the image's last one.
                        let c = 3 * (w * y + x + 8) + 1 > 3 * w * h ? rgb8Padded(src + 3 * x, w - x) : rgb8(src + 3 * x)
                        let v = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b
                        if x + 8 <= w {
                            store8(c.r, R, x); store8(c.g, G, x); store8(c.b, B, x); store8(v, Ly, x)
                        } else {
                            for k in 0..<(w - x) { R[x + k] = c.r[k]; G[x + k] = c.g[k]; B[x + k] = c.b[k]; Ly[x + k] = v[k] }
                        }
                        x += 8
                    }
                    // Row yy = y − 1 has both neighbours now; it is measured if it lies in a block row.
                    let yy = y - 1
                    guard measure, yy >= 1, yy < nby * bs else { continue }
                    let up = ring + 3 * w * ((yy - 1) % 3), mid = ring + 3 * w * (yy % 3), down = ring + 3 * w * ((yy + 1) % 3)
                    for c in 0..<3 {
                        let u = up + c * w, m = mid + c * w, d = down + c * w, v = vR + c * w
                        x = 0
                        while x + 8 <= cols + 1 { store8(load8(u, x) - 2 * load8(m, x) + load8(d, x), v, x); x += 8 }
                        while x < cols + 1 { v[x] = u[x] - 2 * m[x] + d[x]; x += 1 }
                    }
                    let Lyy = L + w * yy
                    x = 1
                    while x + 8 <= cols {
                        let hr = load8(vR, x - 1) - 2 * load8(vR, x) + load8(vR, x + 1)
                        let hg = load8(vG, x - 1) - 2 * load8(vG, x) + load8(vG, x + 1)
                        let hb = load8(vB, x - 1) - 2 * load8(vB, x) + load8(vB, x + 1)
                        let ry = abs8(0.299 * hr + 0.587 * hg + 0.114 * hb)
                        let rc = abs8(-0.1687 * hr - 0.3313 * hg + 0.5 * hb) + abs8(0.5 * hr - 0.4187 * hg - 0.0813 * hb)
                        store8(load8(colY, x) + ry, colY, x); store8(load8(colC, x) + rc, colC, x)
                        store8(load8(colM, x) + load8(Lyy, x), colM, x)
                        x += 8
                    }
                    while x < cols {
                        let hr = vR[x - 1] - 2 * vR[x] + vR[x + 1], hg = vG[x - 1] - 2 * vG[x] + vG[x + 1], hb = vB[x - 1] - 2 * vB[x] + vB[x + 1]
                        colY[x] += abs(0.299 * hr + 0.587 * hg + 0.114 * hb)
                        colC[x] += abs(-0.1687 * hr - 0.3313 * hg + 0.5 * hb) + abs(0.5 * hr - 0.4187 * hg - 0.0813 * hb)
                        colM[x] += Lyy[x]
                        x += 1
                    }
                    // Last row of a block row: close its blocks.
                    guard yy % bs == bs - 1 else { continue }
                    let by = yy - (bs - 1), rows = by + bs - max(1, by)
                    for b in 0..<nbx {
                        let x0 = max(1, b * bs)
                        var sy: Float = 0, sc: Float = 0, sm: Float = 0
                        for x in x0..<(b * bs + bs) { sy += colY[x]; sc += colC[x]; sm += colM[x] }
                        let n = Float((b * bs + bs - x0) * rows)
                        let mean = sm / n
                        // Clipped blocks hold no noise at all; they would drag the estimate to zero.
                        if mean > 12 && mean < 243 { blocksY.append(k * sy / n); blocksC.append(k * sc / (2 * n)) }
                    }
                    for x in 0..<w { colY[x] = 0; colC[x] = 0; colM[x] = 0 }
                }
            }
            count = w * h
        }
        guard !blocksY.isEmpty else { return (luma, NoiseLevels(luma: 0, chroma: 0)) }
        let q = max(0, Int(Double(blocksY.count) * 0.1) - 1)
        return (luma, NoiseLevels(luma: Double(Planes.kthSmallest(&blocksY, q)), chroma: Double(Planes.kthSmallest(&blocksC, q))))
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
