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
        let (block, banding, ringing) = ctx.detailPass.artifact
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

    /// Blockiness, banding share and ringing, fed row by row by `DetailPass`: each luma row serves
    /// the steps across and below it and the 16-row band it closes; each gradient row, the
    /// ringing classes of the row two above it.
    struct Accumulator {
        let width: Int, height: Int
        private var steps = BlockSteps(), bands = BandingCount(), ring: RingingSums

        init(width w: Int, height h: Int) { width = w; height = h; ring = RingingSums(width: w) }

        /// Luma row `y` (rows in increasing order); `luma(r)` gives any of the last 16 rows.
        mutating func addLumaRow(_ y: Int, _ luma: (Int) -> UnsafePointer<Float>) {
            steps.addRow(luma(y), y >= 1 ? luma(y - 1) : nil, width)
            if y % 16 == 15 { bands.addBand((0..<16).map { luma(y - 15 + $0) }, width) }
        }

        /// Where gradient row `g` should be written (nil: anywhere), so that it is not copied.
        func gradientBuffer(_ g: Int) -> UnsafeMutablePointer<Float>? {
            width > 4 && height > 4 ? ring.gradientSlot(g, width) : nil
        }

        /// Gradient row `g` (rows 0 … h − 1 in increasing order, after luma row g + 1).
        mutating func addGradientRow(_ g: Int, _ gradient: UnsafePointer<Float>, _ luma: (Int) -> UnsafePointer<Float>) {
            guard width > 4 && height > 4 else { return }
            ring.addRow(g, gradient, luma, width, height)
        }

        var values: (blockiness: Double, banding: Double, ringing: Double) { (steps.blockiness(width, height), bands.share, ring.ratio) }
    }

    /// Luma steps between neighbours, summed by phase mod 8 (across columns) and by row phase
    /// (across rows), capped at 24 levels so real edges do not dominate.
    struct BlockSteps {
        var hs = [Double](repeating: 0, count: 8), vs = [Double](repeating: 0, count: 8), vn = [Double](repeating: 0, count: 8)
        /// Rows added after the first (the row index of the last row added).
        var rowsBelow = 0

        /// A row's steps to its right neighbours, and the steps from the row above (if any) to it.
        mutating func addRow(_ row: UnsafePointer<Float>, _ above: UnsafePointer<Float>?, _ w: Int) {
            let cap = SIMD8<Float>(repeating: 24)
            // Eight consecutive steps are the eight phases, so lane k sums phase k in the same
            // order as a scalar loop would.
            var acc = SIMD8<Float>(repeating: 0)
            var x = 0
            while x + 8 <= w - 1 {
                let d = abs8(load8(row, x + 1) - load8(row, x))
                acc += d.replacing(with: cap, where: d .> cap)
                x += 8
            }
            while x < w - 1 { acc[x & 7] += min(24, abs(row[x + 1] - row[x])); x += 1 }
            for k in 0..<8 { hs[k] += Double(acc[k]) }
            guard let above else { return }
            rowsBelow += 1
            // Steps across rows, summed per row (eight partial sums, then added up).
            var acc8 = SIMD8<Float>(repeating: 0)
            x = 0
            while x + 8 <= w {
                let d = abs8(load8(row, x) - load8(above, x))
                acc8 += d.replacing(with: cap, where: d .> cap)
                x += 8
            }
            var sum: Float = 0
            for k in 0..<8 { sum += acc8[k] }
            while x < w { sum += min(24, abs(row[x] - above[x])); x += 1 }
            // The step from row yy − 1 to row yy counts for row phase (yy − 1) mod 8.
            vs[(rowsBelow - 1) & 7] += Double(sum); vn[(rowsBelow - 1) & 7] += Double(w)
        }

        /// The strongest phase's mean step against the other seven (best phase: a cropped JPEG
        /// still counts), averaged over the two directions.
        func blockiness(_ w: Int, _ h: Int) -> Double {
            let hn = (0..<8).map { Double(h * ((w - 1 - $0 + 7) / 8)) }
            func excess(_ s: [Double], _ n: [Double]) -> Double {
                let m = (0..<8).map { s[$0] / max(1, n[$0]) }
                let best = m.indices.max { m[$0] < m[$1] }!
                let rest = (m.reduce(0, +) - m[best]) / 7
                return rest > 0 ? m[best] / rest - 1 : 0
            }
            return max(0, (excess(hs, hn) + excess(vs, vn)) / 2)
        }
    }

    /// Smooth 16×16 blocks (luma range 2…12 levels) and those among them whose gentle gradient
    /// is flat runs and jumps of ≥ 2 levels (posterised) rather than single-level steps.
    struct BandingCount {
        var smooth = 0, banded = 0

        /// The band of the 16 rows `rows` (top to bottom).
        mutating func addBand(_ rows: [UnsafePointer<Float>], _ w: Int) {
            let bs = 16
            var bx = 0
            while bx + bs <= w {
                // Range first (eight columns at a time): most blocks are textured and need no more.
                var lo8 = load8(rows[0], bx), hi8 = lo8
                for r in rows {
                    for half in [bx, bx + 8] {
                        let v = load8(r, half)
                        lo8 = lo8.replacing(with: v, where: v .< lo8); hi8 = hi8.replacing(with: v, where: v .> hi8)
                    }
                }
                var lo = lo8[0], hi = hi8[0]
                for k in 1..<8 { lo = min(lo, lo8[k]); hi = max(hi, hi8[k]) }
                let range = hi - lo
                if range >= 2 && range <= 12 {
                    smooth += 1
                    var zeros = 0, steps = 0, bigSteps = 0
                    for r in rows {
                        for xx in bx..<(bx + bs - 1) {
                            let d = abs(r[xx + 1] - r[xx])
                            if d < 0.5 { zeros += 1 } else { steps += 1; if d >= 1.5 { bigSteps += 1 } }
                        }
                    }
                    let total = zeros + steps
                    if Double(zeros) >= 0.8 * Double(total) && steps > 0 && Double(bigSteps) >= 0.6 * Double(steps) { banded += 1 }
                }
                bx += bs
            }
        }

        var share: Double { smooth >= 8 ? Double(banded) / Double(smooth) : 0 }
    }

    /// High-frequency energy (|Laplacian|) of flat pixels (g < 8) near strong edges (g > 30)
    /// against flat pixels far from them. Distance class in 4-connected steps: "near" within
    /// 1–2 steps (the L1 ball of radius 2: the 3×3 square plus the four pixels two steps away
    /// along the axes), "far" beyond. Gradient rows and their edge masks are kept for five rows
    /// in a ring; the 3×3 square comes from a vertical then a horizontal OR.
    struct RingingSums {
        var nearE = 0.0, nearN = 0, farE = 0.0, farN = 0
        private let edges: UnsafeMutablePointer<UInt32>, grad: UnsafeMutablePointer<Float>
        private let owner: Buffer

        /// Keeps the ring's memory alive as long as the value (and frees it once).
        private final class Buffer {
            let edges: UnsafeMutablePointer<UInt32>, grad: UnsafeMutablePointer<Float>
            init(_ w: Int) {
                edges = .allocate(capacity: 6 * w + 8); edges.initialize(repeating: 0, count: 6 * w + 8)
                grad = .allocate(capacity: 5 * w + 8); grad.initialize(repeating: 0, count: 5 * w + 8)
            }
            deinit { edges.deallocate(); grad.deallocate() }
        }

        init(width w: Int) { owner = Buffer(w); edges = owner.edges; grad = owner.grad }

        /// Where gradient row `y` is kept: a producer can write it there (no copy).
        func gradientSlot(_ y: Int, _ w: Int) -> UnsafeMutablePointer<Float> { grad + (y % 5) * w }

        /// Takes in gradient row `y` (`gradient`), classifies row y − 2 once rows y − 4 … y are in;
        /// `luma(r)` gives luma row r (rows y − 3 … y − 1 are read).
        mutating func addRow(_ y: Int, _ gradient: UnsafePointer<Float>, _ luma: (Int) -> UnsafePointer<Float>, _ w: Int, _ h: Int) {
            @inline(__always) func edgeRow(_ yy: Int) -> UnsafeMutablePointer<UInt32> { edges + (yy % 5) * w }
            @inline(__always) func gradRow(_ yy: Int) -> UnsafeMutablePointer<Float> { grad + (yy % 5) * w }
            @inline(__always) func mask8(_ p: UnsafePointer<UInt32>, _ i: Int) -> SIMD8<UInt32> {
                UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<UInt32>.self)
            }
            let strong = SIMD8<Float>(repeating: 30), flat = SIMD8<Float>(repeating: 8)
            let on = SIMD8<UInt32>(repeating: .max), off = SIMD8<UInt32>(repeating: 0)
            do {
                let e = edgeRow(y), gr = gradRow(y)
                if gr != UnsafeMutablePointer(mutating: gradient) { gr.update(from: gradient, count: w) }
                var x = 0
                while x + 8 <= w {
                    UnsafeMutableRawPointer(e + x).storeBytes(of: off.replacing(with: on, where: load8(gr, x) .> strong), as: SIMD8<UInt32>.self)
                    x += 8
                }
                while x < w { e[x] = gr[x] > 30 ? .max : 0; x += 1 }
            }
            let yy = y - 2
            guard yy >= 2, yy < h - 2 else { return }
            let vert = edges + 5 * w  // OR of rows yy − 1 … yy + 1
            let e0 = edgeRow(yy), eu = edgeRow(yy - 1), ed = edgeRow(yy + 1), eu2 = edgeRow(yy - 2), ed2 = edgeRow(yy + 2)
            for x in 0..<w { vert[x] = eu[x] | e0[x] | ed[x] }
            let gr = gradRow(yy), sr = luma(yy), su = luma(yy - 1), sd = luma(yy + 1)
            let zero = SIMD8<Float>(repeating: 0)
            var nE = zero, fE = zero, nN = zero, fN = zero
            var x = 2
            while x + 8 <= w - 2 {
                let within2 = mask8(vert, x - 1) | mask8(vert, x) | mask8(vert, x + 1)
                    | mask8(e0, x - 2) | mask8(e0, x + 2) | mask8(eu2, x) | mask8(ed2, x)
                let isFlat = load8(gr, x) .< flat  // also excludes edge pixels (g > 30)
                let lap = abs8(4 * load8(sr, x) - load8(sr, x - 1) - load8(sr, x + 1) - load8(su, x) - load8(sd, x))
                // The flat pixels' values, then those near an edge by AND with the edge mask (its
                // lanes are all ones or all zeros); the far ones are the difference, which is
                // exact (x − x = 0, x − 0 = x), so every lane adds what a branch would have.
                let flatLap = zero.replacing(with: lap, where: isFlat), flatOne = zero.replacing(with: 1, where: isFlat)
                let nearLap = unsafeBitCast(unsafeBitCast(flatLap, to: SIMD8<UInt32>.self) & within2, to: SIMD8<Float>.self)
                let nearOne = unsafeBitCast(unsafeBitCast(flatOne, to: SIMD8<UInt32>.self) & within2, to: SIMD8<Float>.self)
                nE += nearLap; fE += flatLap - nearLap
                nN += nearOne; fN += flatOne - nearOne
                x += 8
            }
            for k in 0..<8 { nearE += Double(nE[k]); farE += Double(fE[k]); nearN += Int(nN[k]); farN += Int(fN[k]) }
            while x < w - 2 {
                if gr[x] < 8 {
                    let within2 = vert[x - 1] | vert[x] | vert[x + 1] | e0[x - 2] | e0[x + 2] | eu2[x] | ed2[x]
                    let lap = Double(abs(4 * sr[x] - sr[x - 1] - sr[x + 1] - su[x] - sd[x]))
                    if within2 != 0 { nearE += lap; nearN += 1 } else { farE += lap; farN += 1 }
                }
                x += 1
            }
        }

        var ratio: Double {
            guard nearN > 100, farN > 100, farE > 0 else { return 0 }
            return max(0, (nearE / Double(nearN)) / (farE / Double(farN)) - 1)
        }
    }
}
