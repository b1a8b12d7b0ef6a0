import Foundation
import IAACore

/// Small numeric helpers on float planes, shared by the factors. Written with unsafe buffers so
/// that a 1 MP plane is a few milliseconds in release builds.
enum Planes {
    /// Box-averages `src` (w×h) by an integer `factor`, dropping the ragged edge.
    ///
    /// Each output sums its block row by row, left to right, from 0; the by-2 case does eight
    /// outputs at once in that same order (even and odd columns of two rows).
    static func downsample(_ src: [Float], _ w: Int, _ h: Int, by factor: Int) -> (p: [Float], w: Int, h: Int) {
        let ow = max(1, w / factor), oh = max(1, h / factor)
        var out = [Float](repeating: 0, count: ow * oh)
        let inv = 1 / Float(factor * factor)
        src.withUnsafeBufferPointer { sb in
            out.withUnsafeMutableBufferPointer { ob in
                let s = sb.baseAddress!, o = ob.baseAddress!
                for oy in 0..<oh {
                    var ox = 0
                    if factor == 2 && w >= 2 && h >= 2 {
                        let r0 = UnsafeRawPointer(s + 2 * oy * w), r1 = UnsafeRawPointer(s + (2 * oy + 1) * w)
                        while ox + 8 <= ow {
                            let a = r0.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD16<Float>.self)
                            let b = r1.loadUnaligned(fromByteOffset: 8 * ox, as: SIMD16<Float>.self)
                            var acc = SIMD8<Float>(repeating: 0)
                            acc += a.evenHalf; acc += a.oddHalf; acc += b.evenHalf; acc += b.oddHalf
                            UnsafeMutableRawPointer(o + oy * ow + ox).storeBytes(of: acc * inv, as: SIMD8<Float>.self)
                            ox += 8
                        }
                    }
                    while ox < ow {
                        var acc: Float = 0
                        for dy in 0..<factor {
                            let row = (oy * factor + dy) * w + ox * factor
                            for dx in 0..<factor { acc += s[row + dx] }
                        }
                        o[oy * ow + ox] = acc * inv
                        ox += 1
                    }
                }
            }
        }
        return (out, ow, oh)
    }

    /// Resamples to an arbitrary size by area averaging (down) — used for coarse saliency.
    static func resizeArea(_ src: [Float], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> [Float] {
        var out = [Float](repeating: 0, count: ow * oh)
        let sx = Double(w) / Double(ow), sy = Double(h) / Double(oh)
        src.withUnsafeBufferPointer { s in
            for oy in 0..<oh {
                let y0 = Int(Double(oy) * sy), y1 = max(y0 + 1, min(h, Int(Double(oy + 1) * sy)))
                for ox in 0..<ow {
                    let x0 = Int(Double(ox) * sx), x1 = max(x0 + 1, min(w, Int(Double(ox + 1) * sx)))
                    var acc: Float = 0
                    for y in y0..<y1 { for x in x0..<x1 { acc += s[y * w + x] } }
                    out[oy * ow + ox] = acc / Float((y1 - y0) * (x1 - x0))
                }
            }
        }
        return out
    }

    /// Area-averaged downsizing of an interleaved 8-bit sRGB image to `ow`×`oh` (averaging the
    /// encoded values, as libvips' shrink does), rounded to the nearest code.
    ///
    /// The rows of one output row are first summed sample by sample (a vectorisable pass over
    /// whole rows), then each output pixel sums its columns of that row sum; integer sums, so
    /// the order does not matter.
    static func resizeArea8(_ img: RGBImage, to ow: Int, _ oh: Int) -> RGBImage {
        let w = img.width, h = img.height, rowLen = w * 3
        var out = [UInt8](repeating: 0, count: ow * oh * 3)
        // Column and row spans once.
        let xs = (0...ow).map { min(w, Int(Double($0) * Double(w) / Double(ow))) }
        let ys = (0...oh).map { min(h, Int(Double($0) * Double(h) / Double(oh))) }
        var acc = [UInt32](repeating: 0, count: rowLen)
        img.pixels.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { o in
        acc.withUnsafeMutableBufferPointer { a in
            let sp = s.baseAddress!, ap = a.baseAddress!
            for oy in 0..<oh {
                let y0 = ys[oy], y1 = min(h, max(y0 + 1, ys[oy + 1]))
                let first = sp + y0 * rowLen
                for k in 0..<rowLen { ap[k] = UInt32(first[k]) }
                if y1 > y0 + 1 {
                    for y in (y0 + 1)..<y1 {
                        let row = sp + y * rowLen
                        for k in 0..<rowLen { ap[k] &+= UInt32(row[k]) }
                    }
                }
                let ny = UInt32(y1 - y0)
                var lastN: UInt32 = 0, inv = 0.0
                for ox in 0..<ow {
                    let x0 = xs[ox], x1 = min(w, max(x0 + 1, xs[ox + 1]))
                    var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                    for x in x0..<x1 { r &+= ap[3 * x]; g &+= ap[3 * x + 1]; b &+= ap[3 * x + 2] }
                    let n = UInt32(x1 - x0) * ny, half = n / 2
                    // ⌊(sum + n/2) / n⌋ by a reciprocal instead of three integer divisions: the
                    // product is within 1e-13 of the quotient (sum < 2²⁴), whose fraction is at
                    // most 1 − 1/n, so adding 1e-9 before truncating gives the exact integer.
                    if n != lastN { lastN = n; inv = 1 / Double(n) }
                    let d = (oy * ow + ox) * 3
                    o[d] = UInt8(Double(r + half) * inv + 1e-9)
                    o[d + 1] = UInt8(Double(g + half) * inv + 1e-9)
                    o[d + 2] = UInt8(Double(b + half) * inv + 1e-9)
                }
            }
        } } }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Bilinear upsampling of a coarse plane to `ow`×`oh` (sample centres aligned).
    ///
    /// Each source row is interpolated along x once (every output row between two source rows
    /// reuses it), then each output row is one vectorisable blend of two such rows: the same
    /// operations in the same order as interpolating pixel by pixel.
    static func resizeBilinear(_ src: [Float], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> [Float] {
        var out = [Float](repeating: 0, count: ow * oh)
        let sx = Float(w) / Float(ow), sy = Float(h) / Float(oh)
        // Column positions and weights once, not per row.
        var cx0 = [Int](repeating: 0, count: ow), cx1 = cx0, ctx = [Float](repeating: 0, count: ow)
        for ox in 0..<ow {
            let fx = max(0, min(Float(w - 1), (Float(ox) + 0.5) * sx - 0.5))
            cx0[ox] = Int(fx); cx1[ox] = min(w - 1, cx0[ox] + 1); ctx[ox] = fx - Float(cx0[ox])
        }
        // Two source rows interpolated along x, tagged with their source row index.
        var rowA = [Float](repeating: 0, count: ow), rowB = rowA
        var tagA = -1, tagB = -1
        src.withUnsafeBufferPointer { s in
        cx0.withUnsafeBufferPointer { x0p in cx1.withUnsafeBufferPointer { x1p in ctx.withUnsafeBufferPointer { txp in
        rowA.withUnsafeMutableBufferPointer { ra in rowB.withUnsafeMutableBufferPointer { rb in
            out.withUnsafeMutableBufferPointer { o in
                var pa = ra.baseAddress!, pb = rb.baseAddress!
                func fill(_ dst: UnsafeMutablePointer<Float>, _ sy: Int) {
                    let r = sy * w
                    for ox in 0..<ow { let tx = txp[ox]; dst[ox] = s[r + x0p[ox]] * (1 - tx) + s[r + x1p[ox]] * tx }
                }
                for oy in 0..<oh {
                    let fy = max(0, min(Float(h - 1), (Float(oy) + 0.5) * sy - 0.5))
                    let y0 = Int(fy), y1 = min(h - 1, y0 + 1), ty = fy - Float(y0)
                    // Rows move down monotonically: the old second row is often the new first.
                    if tagA != y0 {
                        if tagB == y0 { swap(&pa, &pb); swap(&tagA, &tagB) } else { fill(pa, y0); tagA = y0 }
                    }
                    if tagB != y1 { fill(pb, y1); tagB = y1 }
                    let orow = o.baseAddress! + oy * ow, wa = 1 - ty
                    for ox in 0..<ow { orow[ox] = pa[ox] * wa + pb[ox] * ty }
                }
            }
        } } } } } }
        return out
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (edges clamped).
    ///
    /// Eight outputs at a time in vector registers: each output is still the sum of its taps in
    /// tap order starting from 0 (exactly the per-pixel dot product), so the result does not
    /// depend on the vectorisation; only the clamped border columns are done one by one.
    static func gaussian(_ src: [Float], _ w: Int, _ h: Int, sigma: Float) -> [Float] {
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var k = (-r...r).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = k.reduce(0, +)
        k = k.map { $0 / sum }
        let n = w * h
        guard n > 0 else { return src }
        var tmp = [Float](repeating: 0, count: n)
        var out = [Float](repeating: 0, count: n)
        let taps = 2 * r + 1
        src.withUnsafeBufferPointer { sb in tmp.withUnsafeMutableBufferPointer { tb in
        out.withUnsafeMutableBufferPointer { ob in k.withUnsafeBufferPointer { kb in
            let s = sb.baseAddress!, t = tb.baseAddress!, o = ob.baseAddress!, kk = kb.baseAddress!
            // Horizontal: interior columns r..<(w − r) need no clamping.
            let lo = min(w, r), hi = max(lo, w - r)
            for y in 0..<h {
                let srow = s + y * w, trow = t + y * w
                var x = lo
                while x + 8 <= hi {
                    var acc = SIMD8<Float>(repeating: 0)
                    let base = UnsafeRawPointer(srow + x - r)
                    for i in 0..<taps { acc += kk[i] * base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) }
                    UnsafeMutableRawPointer(trow + x).storeBytes(of: acc, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < hi {
                    var acc: Float = 0
                    for i in 0..<taps { acc += kk[i] * srow[x - r + i] }
                    trow[x] = acc
                    x += 1
                }
                @inline(__always) func clamped(_ x: Int) {
                    var acc: Float = 0
                    for i in -r...r { acc += kk[i + r] * srow[min(w - 1, max(0, x + i))] }
                    trow[x] = acc
                }
                for x in 0..<lo { clamped(x) }
                for x in hi..<w { clamped(x) }
            }
            // Vertical: source rows clamped to the image.
            for y in 0..<h {
                let orow = o + y * w
                var x = 0
                while x + 8 <= w {
                    var acc = SIMD8<Float>(repeating: 0)
                    for i in -r...r {
                        let row = UnsafeRawPointer(t + min(h - 1, max(0, y + i)) * w + x)
                        acc += kk[i + r] * row.loadUnaligned(as: SIMD8<Float>.self)
                    }
                    UnsafeMutableRawPointer(orow + x).storeBytes(of: acc, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < w {
                    var acc: Float = 0
                    for i in -r...r { acc += kk[i + r] * t[min(h - 1, max(0, y + i)) * w + x] }
                    orow[x] = acc
                    x += 1
                }
            }
        } } } }
        return out
    }

    /// Central-difference gradient magnitude (per pixel, same units as the plane per pixel);
    /// 0 on the one-pixel border. Eight pixels at a time, the same arithmetic as one by one.
    static func gradientMagnitude(_ src: [Float], _ w: Int, _ h: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w * h)
        guard w > 2, h > 2 else { return out }
        src.withUnsafeBufferPointer { sb in
            out.withUnsafeMutableBufferPointer { ob in
                let s = sb.baseAddress!, o = ob.baseAddress!
                for y in 1..<(h - 1) {
                    gradientRow(s + y * w, w, o + y * w)
                }
            }
        }
        return out
    }

    /// One row of `gradientMagnitude`: `row` points at the row's first pixel (the rows above and
    /// below must exist); writes columns 1..<(w − 1) of `out`.
    @inline(__always) static func gradientRow(_ row: UnsafePointer<Float>, _ w: Int, _ out: UnsafeMutablePointer<Float>) {
        let up = UnsafeRawPointer(row - w), down = UnsafeRawPointer(row + w), mid = UnsafeRawPointer(row)
        var x = 1
        while x + 8 <= w - 1 {
            let gx = (mid.loadUnaligned(fromByteOffset: 4 * (x + 1), as: SIMD8<Float>.self)
                      - mid.loadUnaligned(fromByteOffset: 4 * (x - 1), as: SIMD8<Float>.self)) * 0.5
            let gy = (down.loadUnaligned(fromByteOffset: 4 * x, as: SIMD8<Float>.self)
                      - up.loadUnaligned(fromByteOffset: 4 * x, as: SIMD8<Float>.self)) * 0.5
            UnsafeMutableRawPointer(out + x).storeBytes(of: (gx * gx + gy * gy).squareRoot(), as: SIMD8<Float>.self)
            x += 8
        }
        while x < w - 1 {
            let gx = (row[x + 1] - row[x - 1]) * 0.5, gy = (row[x + w] - row[x - w]) * 0.5
            out[x] = (gx * gx + gy * gy).squareRoot()
            x += 1
        }
    }
}

extension Planes {
    /// The `k`-th smallest value (0-based), i.e. `v.sorted()[k]`, by quickselect in O(n);
    /// reorders `v`.
    static func kthSmallest(_ v: inout [Float], _ k: Int) -> Float {
        precondition(k >= 0 && k < v.count)
        return v.withUnsafeMutableBufferPointer { b -> Float in
            var lo = 0, hi = b.count - 1
            while lo < hi {
                // Median of three as the pivot; Hoare partition.
                let mid = lo + (hi - lo) / 2
                if b[mid] < b[lo] { b.swapAt(mid, lo) }
                if b[hi] < b[lo] { b.swapAt(hi, lo) }
                if b[hi] < b[mid] { b.swapAt(hi, mid) }
                let pivot = b[mid]
                var i = lo, j = hi
                while i <= j {
                    while b[i] < pivot { i += 1 }
                    while pivot < b[j] { j -= 1 }
                    if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { break }
            }
            return b[k]
        }
    }
}

// Eight-lane helpers for the per-pixel loops (SSE2 gives two 4-lane registers per SIMD8).
// Each lane does exactly the scalar arithmetic, so a loop written with them gives the same
// values as its one-pixel-at-a-time form; only reductions across lanes change the order of sums.

@inline(__always) func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
}
/// |v| by clearing the sign bits (the generic `pointwiseMax` is not inlined).
@inline(__always) func abs8(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self)
}

/// A weighted histogram over a fixed range, for fast weighted quantiles of a plane.
struct Histogram {
    let lo: Float, hi: Float
    var bins: [Double]
    var total: Double = 0

    init(lo: Float, hi: Float, count: Int = 1024) {
        self.lo = lo; self.hi = hi
        bins = [Double](repeating: 0, count: count)
    }

    mutating func add(_ v: Float, weight: Float = 1) {
        let n = bins.count
        let i = Int((v - lo) / (hi - lo) * Float(n))
        bins[max(0, min(n - 1, i))] += Double(weight)
        total += Double(weight)
    }

    /// The weighted `p`-quantile (0…1), interpolated inside the bin.
    func quantile(_ p: Double) -> Float {
        guard total > 0 else { return lo }
        let target = p * total
        var acc = 0.0
        for (i, b) in bins.enumerated() where b > 0 {
            if acc + b >= target {
                let t = (target - acc) / b
                return lo + (hi - lo) * (Float(i) + Float(t)) / Float(bins.count)
            }
            acc += b
        }
        return hi
    }
}

/// Formatting helpers for explanations.
enum Fmt {
    static func f(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
    static func pct(_ share: Double) -> String { String(format: "%.0f%%", share * 100) }
}
