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

    struct Estimate { var u: Double, v: Double, neutralShare: Double, edgeU: Double, edgeV: Double }

    /// Illuminant estimate in log-chroma (u = ln R/G, v = ln B/G of linear RGB).
    static func estimate(_ ctx: AnalysisContext) -> Estimate {
        let lin = ctx.linear
        let w = ctx.width, h = ctx.height
        // Grey-edge on a 2× downsampled image (noise would otherwise dominate the gradients).
        let dr = Planes.downsample(lin.r, w, h, by: 2), dg = Planes.downsample(lin.g, w, h, by: 2), db = Planes.downsample(lin.b, w, h, by: 2)
        func minkowski(_ p: [Float], _ w: Int, _ h: Int) -> Double {
            let gm = Planes.gradientMagnitude(p, w, h)
            var acc = 0.0
            for v in gm { let d = Double(v); let d2 = d * d; acc += d2 * d2 * d2 }
            return pow(acc / Double(gm.count), 1.0 / 6) + 1e-9
        }
        // Skip gradients of clipped pixels: a blown sky is white whatever the illuminant.
        let er = minkowski(dr.p, dr.w, dr.h), eg = minkowski(dg.p, dg.w, dg.h), eb = minkowski(db.p, db.w, db.h)
        let edgeU = log(er / eg), edgeV = log(eb / eg)
        var u = edgeU, v = edgeV
        // Log-chroma of usable pixels: neither too dark (noise) nor clipped.
        var us = [Float](), vs = [Float](), ws = [Float]()
        us.reserveCapacity(ctx.count / 4); vs.reserveCapacity(ctx.count / 4); ws.reserveCapacity(ctx.count / 4)
        let y = ctx.luminance
        ctx.image.pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < ctx.count {
                let mx = max(p[3 * i], p[3 * i + 1], p[3 * i + 2]), mn = min(p[3 * i], p[3 * i + 1], p[3 * i + 2])
                if mx < 250 && mn > 6 && y[i] > 0.02 {
                    us.append(logf(lin.r[i] / lin.g[i])); vs.append(logf(lin.b[i] / lin.g[i])); ws.append(y[i].squareRoot())
                }
                i += 2  // every other pixel is plenty for a mean
            }
        }
        let usable = max(1, us.count)
        var share = 0.0
        for radius in [0.30, 0.22, 0.16] as [Float] {
            var su = 0.0, sv = 0.0, sw = 0.0, n = 0
            let r2 = radius * radius, fu = Float(u), fv = Float(v)
            for i in 0..<us.count {
                let du = us[i] - fu, dv = vs[i] - fv
                if du * du + dv * dv < r2 { su += Double(ws[i] * us[i]); sv += Double(ws[i] * vs[i]); sw += Double(ws[i]); n += 1 }
            }
            share = Double(n) / Double(usable)
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
