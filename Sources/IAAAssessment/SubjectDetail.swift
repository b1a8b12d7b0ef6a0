import Foundation
import IAACore

/// The fine-scale gradient of the luma under the saliency map, from one walk down the rows:
/// what sharpness (its saliency-weighted percentiles) and focus (its per-block percentiles)
/// measure. A row's gradient and saliency are computed there and dropped, so neither a
/// full-size gradient plane nor a full-size saliency plane is stored, and the two factors share
/// the work instead of walking the image twice.
struct SubjectDetail {
    /// Histogram of the fine gradient, the bins of `Histogram(lo: 0, hi: 128, count: 1024)`:
    /// pixels per bin and the sum of their saliency.
    let fineCount: [Int32], fineSaliency: [Double]
    /// The same for the coarse gradient cells, each counted with the saliency at its centre pixel.
    let coarseCount: [Int32], coarseSaliency: [Double]
    /// Focus's blocks.
    let blocks: BlockSharpness

    /// A histogram of `count` and `saliency` sums in which a pixel of saliency s weighs
    /// `floor + slope·s` (the Double sums differ from adding each Float weight in turn by the
    /// weights' own rounding, relative 1e-8).
    static func weighted(_ count: [Int32], _ saliency: [Double], floor: Float, slope: Float) -> Histogram {
        var h = Histogram(lo: 0, hi: 128, count: 1024)
        var total = 0.0
        for k in 0..<1024 {
            h.bins[k] = Double(floor) * Double(count[k]) + Double(slope) * saliency[k]
            total += h.bins[k]
        }
        h.total = total
        return h
    }

    /// Fed row by row by `DetailPass`: each row's fine gradient and saliency.
    struct Accumulator {
        let width: Int, height: Int, blockSize: Int, cols: Int, rows: Int
        /// The coarse grid (luma/4): its cells' centre rows and columns.
        let coarseWidth: Int, coarseHeight: Int
        private let buf: Buffers

        /// The histograms (four sets of fine bins by x mod 4, so consecutive pixels in one bin do
        /// not wait on each other: counts are exact, the saliency sums change order only), the
        /// current row of blocks (four sets of 0.25-level bins each, likewise, and a saliency
        /// sum), and the saliency at the coarse cells' centres.
        private final class Buffers {
            var fineCount: [Int32], fineSal: [Double], blockBins: [Int32], blockSal: [Float]
            var p90: [Int], meanSal: [Float], coarseSal: [Float]
            let q: UnsafeMutablePointer<Int32>
            init(_ w: Int, _ cols: Int, _ rows: Int, _ cw: Int, _ ch: Int) {
                fineCount = [Int32](repeating: 0, count: 4096); fineSal = [Double](repeating: 0, count: 4096)
                blockBins = [Int32](repeating: 0, count: max(1, cols) * 2052); blockSal = [Float](repeating: 0, count: max(1, cols))
                p90 = [Int](repeating: 0, count: cols * rows); meanSal = [Float](repeating: 0, count: cols * rows)
                coarseSal = [Float](repeating: 0, count: cw * ch)
                q = .allocate(capacity: w + 8)
            }
            deinit { q.deallocate() }
        }

        init(width w: Int, height h: Int) {
            width = w; height = h
            blockSize = BlockSharpness.blockSize(w, h); cols = w / blockSize; rows = h / blockSize
            coarseWidth = max(1, w / 4); coarseHeight = max(1, h / 4)
            buf = Buffers(w, cols, rows, coarseWidth, coarseHeight)
        }

