import Foundation
import IAACore

/// Small numeric helpers on float planes, shared by the factors. Written with unsafe buffers so
/// that a 1 MP plane is a few milliseconds in release builds.
enum Planes {
    /// Box-averages `src` (w×h) by an integer `factor`, dropping the ragged edge (an image
    /// smaller than `factor` gives one output, of its edge pixels repeated).
    ///
    /// Each output sums its block row by row, left to right, from 0; the by-2 case does eight
    /// outputs at once in that same order (even and odd columns of two rows).
    static func downsample(_ src: [Float], _ w: Int, _ h: Int, by factor: Int) -> (p: [Float], w: Int, h: Int) {
        let ow = max(1, w / factor), oh = max(1, h / factor)
        var out: [Float] = uninitializedPlane(ow * oh)  // every output is written below
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
                    if factor == 4 && w >= 4 && h >= 4 {
                        // Columns 4k, 4k + 1, 4k + 2, 4k + 3 of sixteen are the even/odd halves of halves.
                        while ox + 4 <= ow {
                            var acc = SIMD4<Float>(repeating: 0)
                            for dy in 0..<4 {
                                let v = UnsafeRawPointer(s + (4 * oy + dy) * w).loadUnaligned(fromByteOffset: 16 * ox, as: SIMD16<Float>.self)
                                let ev = v.evenHalf, od = v.oddHalf
                                acc += ev.evenHalf; acc += od.evenHalf; acc += ev.oddHalf; acc += od.oddHalf
                            }
                            UnsafeMutableRawPointer(o + oy * ow + ox).storeBytes(of: acc * inv, as: SIMD4<Float>.self)
                            ox += 4
                        }
                    }
                    while ox < ow {
                        var acc: Float = 0
                        for dy in 0..<factor {
                            // Clamped only where the image is smaller than the factor (there is
                            // always one output); elsewhere every index is inside.
                            let row = min(h - 1, oy * factor + dy) * w
                            for dx in 0..<factor { acc += s[row + min(w - 1, ox * factor + dx)] }
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
        let spans = areaSpans(w, h, to: ow, oh)
        src.withUnsafeBufferPointer { s in
            for oy in 0..<oh {
                let (y0, y1) = spans.y[oy]
                for ox in 0..<ow {
                    let (x0, x1) = spans.x[ox]
                    var acc: Float = 0
                    for y in y0..<y1 { for x in x0..<x1 { acc += s[y * w + x] } }
                    out[oy * ow + ox] = acc / Float((y1 - y0) * (x1 - x0))
                }
            }
        }
        return out
    }

    /// The source columns and rows [start, end) that `resizeArea` averages into each output
    /// column and row. When the output is not larger than the source they tile a prefix of it.
    static func areaSpans(_ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> (x: [(Int, Int)], y: [(Int, Int)]) {
        let sx = Double(w) / Double(ow), sy = Double(h) / Double(oh)
        let xs = (0..<ow).map { ox -> (Int, Int) in
            let x0 = Int(Double(ox) * sx)
            return (x0, max(x0 + 1, min(w, Int(Double(ox + 1) * sx))))
        }
        let ys = (0..<oh).map { oy -> (Int, Int) in
            let y0 = Int(Double(oy) * sy)
            return (y0, max(y0 + 1, min(h, Int(Double(oy + 1) * sy))))
        }
        return (xs, ys)
    }

    /// Area-averaged downsizing of an interleaved 8-bit sRGB image to `ow`×`oh` (averaging the
    /// encoded values, as libvips' shrink does), rounded to the nearest code.
    ///
    /// The rows of one output row are first summed sample by sample (a vectorisable pass over
    /// whole rows), then each output pixel sums its columns of that row sum; integer sums, so
    /// the order does not matter.
    static func resizeArea8(_ img: RGBImage, to ow: Int, _ oh: Int) -> RGBImage {
        let w = img.width, h = img.height, rowLen = w * 3
        var out: [UInt8] = uninitializedPlane(ow * oh * 3)  // every output is written below
        // Column and row spans once.
        let xs = (0...ow).map { min(w, Int(Double($0) * Double(w) / Double(ow))) }
        let ys = (0...oh).map { min(h, Int(Double($0) * Double(h) / Double(oh))) }
        var acc = [UInt32](repeating: 0, count: rowLen)
        img.pixels.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { o in
        acc.withUnsafeMutableBufferPointer { a in
            let sp = s.baseAddress!, ap = a.baseAddress!
            // Halving the width (the 1024 → 512 px case): each output sums two columns of one
            // or two rows, directly from the source rows.
            let halving = w == 2 * ow
            for oy in 0..<oh {
                let y0 = ys[oy], y1 = min(h, max(y0 + 1, ys[oy + 1]))
                if halving && y1 - y0 <= 2 {
                    // Sum the (one or two) rows sample by sample (vectorised), then each output
                    // channel adds its two columns' sums: ⌊(sum + n/2) / n⌋ with n = 4 or 2.
                    let r0 = sp + y0 * rowLen, r1 = sp + (y1 - 1) * rowLen, d = o.baseAddress! + oy * ow * 3
                    let two = y1 - y0 == 2
                    if two { for k in 0..<rowLen { ap[k] = UInt32(r0[k]) &+ UInt32(r1[k]) } } else { for k in 0..<rowLen { ap[k] = UInt32(r0[k]) } }
                    let half: UInt32 = two ? 2 : 1, shift: UInt32 = two ? 2 : 1
                    for k in 0..<ow {
                        let i = 6 * k
                        d[3 * k] = UInt8(truncatingIfNeeded: (ap[i] &+ ap[i + 3] &+ half) >> shift)
                        d[3 * k + 1] = UInt8(truncatingIfNeeded: (ap[i + 1] &+ ap[i + 4] &+ half) >> shift)
                        d[3 * k + 2] = UInt8(truncatingIfNeeded: (ap[i + 2] &+ ap[i + 5] &+ half) >> shift)
                    }
                    continue
                }
                let first = sp + y0 * rowLen
                for k in 0..<rowLen { ap[k] = UInt32(first[k]) }
                if y1 > y0 + 1 {
                    for y in (y0 + 1)..<y1 {
                        let row = sp + y * rowLen
                        for k in 0..<rowLen { ap[k] &+= UInt32(row[k]) }
                    }
                }
                let ny = UInt32(y1 - y0)
                for ox in 0..<ow {
                    let x0 = xs[ox], x1 = min(w, max(x0 + 1, xs[ox + 1]))
                    var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                    for x in x0..<x1 { r &+= ap[3 * x]; g &+= ap[3 * x + 1]; b &+= ap[3 * x + 2] }
                    let n = UInt32(x1 - x0) * ny, half = n / 2
                    let d = (oy * ow + ox) * 3
                    // ⌊(sum + n/2) / n⌋; a shift when n is a power of two (2×2 and 2×1 spans).
                    if n & (n - 1) == 0 {
                        let k = UInt32(n.trailingZeroBitCount)
                        o[d] = UInt8(truncatingIfNeeded: (r &+ half) >> k)
                        o[d + 1] = UInt8(truncatingIfNeeded: (g &+ half) >> k)
                        o[d + 2] = UInt8(truncatingIfNeeded: (b &+ half) >> k)
                    } else {
                        o[d] = UInt8(truncatingIfNeeded: (r &+ half) / n)
                        o[d + 1] = UInt8(truncatingIfNeeded: (g &+ half) / n)
                        o[d + 2] = UInt8(truncatingIfNeeded: (b &+ half) / n)
                    }
                }
            }
        } } }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Bilinear upsampling of a coarse plane to `ow`×`oh` (sample centres aligned).
    static func resizeBilinear(_ src: [Float], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> [Float] {
        let rows = BilinearRows(src, w, h, to: ow, oh)
        return [Float](unsafeUninitializedCapacity: ow * oh) { out, count in
            for oy in 0..<oh { (out.baseAddress! + oy * ow).update(from: rows.row(oy), count: ow) }
            count = ow * oh
        }
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
        // Both passes write every pixel.
        var tmp: [Float] = uninitializedPlane(n)
        var out: [Float] = uninitializedPlane(n)
        let taps = 2 * r + 1
        // Source rows of each vertical tap, clamped to the image.
        let rowPtr = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: taps)
        defer { rowPtr.deallocate() }
        src.withUnsafeBufferPointer { sb in tmp.withUnsafeMutableBufferPointer { tb in
        out.withUnsafeMutableBufferPointer { ob in k.withUnsafeBufferPointer { kb in
            let s = sb.baseAddress!, t = tb.baseAddress!, o = ob.baseAddress!, kk = kb.baseAddress!
            // Horizontal, on a copy of the row padded with r copies of its end pixels on each
            // side (so every output, border or not, is the plain sum over its taps). Sixteen
            // outputs per pass over the taps (two independent sums in flight), then eight, then one.
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 16)
            defer { padded.deallocate() }
            for y in 0..<h {
                let srow = s + y * w, trow = t + y * w
                for i in 0..<r { padded[i] = srow[0]; padded[r + w + i] = srow[w - 1] }
                (padded + r).update(from: srow, count: w)
                var x = 0
                while x + 16 <= w {
                    var a0 = SIMD8<Float>(repeating: 0), a1 = a0
                    let base = UnsafeRawPointer(padded + x)
                    for i in 0..<taps {
                        let ki = kk[i]
                        a0 += ki * base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                        a1 += ki * base.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
                    }
                    store8(a0, trow, x); store8(a1, trow, x + 8)
                    x += 16
                }
                while x + 8 <= w {
                    var acc = SIMD8<Float>(repeating: 0)
                    let base = UnsafeRawPointer(padded + x)
                    for i in 0..<taps { acc += kk[i] * base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) }
                    store8(acc, trow, x)
                    x += 8
                }
                while x < w {
                    var acc: Float = 0
                    for i in 0..<taps { acc += kk[i] * padded[x + i] }
                    trow[x] = acc
                    x += 1
                }
            }
            // Vertical: source rows clamped to the image.
            for y in 0..<h {
                for i in 0..<taps { rowPtr[i] = UnsafePointer(t + min(h - 1, max(0, y + i - r)) * w) }
                let orow = o + y * w
                var x = 0
                while x + 16 <= w {
                    var a0 = SIMD8<Float>(repeating: 0), a1 = a0
                    for i in 0..<taps {
                        let ki = kk[i], row = rowPtr[i]
                        a0 += ki * load8(row, x); a1 += ki * load8(row, x + 8)
                    }
                    store8(a0, orow, x); store8(a1, orow, x + 8)
                    x += 16
                }
                while x + 8 <= w {
                    var acc = SIMD8<Float>(repeating: 0)
                    for i in 0..<taps { acc += kk[i] * load8(rowPtr[i], x) }
                    store8(acc, orow, x)
                    x += 8
                }
                while x < w {
                    var acc: Float = 0
                    for i in 0..<taps { acc += kk[i] * rowPtr[i][x] }
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
        guard w > 2, h > 2 else { return [Float](repeating: 0, count: w * h) }
        var out: [Float] = uninitializedPlane(w * h)  // interior rows below, the border here
        src.withUnsafeBufferPointer { sb in
            out.withUnsafeMutableBufferPointer { ob in
                let s = sb.baseAddress!, o = ob.baseAddress!
                o.initialize(repeating: 0, count: w)
                (o + (h - 1) * w).initialize(repeating: 0, count: w)
                for y in 1..<(h - 1) {
                    o[y * w] = 0; o[y * w + w - 1] = 0
                    gradientRow(s + y * w, w, o + y * w)
                }
            }
        }
        return out
    }

    /// One row of `gradientMagnitude`: `row` points at the row's first pixel (the rows above and
    /// below must exist); writes columns 1..<(w − 1) of `out`.
    @inline(__always) static func gradientRow(_ row: UnsafePointer<Float>, _ w: Int, _ out: UnsafeMutablePointer<Float>) {
        gradientRow(up: row - w, mid: row, down: row + w, w, out)
    }

    /// `gradientRow` from the three rows wherever they are.
    @inline(__always) static func gradientRow(up upRow: UnsafePointer<Float>, mid row: UnsafePointer<Float>, down downRow: UnsafePointer<Float>,
                                              _ w: Int, _ out: UnsafeMutablePointer<Float>) {
        let up = UnsafeRawPointer(upRow), down = UnsafeRawPointer(downRow), mid = UnsafeRawPointer(row)
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
            let gx = (row[x + 1] - row[x - 1]) * 0.5, gy = (downRow[x] - upRow[x]) * 0.5
            out[x] = (gx * gx + gy * gy).squareRoot()
            x += 1
        }
    }

    /// Row `y` of `RGBImage.luma601` (the same expression, eight pixels at a time) into `out`.
    @inline(__always) static func lumaRow(_ p: UnsafePointer<UInt8>, _ y: Int, _ w: Int, _ h: Int, _ out: UnsafeMutablePointer<Float>) {
        let src = p + 3 * w * y
        var x = 0
        while x < w {
            // A group of eight reads 3·8 + 1 bytes: not past the image's last one.
            let c = 3 * (w * y + x + 8) + 1 > 3 * w * h ? rgb8Padded(src + 3 * x, w - x) : rgb8(src + 3 * x)
            let v = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b
            if x + 8 <= w { store8(v, out, x) } else { for k in 0..<(w - x) { out[x + k] = v[k] } }
            x += 8
        }
    }
}

/// The rows of a bilinear upsampling (`Planes.resizeBilinear`), one at a time, so that a
/// consumer that walks the image row by row never stores the full-size plane.
///
/// Each source row is interpolated along x once (every output row between the same two source
/// rows reuses it); an output row is then one vectorisable blend of two such rows: the same
/// operations in the same order as interpolating pixel by pixel.
final class BilinearRows {
    let width: Int, height: Int
    private let src: [Float], sw: Int, sh: Int, sy: Float
    private let x0: [Int], x1: [Int], tx: [Float]
    private let buffer: UnsafeMutablePointer<Float>
    private var pa: UnsafeMutablePointer<Float>, pb: UnsafeMutablePointer<Float>
    private var tagA = -1, tagB = -1

    init(_ src: [Float], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) {
        self.src = src; sw = w; sh = h; width = ow; height = oh
        let sx = Float(w) / Float(ow)
        sy = Float(h) / Float(oh)
        var cx0 = [Int](repeating: 0, count: ow), cx1 = cx0, ctx = [Float](repeating: 0, count: ow)
        for ox in 0..<ow {
            let fx = max(0, min(Float(w - 1), (Float(ox) + 0.5) * sx - 0.5))
            cx0[ox] = Int(fx); cx1[ox] = min(w - 1, cx0[ox] + 1); ctx[ox] = fx - Float(cx0[ox])
        }
        x0 = cx0; x1 = cx1; tx = ctx
        buffer = .allocate(capacity: 3 * ow + 8)
        buffer.initialize(repeating: 0, count: 3 * ow + 8)
        pa = buffer; pb = buffer + ow
    }

    deinit { buffer.deallocate() }

    private func fill(_ dst: UnsafeMutablePointer<Float>, _ y: Int) {
        let r = y * sw
        src.withUnsafeBufferPointer { s in x0.withUnsafeBufferPointer { a in x1.withUnsafeBufferPointer { b in tx.withUnsafeBufferPointer { t in
            for ox in 0..<width { let f = t[ox]; dst[ox] = s[r + a[ox]] * (1 - f) + s[r + b[ox]] * f }
        } } } }
    }

    /// Output row `oy` (`width` values), valid until the next call. Fastest when rows are
    /// requested in increasing order.
    func row(_ oy: Int) -> UnsafePointer<Float> {
        let out = buffer + 2 * width
        row(oy, into: out)
        return UnsafePointer(out)
    }

    /// Writes output row `oy` (`width` values) to `out`.
    func row(_ oy: Int, into out: UnsafeMutablePointer<Float>) {
        let fy = max(0, min(Float(sh - 1), (Float(oy) + 0.5) * sy - 0.5))
        let y0 = Int(fy), y1 = min(sh - 1, y0 + 1), ty = fy - Float(y0)
        // Rows move down monotonically: the old second row is often the new first.
        if tagA != y0 {
            if tagB == y0 { swap(&pa, &pb); swap(&tagA, &tagB) } else { fill(pa, y0); tagA = y0 }
        }
        if tagB != y1 { fill(pb, y1); tagB = y1 }
        let wa = 1 - ty
        var x = 0
        while x + 8 <= width { store8(load8(pa, x) * wa + load8(pb, x) * ty, out, x); x += 8 }
        while x < width { out[x] = pa[x] * wa + pb[x] * ty; x += 1 }
    }
}

/// The rows of `Planes.gradientMagnitude` of a plane, one at a time (0 on the border, as there).
struct GradientRows {
    let src: [Float], width: Int, height: Int
    init(_ src: [Float], _ w: Int, _ h: Int) { self.src = src; width = w; height = h }

    /// Writes row `y` (`width` values) to `out`.
    func row(_ y: Int, into out: UnsafeMutablePointer<Float>) {
        let w = width
        guard w > 2, height > 2, y > 0, y < height - 1 else { out.initialize(repeating: 0, count: w); return }
        src.withUnsafeBufferPointer { s in Planes.gradientRow(s.baseAddress! + y * w, w, out) }
        out[0] = 0; out[w - 1] = 0
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
/// An array of `n` trivial values whose contents the caller overwrites before reading any: a
/// fresh plane without the zero-fill pass (the kernel hands out zeroed pages anyway).
@inline(__always) func uninitializedPlane<T: BitwiseCopyable>(_ n: Int, of _: T.Type = T.self) -> [T] {
    [T](unsafeUninitializedCapacity: n) { _, count in count = n }
}

/// R, G and B (0…255, exact) of eight interleaved 8-bit pixels at `p`, from eight unaligned
/// 32-bit loads and bit masks (no per-sample conversions). Reads one byte past the eighth pixel:
/// use `rgb8Padded` where that byte may not exist (the image's last pixel).
@inline(__always) func rgb8(_ p: UnsafePointer<UInt8>) -> (r: SIMD8<Float>, g: SIMD8<Float>, b: SIMD8<Float>) {
    let raw = UnsafeRawPointer(p)
    @inline(__always) func word(_ k: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: 3 * k, as: UInt32.self) }
    let v = SIMD8<UInt32>(word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7))
    // A byte b as a float: the bits 0x4B000000 | b are 2²³ + b.
    let magic = SIMD8<UInt32>(repeating: 0x4B00_0000), big = SIMD8<Float>(repeating: 8_388_608)
    return (unsafeBitCast((v & 0xFF) | magic, to: SIMD8<Float>.self) - big,
            unsafeBitCast(((v &>> 8) & 0xFF) | magic, to: SIMD8<Float>.self) - big,
            unsafeBitCast(((v &>> 16) & 0xFF) | magic, to: SIMD8<Float>.self) - big)
}

/// `rgb8` of the `count` (≤ 8) pixels at `p`, the missing ones black, without reading past them.
@inline(__always) func rgb8Padded(_ p: UnsafePointer<UInt8>, _ count: Int) -> (r: SIMD8<Float>, g: SIMD8<Float>, b: SIMD8<Float>) {
    var r = SIMD8<Float>(repeating: 0), g = r, b = r
    for k in 0..<min(8, count) { r[k] = Float(p[3 * k]); g[k] = Float(p[3 * k + 1]); b[k] = Float(p[3 * k + 2]) }
    return (r, g, b)
}

/// For eight consecutive 8-wide blocks of values at `p` (64 floats), adds block b's values to
/// lane b of `acc` in order, column 0 first: the per-block running sums a scalar loop keeps,
/// eight blocks at a time. The columns come from transposing the 8×8 values by three rounds of
/// even/odd splits (shuffles).
@inline(__always) func addBlocksOf8(_ p: UnsafePointer<Float>, into acc: inout SIMD8<Float>) {
    @inline(__always) func split(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
        let v = SIMD16<Float>(lowHalf: a, highHalf: b)
        return (v.evenHalf, v.oddHalf)
    }
    let v0 = load8(p, 0), v1 = load8(p, 8), v2 = load8(p, 16), v3 = load8(p, 24)
    let v4 = load8(p, 32), v5 = load8(p, 40), v6 = load8(p, 48), v7 = load8(p, 56)
    // Element 8b + j of the 64 ends up in lane b of column j.
    let (e0, o0) = split(v0, v1), (e1, o1) = split(v2, v3), (e2, o2) = split(v4, v5), (e3, o3) = split(v6, v7)
    let (ee0, eo0) = split(e0, e1), (ee1, eo1) = split(e2, e3), (oe0, oo0) = split(o0, o1), (oe1, oo1) = split(o2, o3)
    let (c0, c4) = split(ee0, ee1), (c2, c6) = split(eo0, eo1), (c1, c5) = split(oe0, oe1), (c3, c7) = split(oo0, oo1)
    acc += c0; acc += c1; acc += c2; acc += c3; acc += c4; acc += c5; acc += c6; acc += c7
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
