import Foundation
import IAACore

/// White balance (F.740.4 White balance 1–5: 1 too warm … 5 too cold, two-sided).
///
/// The illuminant is estimated where colourful content cannot fool it: first grey-edge
/// (van de Weijer et al., TIP 2007; Minkowski p = 6 over the linear-RGB gradients, which are
/// dominated by edges between surfaces, not by how much red the scene holds), then refined on
/// the near-neutral pixels around that estimate (iterated grey-pixel selection in log-chroma,
/// where a von Kries cast is a pure translation). The estimate is rendered as the CIELab a*/b*
/// a mid-light grey would take under it. Raw value: −b* (ΔE), so negative = warm (levels 1–2),
/// positive = cold (4–5), following the standard's order; the green–magenta tint a* is a
/// measurement and lowers the score.
public struct WhiteBalanceFactor: AssessmentFactor {
    public let id = "whiteBalance"
    public let direction = FactorDirection.twoSided(ideal: 0)
    public let scale = RawScale(unit: "ΔE b* (− warm, + cold)", range: -40...40)
    public let attribute: AestheticAttribute? = .whiteBalance

    public init() {}

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let est = Self.estimate(ctx)
        // The grey a white surface would have under the estimated illuminant, at Y = 0.4.
        var r = Float(exp(est.u)), g: Float = 1, b = Float(exp(est.v))
        let k = 0.4 / ColorSpace.luminance(r, g, b)
        r *= k; g *= k; b *= k
        let lab = ColorSpace.lab(r, g, b)
        let bStar = Double(lab.b), aStar = Double(lab.a)
        let raw = -bStar
        let level = levelFor(raw, thresholds: [-16, -8, 8, 16])
        let score = 10 * exp(-(bStar * bStar + 0.7 * aStar * aStar) / (2 * 7 * 7))
        let tintEn = abs(aStar) >= 4 ? (aStar > 0 ? ", with a magenta tint of \(Fmt.f(aStar, 0))" : ", with a green tint of \(Fmt.f(-aStar, 0))") : ""
        let tintZh = abs(aStar) >= 4 ? (aStar > 0 ? "，并带 \(Fmt.f(aStar, 0)) 的品红色调" : "，并带 \(Fmt.f(-aStar, 0)) 的绿色调") : ""
        let basis = est.neutralShare >= 0.02 ? "the \(Fmt.pct(est.neutralShare)) of the frame that should be neutral" : "the edges (few neutral surfaces)"
        let basisZh = est.neutralShare >= 0.02 ? "依据画面中 \(Fmt.pct(est.neutralShare)) 的近中性像素" : "依据边缘（中性表面很少）"
        let en: String, zh: String
        switch level {
        case 1, 2:
            en = "A warm (yellow-orange) cast of about \(Fmt.f(bStar, 0)) ΔE on \(basis)\(tintEn)."
            zh = "偏暖（黄橙色偏）约 \(Fmt.f(bStar, 0)) ΔE，\(basisZh)\(tintZh)。"
        case 4, 5:
            en = "A cold (blue) cast of about \(Fmt.f(-bStar, 0)) ΔE on \(basis)\(tintEn)."
            zh = "偏冷（蓝色偏）约 \(Fmt.f(-bStar, 0)) ΔE，\(basisZh)\(tintZh)。"
        default:
            en = "Neutral white balance (b* \(Fmt.f(bStar, 1)), a* \(Fmt.f(aStar, 1)) on \(basis))."
            zh = "白平衡正常（b* \(Fmt.f(bStar, 1))，a* \(Fmt.f(aStar, 1))，\(basisZh)）。"
        }
        return result(score: score, raw: raw, level: level, english: en, chinese: zh,
                      measurements: [Measurement("castA", aStar, "ΔE"), Measurement("castB", bStar, "ΔE"),
                                     Measurement("neutralShare", est.neutralShare, "share"),
                                     Measurement("greyEdgeU", est.edgeU, "ln R/G"), Measurement("greyEdgeV", est.edgeV, "ln B/G")])
    }

    /// ln of each code's linear value (codes ≤ 6 never reach the log-chroma, which needs min > 6).
    static let logLinear: [Float] = ColorSpace.linearLUT.map { logf(max($0, 1e-12)) }

    struct Estimate { var u: Double, v: Double, neutralShare: Double, edgeU: Double, edgeV: Double }

    /// Illuminant estimate in log-chroma (u = ln R/G, v = ln B/G of linear RGB).
    static func estimate(_ ctx: AnalysisContext) -> Estimate {
        let w = ctx.width, h = ctx.height
        // Grey-edge on a 2× downsampled image (noise would otherwise dominate the gradients),
        // linear light straight from the codes: the values `Planes.downsample` of `linear` gives.
        let dw = max(1, w / 2), dh = max(1, h / 2)
        var dr = [Float](repeating: 0, count: dw * dh), dg = [Float](repeating: 0, count: dw * dh), db = [Float](repeating: 0, count: dw * dh)
        ColorSpace.linearLUT.withUnsafeBufferPointer { lut in ctx.image.pixels.withUnsafeBufferPointer { p in
        dr.withUnsafeMutableBufferPointer { r in dg.withUnsafeMutableBufferPointer { g in db.withUnsafeMutableBufferPointer { b in
            guard w >= 2 && h >= 2 else { return }
            for oy in 0..<dh {
                for ox in 0..<dw {
                    var ar: Float = 0, ag: Float = 0, ab: Float = 0
                    for dy in 0..<2 {
                        let i = (2 * oy + dy) * w + 2 * ox
                        for dx in 0..<2 {
                            ar += lut[Int(p[3 * (i + dx)])]; ag += lut[Int(p[3 * (i + dx) + 1])]; ab += lut[Int(p[3 * (i + dx) + 2])]
                        }
                    }
                    r[oy * dw + ox] = ar * 0.25; g[oy * dw + ox] = ag * 0.25; b[oy * dw + ox] = ab * 0.25
                }
            }
        } } } } }
        func minkowski(_ p: [Float], _ w: Int, _ h: Int) -> Double {
            // Gradient rows as they are needed (the border rows and columns are 0 and add
            // nothing), Σd⁶ in four Double sums.
            let rows = GradientRows(p, w, h), g = UnsafeMutablePointer<Float>.allocate(capacity: w)
            defer { g.deallocate() }
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
            for y in 1..<max(1, h - 1) {
                rows.row(y, into: g)
                var x = 0
                @inline(__always) func p6(_ v: Float) -> Double { let d = Double(v), d2 = d * d; return d2 * d2 * d2 }
                while x + 4 <= w { a0 += p6(g[x]); a1 += p6(g[x + 1]); a2 += p6(g[x + 2]); a3 += p6(g[x + 3]); x += 4 }
                while x < w { a0 += p6(g[x]); x += 1 }
            }
            return pow(((a0 + a1) + (a2 + a3)) / Double(w * h), 1.0 / 6) + 1e-9
        }
        // Skip gradients of clipped pixels: a blown sky is white whatever the illuminant.
        let er = minkowski(dr, dw, dh), eg = minkowski(dg, dw, dh), eb = minkowski(db, dw, dh)
        let edgeU = log(er / eg), edgeV = log(eb / eg)
        var u = edgeU, v = edgeV
        // Log-chroma of usable pixels: neither too dark (noise) nor clipped. ln R/G as
        // ln R − ln G from a table of the 256 codes' logarithms (within 1e-6 of logf(R/G)).
        let cap = (ctx.count + 1) / 2
        var us: [Float] = uninitializedPlane(cap + 8), vs: [Float] = uninitializedPlane(cap + 8), ws: [Float] = uninitializedPlane(cap + 8)
        var usable = 0
        let y = ctx.tone.y
        Self.logLinear.withUnsafeBufferPointer { ln in ctx.image.pixels.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { yb in
        us.withUnsafeMutableBufferPointer { up in vs.withUnsafeMutableBufferPointer { vp in ws.withUnsafeMutableBufferPointer { wp in
            var i = 0, k = 0
            while i < ctx.count {
                let r = p[3 * i], g = p[3 * i + 1], b = p[3 * i + 2]
                let mx = max(r, g, b), mn = min(r, g, b)
                // Written in any case, kept (k advances) only for a usable pixel: no branch.
                let lg = ln[Int(g)]
                up[k] = ln[Int(r)] - lg; vp[k] = ln[Int(b)] - lg; wp[k] = yb[i].squareRoot()
                k += (mx < 250 ? 1 : 0) & (mn > 6 ? 1 : 0) & (yb[i] > 0.02 ? 1 : 0)
                i += 2  // every other pixel is plenty for a mean
            }
            usable = k
            // Zero weights after the end, so that whole groups of eight can be summed below.
            for j in k..<(k + 8) { up[j] = 0; vp[j] = 0; wp[j] = 0 }
        } } } } } }
        var share = 0.0
        for radius in [0.30, 0.22, 0.16] as [Float] {
            // Pixels within `radius` of the estimate, eight at a time; sums in Float lanes over
            // blocks of 1024 pixels, added up in Double.
            var su = 0.0, sv = 0.0, sw = 0.0, n = 0
            let r2 = radius * radius, fu = Float(u), fv = Float(v)
            us.withUnsafeBufferPointer { up in vs.withUnsafeBufferPointer { vp in ws.withUnsafeBufferPointer { wp in
                let zero = SIMD8<Float>(repeating: 0)
                var i = 0
                while i < usable {
                    let end = min(usable, i + 1024)
                    var au = zero, av = zero, aw = zero, an = zero
                    while i < end {
                        let uu = load8(up.baseAddress!, i), vv = load8(vp.baseAddress!, i), ww = load8(wp.baseAddress!, i)
                        let du = uu - fu, dv = vv - fv
                        var inside = du * du + dv * dv .< r2
                        if i + 8 > usable { for j in (usable - i)..<8 { inside[j] = false } }
                        au += zero.replacing(with: ww * uu, where: inside)
                        av += zero.replacing(with: ww * vv, where: inside)
                        aw += zero.replacing(with: ww, where: inside)
                        an += zero.replacing(with: 1, where: inside)
                        i += 8
                    }
                    su += Double(au.sum()); sv += Double(av.sum()); sw += Double(aw.sum()); n += Int(an.sum())
                }
            } } }
            share = Double(n) / Double(max(1, usable))
            guard n >= 50 else { break }
            u = su / sw; v = sv / sw
        }
        // With few neutral surfaces the refinement is unreliable: fall back towards grey-edge.
        let trust = min(1, share / 0.05)
        u = trust * u + (1 - trust) * edgeU
        v = trust * v + (1 - trust) * edgeV
        return Estimate(u: u, v: v, neutralShare: share, edgeU: edgeU, edgeV: edgeV)
    }
}
