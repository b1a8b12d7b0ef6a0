import Foundation
import IAACore

/// Artifacts (F.740.4 Artifact 1–3: 1 severe, 2 slight, 3 none) at the proxy's pixel grid.
///
/// - Blockiness (after Wang, Bovik & Evans, ICIP 2000): the mean absolute luma step across
///   every 8th column/row boundary against the other seven phases (steps capped at 24 levels
///   so real edges do not dominate). The best phase is used, so a cropped JPEG still counts.
/// - Banding: the share of smooth 16×16 blocks whose gentle gradient is made of flat runs and
///   jumps of ≥ 2 levels (posterisation), rather than single-level steps.
/// - Ringing/halos: high-frequency energy (|Laplacian|) in the flat band 2–3 px beside strong
///   edges against flat areas away from them.
/// Raw value: an artifact index, blockiness + ½·banding. Ringing is reported as a measurement
/// but not scored: on real photos, texture beside edges outweighs it (ratios of 1–9 on clean
/// fixture photos), so it cannot yet tell a compressed file from a detailed one.
/// Note: a proxy that was downscaled from a JPEG no longer shows the file's 8×8 grid; pass a
/// 1:1 crop as the context image to judge the file's own compression.
public struct ArtifactFactor: AssessmentFactor {
    public let id = "artifact"
    public let direction = FactorDirection.lowerIsBetter
    public let scale = RawScale(unit: "index", range: 0...2)
    public let attribute: AestheticAttribute? = .artifact

    public init() {}

    public func assess(_ ctx: AnalysisContext) -> FactorResult {
        let y = ctx.luma, w = ctx.width, h = ctx.height
        let block = Self.blockiness(y, w, h)
        let banding = Self.banding(y, w, h)
        let ringing = Self.ringing(ctx)
        let index = block + 0.5 * banding
        let level = 4 - levelFor(index, thresholds: [0.15, 0.45])
        let score = 10 * min(1, max(0, 1 - index / 0.8))
        let en: String, zh: String
        if level == 3 {
            en = "No visible artifacts: 8×8 block edges \(Fmt.pct(block)) above the rest, \(Fmt.pct(banding)) of smooth areas banded."
            zh = "无明显伪影：8×8 块边界仅比其他位置高 \(Fmt.pct(block))，平滑区域中 \(Fmt.pct(banding)) 有色带。"
        } else {
            let what = block >= 0.5 * banding ? "JPEG blocking (8×8 block edges \(Fmt.pct(block)) stronger than elsewhere)" : "banding in \(Fmt.pct(banding)) of the smooth areas"
            let whatZh = block >= 0.5 * banding ? "JPEG 块效应（8×8 块边界比其他位置强 \(Fmt.pct(block))）" : "平滑区域中 \(Fmt.pct(banding)) 出现色带"
            en = "\(level == 1 ? "Severe" : "Slight") artifacts: \(what)."
            zh = "\(level == 1 ? "伪影严重" : "轻微伪影")：\(whatZh)。"
        }
        return result(score: score, raw: index, level: level, english: en, chinese: zh,
                      measurements: [Measurement("blockiness", block, "excess"), Measurement("bandingShare", banding, "share"),
                                     Measurement("ringing", ringing, "excess")])
    }

    static func blockiness(_ y: [Float], _ w: Int, _ h: Int) -> Double {
        var hs = [Double](repeating: 0, count: 8), vs = hs
        var hn = [Double](repeating: 0, count: 8), vn = hn
        // Raw pointers and per-row Float partial sums: this touches every pixel twice.
        var rowAcc = [Float](repeating: 0, count: 8)
        y.withUnsafeBufferPointer { s in rowAcc.withUnsafeMutableBufferPointer { ra in
            for yy in 0..<h {
                let row = yy * w
                for k in 0..<8 { ra[k] = 0 }
                for x in 0..<(w - 1) { ra[x & 7] += min(24, abs(s[row + x + 1] - s[row + x])) }
                for k in 0..<8 { hs[k] += Double(ra[k]) }
            }
            for k in 0..<8 { hn[k] = Double(h * ((w - 1 - k + 7) / 8)) }
            for yy in 0..<(h - 1) {
                let row = yy * w
                var acc: Float = 0
                for x in 0..<w { acc += min(24, abs(s[row + w + x] - s[row + x])) }
                vs[yy & 7] += Double(acc); vn[yy & 7] += Double(w)
            }
        } }
        func excess(_ s: [Double], _ n: [Double]) -> Double {
            let m = (0..<8).map { s[$0] / max(1, n[$0]) }
            let best = m.indices.max { m[$0] < m[$1] }!
            let rest = (m.reduce(0, +) - m[best]) / 7
            return rest > 0 ? m[best] / rest - 1 : 0
        }
        return max(0, (excess(hs, hn) + excess(vs, vn)) / 2)
    }

