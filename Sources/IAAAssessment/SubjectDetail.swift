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

    init(_ ctx: AnalysisContext) {
        let w = ctx.width, h = ctx.height
        let coarse = ctx.coarseDetail, fine = ctx.fineRows(), sal = ctx.saliencyRows()
        let bs = BlockSharpness.blockSize(w, h), cols = w / bs, rows = h / bs
        var fineCount = [Int32](repeating: 0, count: 2048), fineSal = [Double](repeating: 0, count: 2048)
        var coarseCount = [Int32](repeating: 0, count: 1024), coarseSal = [Double](repeating: 0, count: 1024)
        // The current row of blocks: a 0.25-level histogram (513 bins) and a saliency sum per block.
        var blockBins = [Int32](repeating: 0, count: max(1, cols) * 513)
        var blockSal = [Float](repeating: 0, count: max(1, cols))
        var p90 = [Int](repeating: 0, count: cols * rows), meanSal = [Float](repeating: 0, count: cols * rows)
        let g = UnsafeMutablePointer<Float>.allocate(capacity: w + 8), s = UnsafeMutablePointer<Float>.allocate(capacity: w + 8)
        let q = UnsafeMutablePointer<Int32>.allocate(capacity: w + 8)
        defer { g.deallocate(); s.deallocate(); q.deallocate() }
        coarse.p.withUnsafeBufferPointer { cb in
        fineCount.withUnsafeMutableBufferPointer { fc in fineSal.withUnsafeMutableBufferPointer { fs in
        coarseCount.withUnsafeMutableBufferPointer { ccb in coarseSal.withUnsafeMutableBufferPointer { csb in
        blockBins.withUnsafeMutableBufferPointer { bb in blockSal.withUnsafeMutableBufferPointer { bsal in
            // Even and odd columns count into two sets of bins: consecutive pixels in one bin do
            // not wait on each other (counts are exact; the saliency sums change order only).
            let evenC = fc.baseAddress!, oddC = evenC + 1024, evenS = fs.baseAddress!, oddS = evenS + 1024
            var cy = 0
            for y in 0..<h {
                fine.row(y, into: g)
                sal.row(y, into: s)
                // ⌊8g⌋: the sharpness bin (Int(g / 128 · 1024), capped at 1023) and, halved, the
                // focus bin (Int(4g), capped at 512).
                var x = 0
                while x + 8 <= w {
                    UnsafeMutableRawPointer(q + x).storeBytes(of: ColorSpace.int8(ColorSpace.floor8(load8(g, x) / 128 * 1024)), as: SIMD8<Int32>.self)
                    x += 8
                }
                while x < w { q[x] = Int32(Int(g[x] / 128 * 1024)); x += 1 }
                x = 0
                while x + 2 <= w {
                    let a = Int(min(1023, q[x])), b = Int(min(1023, q[x + 1]))
                    evenC[a] += 1; evenS[a] += Double(s[x]); oddC[b] += 1; oddS[b] += Double(s[x + 1])
                    x += 2
                }
                if x < w { let a = Int(min(1023, q[x])); evenC[a] += 1; evenS[a] += Double(s[x]) }
                while cy < coarse.h && min(h - 1, cy * 4 + 2) == y {
                    for cx in 0..<coarse.w {
                        let v = cb[cy * coarse.w + cx]
                        let k = max(0, min(1023, Int(v / 128 * 1024)))
                        ccb[k] += 1; csb[k] += Double(s[min(w - 1, cx * 4 + 2)])
                    }
                    cy += 1
                }
                // Focus's blocks of this row.
                let by = y / bs
                guard by < rows else { continue }
                for bx in 0..<cols {
                    let bins = bb.baseAddress! + bx * 513, x0 = bx * bs
                    var acc: Float = 0
                    for x in x0..<(x0 + bs) { bins[Int(min(512, q[x] >> 1))] += 1; acc += s[x] }
                    bsal[bx] += acc
                }
                guard y % bs == bs - 1 else { continue }
                let target = Int(Float(bs * bs) * 0.9)
                for bx in 0..<cols {
                    let bins = bb.baseAddress! + bx * 513
                    var acc = 0, k = 0
                    while k < 512 && acc + Int(bins[k]) <= target { acc += Int(bins[k]); k += 1 }
                    p90[by * cols + bx] = k
                    meanSal[by * cols + bx] = bsal[bx] / Float(bs * bs)
                    bins.initialize(repeating: 0, count: 513); bsal[bx] = 0
                }
            }
        } } } } } } }
        self.fineCount = (0..<1024).map { fineCount[$0] + fineCount[1024 + $0] }
        self.fineSaliency = (0..<1024).map { fineSal[$0] + fineSal[1024 + $0] }
        self.coarseCount = coarseCount; self.coarseSaliency = coarseSal
        blocks = BlockSharpness(cols: cols, rows: rows, size: bs, p90: p90, saliency: meanSal,
                                coarse: coarse, sigma: Float(ctx.noise.luma))
    }
}