        /// Row `y`'s gradient `g` and saliency `s` (rows in increasing order).
        func addRow(_ y: Int, gradient g: UnsafePointer<Float>, saliency s: UnsafePointer<Float>) {
            let w = width, h = height, bs = blockSize, q = buf.q
            // ⌊8g⌋: the sharpness bin (Int(g / 128 · 1024), capped at 1023) and, halved, the
            // focus bin (Int(4g), capped at 512).
            var x = 0
            while x + 8 <= w {
                UnsafeMutableRawPointer(q + x).storeBytes(of: ColorSpace.int8(ColorSpace.floor8(load8(g, x) / 128 * 1024)), as: SIMD8<Int32>.self)
                x += 8
            }
            while x < w { q[x] = Int32(Int(g[x] / 128 * 1024)); x += 1 }
            buf.fineCount.withUnsafeMutableBufferPointer { fc in buf.fineSal.withUnsafeMutableBufferPointer { fs in
                let c0 = fc.baseAddress!, c1 = c0 + 1024, c2 = c1 + 1024, c3 = c2 + 1024
                let s0 = fs.baseAddress!, s1 = s0 + 1024, s2 = s1 + 1024, s3 = s2 + 1024
                var x = 0
                while x + 4 <= w {
                    let a = Int(min(1023, q[x])), b = Int(min(1023, q[x + 1])), c = Int(min(1023, q[x + 2])), d = Int(min(1023, q[x + 3]))
                    c0[a] &+= 1; s0[a] += Double(s[x]); c1[b] &+= 1; s1[b] += Double(s[x + 1])
                    c2[c] &+= 1; s2[c] += Double(s[x + 2]); c3[d] &+= 1; s3[d] += Double(s[x + 3])
                    x += 4
                }
                while x < w { let a = Int(min(1023, q[x])); c0[a] &+= 1; s0[a] += Double(s[x]); x += 1 }
            } }
            // The saliency at the centres of the coarse cells whose centre row (4·cy + 2, which is
            // always inside the image) this is.
            if y >= 2 && (y - 2) % 4 == 0 && (y - 2) / 4 < coarseHeight && min(h - 1, y) == y {
                let cy = (y - 2) / 4
                for cx in 0..<coarseWidth { buf.coarseSal[cy * coarseWidth + cx] = s[min(w - 1, cx * 4 + 2)] }
            }
            // Focus's blocks of this row.
            let by = y / bs
            guard by < rows else { return }
            let cols = self.cols
            buf.blockBins.withUnsafeMutableBufferPointer { bb in buf.blockSal.withUnsafeMutableBufferPointer { bsal in
                for bx in 0..<cols {
                    let b0 = bb.baseAddress! + bx * 2052, b1 = b0 + 513, b2 = b1 + 513, b3 = b2 + 513, x0 = bx * bs
                    var a0: Float = 0, a1: Float = 0
                    var x = x0
                    while x + 4 <= x0 + bs {
                        b0[Int(min(512, q[x] >> 1))] &+= 1; b1[Int(min(512, q[x + 1] >> 1))] &+= 1
                        b2[Int(min(512, q[x + 2] >> 1))] &+= 1; b3[Int(min(512, q[x + 3] >> 1))] &+= 1
                        a0 += s[x] + s[x + 2]; a1 += s[x + 1] + s[x + 3]
                        x += 4
                    }
                    while x < x0 + bs { b0[Int(min(512, q[x] >> 1))] &+= 1; a0 += s[x]; x += 1 }
                    bsal[bx] += a0 + a1
                }
                guard y % bs == bs - 1 else { return }
                let target = Int(Float(bs * bs) * 0.9)
                for bx in 0..<cols {
                    let b0 = bb.baseAddress! + bx * 2052, b1 = b0 + 513, b2 = b1 + 513, b3 = b2 + 513
                    var acc = 0, k = 0
                    @inline(__always) func n(_ k: Int) -> Int { Int(b0[k]) + Int(b1[k]) + Int(b2[k]) + Int(b3[k]) }
                    while k < 512 && acc + n(k) <= target { acc += n(k); k += 1 }
                    buf.p90[by * cols + bx] = k
                    buf.meanSal[by * cols + bx] = bsal[bx] / Float(bs * bs)
                    b0.initialize(repeating: 0, count: 2052); bsal[bx] = 0
                }
            } }
        }

        /// The statistics, once every row is in: `coarse` is the coarse gradient (on the
        /// luma/4 grid), `sigma` the luma noise level.
        func finish(coarse: (p: [Float], w: Int, h: Int), sigma: Float) -> SubjectDetail {
            var coarseCount = [Int32](repeating: 0, count: 1024), coarseSal = [Double](repeating: 0, count: 1024)
            for cy in 0..<min(coarse.h, coarseHeight) {
                for cx in 0..<min(coarse.w, coarseWidth) {
                    let v = coarse.p[cy * coarse.w + cx]
                    let k = max(0, min(1023, Int(v / 128 * 1024)))
                    coarseCount[k] += 1; coarseSal[k] += Double(buf.coarseSal[cy * coarseWidth + cx])
                }
            }
            let fc = buf.fineCount, fs = buf.fineSal
            let count = (0..<1024).map { k -> Int32 in
                let a: Int32 = fc[k] + fc[1024 + k], b: Int32 = fc[2048 + k] + fc[3072 + k]
                return a + b
            }
            let sal = (0..<1024).map { k -> Double in
                let a: Double = fs[k] + fs[1024 + k], b: Double = fs[2048 + k] + fs[3072 + k]
                return a + b
            }
            return SubjectDetail(fineCount: count, fineSaliency: sal, coarseCount: coarseCount, coarseSaliency: coarseSal,
                                 blocks: BlockSharpness(cols: cols, rows: rows, size: blockSize, p90: buf.p90, saliency: buf.meanSal,
                                                        coarse: coarse, sigma: sigma))
        }
    }
}
