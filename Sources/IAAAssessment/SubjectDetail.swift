import Foundation
import IAACore

/// The fine-scale gradient of the luma under the saliency map, from one walk down the rows:
/// what sharpness (its saliency-weighted percentiles) and focus (its per-block percentiles)
/// measure. A row's gradient and saliency are computed there and dropped, so neither a
/// full-size gradient plane nor a full-size saliency plane is stored, and the two factors share
/// the work instead of walking the image twice.
struct SubjectDetail {
    /// Sharpness's saliency-weighted histograms of the fine gradient (every pixel) and of the
    /// coarse gradient (each cell with the weight of its centre pixel): the bins of
    /// `Histogram(lo: 0, hi: 128, count: 1024)`, a pixel of saliency s weighing
    /// `SharpnessFactor.saliencyWeight` (floor + slope·s).
    let fine: Histogram, coarse: Histogram
    /// Focus's blocks.
    let blocks: BlockSharpness

    /// Fed row by row by `DetailPass`: each row's fine gradient and saliency.
    struct Accumulator {
        let width: Int, height: Int, blockSize: Int, cols: Int, rows: Int
        /// The coarse grid (luma/4): its cells' centre rows and columns.
        let coarseWidth: Int, coarseHeight: Int
        private let buf: Buffers

        /// The weighted fine histogram (four sets of bins by x mod 4, so consecutive pixels in one
        /// bin do not wait on each other; the sums change order only), the current row of
        /// blocks (four sets of 0.25-level bins each, likewise, and a saliency sum), and the
        /// weight at the coarse cells' centres.
        private final class Buffers {
            var fineWeight: [Double], blockBins: [Int32], blockSal: [Float]
            var p90: [Int], meanSal: [Float], coarseWeight: [Float]
            let q: UnsafeMutablePointer<Int32>, wt: UnsafeMutablePointer<Float>
            init(_ w: Int, _ cols: Int, _ rows: Int, _ cw: Int, _ ch: Int) {
                fineWeight = [Double](repeating: 0, count: 4096)
                blockBins = [Int32](repeating: 0, count: max(1, cols) * 2052); blockSal = [Float](repeating: 0, count: max(1, cols))
                p90 = [Int](repeating: 0, count: cols * rows); meanSal = [Float](repeating: 0, count: cols * rows)
                coarseWeight = [Float](repeating: 0, count: cw * ch)
                q = .allocate(capacity: w + 8); wt = .allocate(capacity: w + 8)
            }
            deinit { q.deallocate(); wt.deallocate() }
        }

        init(width w: Int, height h: Int) {
            width = w; height = h
            blockSize = BlockSharpness.blockSize(w, h); cols = w / blockSize; rows = h / blockSize
            coarseWidth = max(1, w / 4); coarseHeight = max(1, h / 4)
            buf = Buffers(w, cols, rows, coarseWidth, coarseHeight)
        }

        /// Row `y`'s gradient `g` and saliency `s` (rows in increasing order).
        func addRow(_ y: Int, gradient g: UnsafePointer<Float>, saliency s: UnsafePointer<Float>) {
            let w = width, h = height, bs = blockSize, q = buf.q, wt = buf.wt
            let (floor, slope) = SharpnessFactor.saliencyWeight
            // ⌊8g⌋: the sharpness bin (Int(g / 128 · 1024), capped at 1023) and, halved, the
            // focus bin (Int(4g), capped at 512); and each pixel's weight, floor + slope·s.
            var x = 0
            while x + 8 <= w {
                UnsafeMutableRawPointer(q + x).storeBytes(of: ColorSpace.int8(ColorSpace.floor8(load8(g, x) / 128 * 1024)), as: SIMD8<Int32>.self)
                store8(floor + slope * load8(s, x), wt, x)
                x += 8
            }
            while x < w { q[x] = Int32(Int(g[x] / 128 * 1024)); wt[x] = floor + slope * s[x]; x += 1 }
            buf.fineWeight.withUnsafeMutableBufferPointer { fw in
                let s0 = fw.baseAddress!, s1 = s0 + 1024, s2 = s1 + 1024, s3 = s2 + 1024
                var x = 0
                while x + 4 <= w {
                    let a = Int(min(1023, q[x])), b = Int(min(1023, q[x + 1])), c = Int(min(1023, q[x + 2])), d = Int(min(1023, q[x + 3]))
                    s0[a] += Double(wt[x]); s1[b] += Double(wt[x + 1]); s2[c] += Double(wt[x + 2]); s3[d] += Double(wt[x + 3])
                    x += 4
                }
                while x < w { s0[Int(min(1023, q[x]))] += Double(wt[x]); x += 1 }
            }
            // The weight at the centres of the coarse cells whose centre row (4·cy + 2, which is
            // always inside the image) this is.
            if y >= 2 && (y - 2) % 4 == 0 && (y - 2) / 4 < coarseHeight && min(h - 1, y) == y {
                let cy = (y - 2) / 4
                for cx in 0..<coarseWidth { buf.coarseWeight[cy * coarseWidth + cx] = wt[min(w - 1, cx * 4 + 2)] }
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
            var hc = Histogram(lo: 0, hi: 128, count: 1024)
            for cy in 0..<min(coarse.h, coarseHeight) {
                for cx in 0..<min(coarse.w, coarseWidth) { hc.add(coarse.p[cy * coarse.w + cx], weight: buf.coarseWeight[cy * coarseWidth + cx]) }
            }
            var hf = Histogram(lo: 0, hi: 128, count: 1024)
            let fw = buf.fineWeight
            var total = 0.0
            for k in 0..<1024 {
                let a: Double = fw[k] + fw[1024 + k], b: Double = fw[2048 + k] + fw[3072 + k]
                hf.bins[k] = a + b
                total += hf.bins[k]
            }
            hf.total = total
            return SubjectDetail(fine: hf, coarse: hc,
                                 blocks: BlockSharpness(cols: cols, rows: rows, size: blockSize, p90: buf.p90, saliency: buf.meanSal,
                                                        coarse: coarse, sigma: sigma))
        }
    }
}