    static func banding(_ y: [Float], _ w: Int, _ h: Int) -> Double {
        let bs = 16
        var smooth = 0, banded = 0
        y.withUnsafeBufferPointer { s in
            var by = 0
            while by + bs <= h {
                var bx = 0
                while bx + bs <= w {
                    var lo: Float = 255, hi: Float = 0, zeros = 0, steps = 0, bigSteps = 0
                    for yy in by..<(by + bs) {
                        for xx in bx..<(bx + bs) {
                            let v = s[yy * w + xx]
                            lo = min(lo, v); hi = max(hi, v)
                            if xx + 1 < bx + bs {
                                let d = abs(s[yy * w + xx + 1] - v)
                                if d < 0.5 { zeros += 1 } else { steps += 1; if d >= 1.5 { bigSteps += 1 } }
                            }
                        }
                    }
                    let range = hi - lo
                    if range >= 2 && range <= 12 {
                        smooth += 1
                        let total = zeros + steps
                        if Double(zeros) >= 0.8 * Double(total) && steps > 0 && Double(bigSteps) >= 0.6 * Double(steps) { banded += 1 }
                    }
                    bx += bs
                }
                by += bs
            }
        }
        return smooth >= 8 ? Double(banded) / Double(smooth) : 0
    }

    static func ringing(_ ctx: AnalysisContext) -> Double {
        let w = ctx.width, h = ctx.height, g = ctx.detail.fine, y = ctx.luma
        // Distance class to the nearest strong edge (g > 30), in 4-connected steps: 1 on the edge,
        // "near" within 1–2 steps, "far" beyond. The ball of radius 2 is the union of a ±2 run
        // along the row, ±1 runs on the rows above and below, and the pixels two rows away, so
        // it is built from two row dilations instead of a breadth-first pass over the image.
        var edge = [UInt8](repeating: 0, count: ctx.count), run1 = edge, run2 = edge
        var nearE = 0.0, nearN = 0.0, farE = 0.0, farN = 0.0
        g.withUnsafeBufferPointer { gp in y.withUnsafeBufferPointer { s in
        edge.withUnsafeMutableBufferPointer { ep in run1.withUnsafeMutableBufferPointer { r1 in run2.withUnsafeMutableBufferPointer { r2 in
            for i in 0..<gp.count { ep[i] = gp[i] > 30 ? 1 : 0 }
            for yy in 0..<h {
                let row = yy * w
                for x in 2..<max(2, w - 2) {
                    let i = row + x
                    let a = ep[i - 1] | ep[i] | ep[i + 1]
                    r1[i] = a; r2[i] = a | ep[i - 2] | ep[i + 2]
                }
            }
            for yy in 2..<(h - 2) { for x in 2..<(w - 2) {
                let i = yy * w + x
                guard gp[i] < 8 else { continue }  // also excludes edge pixels (g > 30)
                let within2 = r2[i] | r1[i - w] | r1[i + w] | ep[i - 2 * w] | ep[i + 2 * w]
                let lap = Double(abs(4 * s[i] - s[i - 1] - s[i + 1] - s[i - w] - s[i + w]))
                if within2 != 0 { nearE += lap; nearN += 1 } else { farE += lap; farN += 1 }
            } }
        } } } } }
        guard nearN > 100, farN > 100, farE > 0 else { return 0 }
        return max(0, (nearE / nearN) / (farE / farN) - 1)
    }
}
