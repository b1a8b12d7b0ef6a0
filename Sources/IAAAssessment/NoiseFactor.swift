import Foundation
import IAACore

/// Noise estimation shared by the factors: Immerkær's fast noise variance operator
/// (Immerkær, CVIU 1996: σ = √(π/2)·mean|I∗N|/6 with N the 3×3 difference-of-Laplacians mask)
/// applied per 8×8 block, keeping the flattest blocks (their 10th percentile), so scene texture
/// is not mistaken for noise. Luma and the two chroma-difference planes (BT.601 Cb, Cr).
///
/// Fed row by row by `DetailPass` (which splits each row of the proxy once into luma, Cb and
/// Cr). N is separable ([1 −2 1]ᵀ ⊗ [1 −2 1]): per row a vertical second difference, then a
/// horizontal one, on the three planes, eight pixels at a time; the block sums then run pixel
/// by pixel in the order a block-by-block walk uses, so the values are those of computing each
/// block on its own.
struct NoiseBlocks {
    let width: Int, height: Int
    /// Blocks start every 8 px while a full block plus one pixel of margin fits.
    let nbx: Int, nby: Int
    private let measure: Bool
    private var blocks: [(sy: Float, sc: Float)] = []
    private let scratch: Scratch

    /// Second differences, one row of responses and the current block row's sums.
    private final class Scratch {
        let vY, vB, vR, ry, rc: UnsafeMutablePointer<Float>
        let accY, accC, accM: UnsafeMutablePointer<Float>
        private let base: UnsafeMutablePointer<Float>
        init(_ w: Int, _ nbx: Int) {
            base = .allocate(capacity: 5 * w + 3 * nbx + 8)
            base.initialize(repeating: 0, count: 5 * w + 3 * nbx + 8)
            vY = base; vB = vY + w; vR = vB + w; ry = vR + w; rc = ry + w
            accY = rc + w; accC = accY + nbx; accM = accC + nbx
        }
        deinit { base.deallocate() }
    }

    init(width w: Int, height h: Int) {
        width = w; height = h
        var nbx = 0
        while nbx * 8 + 8 < w { nbx += 1 }
        var nby = 0
        while nby * 8 + 8 < h { nby += 1 }
        self.nbx = nbx; self.nby = nby
        measure = w > 2 && h > 2 && nbx > 0 && nby > 0
        blocks.reserveCapacity(nbx * nby)
        scratch = Scratch(w, max(1, nbx))
    }

    /// Measures row `yy` (1 ≤ yy < h − 1) from the luma, Cb and Cr rows above, at and below it;
    /// rows outside the block rows are ignored.
    mutating func addRow(_ yy: Int, luma: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                         cb: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                         cr: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)) {
        let bs = 8, cols = nbx * bs  // columns 1..<cols are inside blocks
        guard measure, yy >= 1, yy < nby * bs else { return }
        let t = scratch, vY = t.vY, vB = t.vB, vR = t.vR, ry = t.ry, rc = t.rc, ay = t.accY, ac = t.accC, am = t.accM
        let by = yy / bs * bs
        if yy == max(1, by) { for b in 0..<nbx { ay[b] = 0; ac[b] = 0; am[b] = 0 } }
        // Vertical second differences of the three planes (columns 0 … cols).
        @inline(__always) func vertical(_ u: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>) {
            var x = 0
            while x + 8 <= cols + 1 { store8(load8(u, x) - 2 * load8(m, x) + load8(d, x), v, x); x += 8 }
            while x < cols + 1 { v[x] = u[x] - 2 * m[x] + d[x]; x += 1 }
        }
        vertical(luma.0, luma.1, luma.2, vY)
        vertical(cb.0, cb.1, cb.2, vB)
        vertical(cr.0, cr.1, cr.2, vR)
        var x = 1
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
        // Into this row's blocks, pixel by pixel in the order a block-by-block walk uses; blocks
        // 1, 2, … eight at a time (`addBlocksOf8`), block 0 (columns 1…7) and the rest one by one.
        let Lyy = luma.1
        @inline(__always) func block(_ b: Int) {
            var sy = ay[b], sc = ac[b], sm = am[b]
            for xx in max(1, b * bs)..<(b * bs + bs) { sy += ry[xx]; sc += rc[xx]; sm += Lyy[xx] }
            ay[b] = sy; ac[b] = sc; am[b] = sm
        }
        block(0)
        var b = 1
        while b + 8 <= nbx {
            var y8 = load8(ay, b), c8 = load8(ac, b), m8 = load8(am, b)
            addBlocksOf8(ry + 8 * b, into: &y8); addBlocksOf8(rc + 8 * b, into: &c8); addBlocksOf8(Lyy + 8 * b, into: &m8)
            store8(y8, ay, b); store8(c8, ac, b); store8(m8, am, b)
            b += 8
        }
        while b < nbx { block(b); b += 1 }
        // Last row of a block row: close its blocks.
        guard yy % bs == bs - 1 else { return }
        let rows = by + bs - max(1, by)
        let k = Float((Double.pi / 2).squareRoot() / 6)
        for b in 0..<nbx {
            let n = Float((b * bs + bs - max(1, b * bs)) * rows)
            let mean = am[b] / n
            // Clipped blocks hold no noise at all; they would drag the estimate to zero.
            if mean > 12 && mean < 243 { blocks.append((k * ay[b] / n, k * ac[b] / (2 * n))) }
        }
    }

    /// The 10th percentile of the blocks' σ, luma and chroma separately.
    func levels() -> NoiseLevels {
        guard !blocks.isEmpty else { return NoiseLevels(luma: 0, chroma: 0) }
        var sy = blocks.map(\.sy), sc = blocks.map(\.sc)
        let q = max(0, Int(Double(blocks.count) * 0.1) - 1)
        return NoiseLevels(luma: Double(Planes.kthSmallest(&sy, q)), chroma: Double(Planes.kthSmallest(&sc, q)))
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
