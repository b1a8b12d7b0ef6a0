import Foundation
import IAACore

/// Noise estimation shared by the factors: Immerkær's fast noise variance operator
/// (Immerkær, CVIU 1996: σ = √(π/2)·mean|I∗N|/6 with N the 3×3 difference-of-Laplacians mask)
/// applied per 8×8 block, keeping the flattest blocks (their 10th percentile), so scene texture
/// is not mistaken for noise. Luma and the two chroma-difference planes (BT.601 Cb, Cr).
enum NoiseEstimator {
    /// The Rec. 601 luma plane (0…255, `RGBImage.luma601`'s values) and the noise levels, from
    /// one pass over the image's rows: both need every pixel's R, G and B, so each row is split
    /// once, into its luma and its BT.601 Cb and Cr. Immerkær's mask is separable
    /// ([1 −2 1]ᵀ ⊗ [1 −2 1]): per row a vertical second difference, then a horizontal one, on
    /// the three planes (three rows of Cb and Cr in a ring, luma from the plane being built),
    /// eight pixels at a time; the block sums then run pixel by pixel in block order.
    ///
    /// The same pass also box-averages the luma by 4 (`Planes.downsample(luma, by: 4)`, summed
    /// in that function's order), the input of the coarse gradient.
    static func lumaAndNoise(_ img: RGBImage) -> (luma: [Float], noise: NoiseLevels, quarter: (p: [Float], w: Int, h: Int)) {
        let w = img.width, h = img.height, bs = 8
        // The by-4 box average: rows 4·oy … 4·oy + 3 add into output row oy, column by column.
        let qw = max(1, w / 4), qh = max(1, h / 4)
        var quarter = [Float](repeating: 0, count: qw * qh)
        let boxable = w >= 4 && h >= 4
        // Blocks start every 8 px while a full block plus one pixel of margin fits.
        var nbx = 0
        while nbx * bs + bs < w { nbx += 1 }
        var nby = 0
        while nby * bs + bs < h { nby += 1 }
        let measure = w > 2 && h > 2 && nbx > 0 && nby > 0
        let cols = nbx * bs  // columns 1..<cols are inside blocks
        var blocks: [(sy: Float, sc: Float)] = []
        blocks.reserveCapacity(nbx * nby)
        let k = Float((Double.pi / 2).squareRoot() / 6)
        // Three rows of Cb and Cr (ring by row index), the vertical second differences of Y, Cb,
        // Cr, the responses |N∗Y| and |N∗Cb| + |N∗Cr| of one row, and the block sums.
        let scratch = 6 * w + 3 * w + 2 * w + 8
        let ring = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
        defer { ring.deallocate() }
        ring.initialize(repeating: 0, count: scratch)
        let vY = ring + 6 * w, vB = vY + w, vR = vB + w, ry = vR + w, rc = ry + w
        var accY = [Float](repeating: 0, count: max(1, nbx)), accC = accY, accM = accY
        let luma = [Float](unsafeUninitializedCapacity: w * h) { lp, count in
            img.pixels.withUnsafeBufferPointer { pb in quarter.withUnsafeMutableBufferPointer { qb in
            accY.withUnsafeMutableBufferPointer { ay in accC.withUnsafeMutableBufferPointer { ac in accM.withUnsafeMutableBufferPointer { am in
                let p = pb.baseAddress!, L = lp.baseAddress!
                for y in 0..<h {
                    // Split row y: luma (the same expression as luma601), Cb and Cr.
                    let Cb = ring + 2 * w * (y % 3), Cr = Cb + w
                    let src = p + 3 * w * y, Ly = L + w * y
                    var x = 0
                    while x < w {
                        // A group of eight reads 3·8 + 1 bytes: not past the image's last one.
                        let c = 3 * (w * y + x + 8) + 1 > 3 * w * h ? rgb8Padded(src + 3 * x, w - x) : rgb8(src + 3 * x)
                        let lv = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b
                        let bv = -0.1687 * c.r - 0.3313 * c.g + 0.5 * c.b
                        let rv = 0.5 * c.r - 0.4187 * c.g - 0.0813 * c.b
                        if x + 8 <= w {
                            store8(lv, Ly, x); store8(bv, Cb, x); store8(rv, Cr, x)
                        } else {
                            for k in 0..<(w - x) { Ly[x + k] = lv[k]; Cb[x + k] = bv[k]; Cr[x + k] = rv[k] }
                        }
                        x += 8
                    }
                    if boxable && y < 4 * qh {
                        // Columns 4k … 4k + 3 of sixteen are the even/odd halves of halves; each
                        // output adds its sixteen values row by row, left to right, from 0.
                        let q = qb.baseAddress! + (y / 4) * qw
                        var ox = 0
                        while ox + 4 <= qw {
                            let v = UnsafeRawPointer(Ly).loadUnaligned(fromByteOffset: 16 * ox, as: SIMD16<Float>.self)
                            let ev = v.evenHalf, od = v.oddHalf
                            var acc = UnsafeRawPointer(q + ox).loadUnaligned(as: SIMD4<Float>.self)
                            acc += ev.evenHalf; acc += od.evenHalf; acc += ev.oddHalf; acc += od.oddHalf
                            UnsafeMutableRawPointer(q + ox).storeBytes(of: acc, as: SIMD4<Float>.self)
                            ox += 4
                        }
                        while ox < qw {
                            var acc = q[ox]
                            for dx in 0..<4 { acc += Ly[4 * ox + dx] }
                            q[ox] = acc
                            ox += 1
                        }
                        if y % 4 == 3 { for k in 0..<qw { q[k] = q[k] * (1 / Float(16)) } }
                    }
                    // Row yy = y − 1 has both neighbours now; it is measured if it lies in a block row.
                    let yy = y - 1
                    guard measure, yy >= 1, yy < nby * bs else { continue }
                    let by = yy / bs * bs
                    if yy == max(1, by) { for b in 0..<nbx { ay[b] = 0; ac[b] = 0; am[b] = 0 } }
                    let planes: [(UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)] = [
                        (L + w * (yy - 1), L + w * yy, L + w * (yy + 1), vY),
                        (ring + 2 * w * ((yy - 1) % 3), ring + 2 * w * (yy % 3), ring + 2 * w * ((yy + 1) % 3), vB),
                        (ring + 2 * w * ((yy - 1) % 3) + w, ring + 2 * w * (yy % 3) + w, ring + 2 * w * ((yy + 1) % 3) + w, vR),
                    ]
                    for (u, m, d, v) in planes {
                        x = 0
                        while x + 8 <= cols + 1 { store8(load8(u, x) - 2 * load8(m, x) + load8(d, x), v, x); x += 8 }
                        while x < cols + 1 { v[x] = u[x] - 2 * m[x] + d[x]; x += 1 }
                    }
                    x = 1
                    while x + 8 <= cols {
                        store8(abs8(load8(vY, x - 1) - 2 * load8(vY, x) + load8(vY, x + 1)), ry, x)
                        store8(abs8(load8(vB, x - 1) - 2 * load8(vB, x) + load8(vB, x + 1))
                               + abs8(load8(vR, x - 1) - 2 * load8(vR, x) + load8(vR, x + 1)), rc, x)
                        x += 8
                    }
                    while x < cols {
                        ry[x] = abs(vY[x - 1] - 2 * vY[x] + vY[x + 1])
                        rc[x] = abs(vB[x - 1] - 2 * vB[x] + vB[x + 1]) + abs(vR[x - 1] - 2 * vR[x] + vR[x + 1])
                        x += 1
                    }
                    // Into this row's blocks, pixel by pixel in the order a block-by-block walk uses.
                    let Lyy = L + w * yy
                    for b in 0..<nbx {
                        var sy = ay[b], sc = ac[b], sm = am[b]
                        for xx in max(1, b * bs)..<(b * bs + bs) { sy += ry[xx]; sc += rc[xx]; sm += Lyy[xx] }
                        ay[b] = sy; ac[b] = sc; am[b] = sm
                    }
                    // Last row of a block row: close its blocks.
                    guard yy % bs == bs - 1 else { continue }
                    let rows = by + bs - max(1, by)
                    for b in 0..<nbx {
                        let n = Float((b * bs + bs - max(1, b * bs)) * rows)
                        let mean = am[b] / n
                        // Clipped blocks hold no noise at all; they would drag the estimate to zero.
                        if mean > 12 && mean < 243 { blocks.append((k * ay[b] / n, k * ac[b] / (2 * n))) }
                    }
                }
            } } } } }
            count = w * h
        }
        // Images narrower or lower than 4 px: as `Planes.downsample` does them.
        let box = boxable ? (quarter, qw, qh) : Planes.downsample(luma, w, h, by: 4)
        guard !blocks.isEmpty else { return (luma, NoiseLevels(luma: 0, chroma: 0), box) }
        var sy = blocks.map(\.sy), sc = blocks.map(\.sc)
        let q = max(0, Int(Double(blocks.count) * 0.1) - 1)
        return (luma, NoiseLevels(luma: Double(Planes.kthSmallest(&sy, q)), chroma: Double(Planes.kthSmallest(&sc, q))), box)
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
