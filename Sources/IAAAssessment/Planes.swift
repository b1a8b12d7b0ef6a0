import Foundation
import IAACore

/// Small numeric helpers on float planes, shared by the factors. Written with unsafe buffers so
/// that a 1 MP plane is a few milliseconds in release builds.
enum Planes {
    /// Box-averages `src` (w×h) by an integer `factor`, dropping the ragged edge.
    static func downsample(_ src: [Float], _ w: Int, _ h: Int, by factor: Int) -> (p: [Float], w: Int, h: Int) {
        let ow = max(1, w / factor), oh = max(1, h / factor)
        var out = [Float](repeating: 0, count: ow * oh)
        let inv = 1 / Float(factor * factor)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var acc: Float = 0
                        for dy in 0..<factor {
                            let row = (oy * factor + dy) * w + ox * factor
                            for dx in 0..<factor { acc += s[row + dx] }
                        }
                        o[oy * ow + ox] = acc * inv
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
    static func resizeArea8(_ img: RGBImage, to ow: Int, _ oh: Int) -> RGBImage {
        let w = img.width, h = img.height
        var out = [UInt8](repeating: 0, count: ow * oh * 3)
        // Column spans once, not per row.
        let xs = (0...ow).map { min(w, Int(Double($0) * Double(w) / Double(ow))) }
        let ys = (0...oh).map { min(h, Int(Double($0) * Double(h) / Double(oh))) }
        var acc = [UInt32](repeating: 0, count: ow * 3)
        img.pixels.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                acc.withUnsafeMutableBufferPointer { a in
                    for oy in 0..<oh {
                        let y0 = ys[oy], y1 = max(y0 + 1, ys[oy + 1])
                        for k in 0..<(ow * 3) { a[k] = 0 }
                        for y in y0..<min(h, y1) {
                            let row = y * w * 3
                            for ox in 0..<ow {
                                let x0 = xs[ox], x1 = max(x0 + 1, xs[ox + 1])
                                var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                                for x in x0..<min(w, x1) {
                                    let i = row + 3 * x
                                    r += UInt32(s[i]); g += UInt32(s[i + 1]); b += UInt32(s[i + 2])
                                }
                                a[3 * ox] += r; a[3 * ox + 1] += g; a[3 * ox + 2] += b
                            }
                        }
                        for ox in 0..<ow {
                            let x0 = xs[ox], x1 = max(x0 + 1, xs[ox + 1])
                            let n = UInt32((min(w, x1) - x0) * (min(h, y1) - y0))
                            for c in 0..<3 { o[(oy * ow + ox) * 3 + c] = UInt8((a[3 * ox + c] + n / 2) / n) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Bilinear upsampling of a coarse plane to `ow`×`oh` (sample centres aligned).
    static func resizeBilinear(_ src: [Float], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> [Float] {
        var out = [Float](repeating: 0, count: ow * oh)
        let sx = Float(w) / Float(ow), sy = Float(h) / Float(oh)
        // Column positions and weights once, not per row (the same values as computed inline).
        var cx0 = [Int](repeating: 0, count: ow), cx1 = cx0, ctx = [Float](repeating: 0, count: ow)
        for ox in 0..<ow {
            let fx = max(0, min(Float(w - 1), (Float(ox) + 0.5) * sx - 0.5))
            cx0[ox] = Int(fx); cx1[ox] = min(w - 1, cx0[ox] + 1); ctx[ox] = fx - Float(cx0[ox])
        }
        src.withUnsafeBufferPointer { s in
        cx0.withUnsafeBufferPointer { x0p in cx1.withUnsafeBufferPointer { x1p in ctx.withUnsafeBufferPointer { txp in
            out.withUnsafeMutableBufferPointer { o in
                for oy in 0..<oh {
                    let fy = max(0, min(Float(h - 1), (Float(oy) + 0.5) * sy - 0.5))
                    let y0 = Int(fy), y1 = min(h - 1, y0 + 1), ty = fy - Float(y0)
                    let r0 = y0 * w, r1 = y1 * w, orow = oy * ow
                    for ox in 0..<ow {
                        let x0 = x0p[ox], x1 = x1p[ox], tx = txp[ox]
                        let a = s[r0 + x0] * (1 - tx) + s[r0 + x1] * tx
                        let b = s[r1 + x0] * (1 - tx) + s[r1 + x1] * tx
                        o[orow + ox] = a * (1 - ty) + b * ty
                    }
                }
            }
        } } } }
        return out
    }

    /// Separable Gaussian blur with standard deviation `sigma` pixels (edges clamped).
    static func gaussian(_ src: [Float], _ w: Int, _ h: Int, sigma: Float) -> [Float] {
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var k = (-r...r).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = k.reduce(0, +)
        k = k.map { $0 / sum }
        var tmp = [Float](repeating: 0, count: w * h)
        var out = [Float](repeating: 0, count: w * h)
        src.withUnsafeBufferPointer { s in
            tmp.withUnsafeMutableBufferPointer { t in
                k.withUnsafeBufferPointer { kk in
                    for y in 0..<h {
                        let row = y * w
                        for x in 0..<w {
                            var acc: Float = 0
                            if x >= r && x + r < w {  // interior: no clamping
                                let base = row + x - r
                                for i in 0...(2 * r) { acc += kk[i] * s[base + i] }
                            } else {
                                for i in -r...r { acc += kk[i + r] * s[row + min(w - 1, max(0, x + i))] }
                            }
                            t[row + x] = acc
                        }
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                k.withUnsafeBufferPointer { kk in
                    for y in 0..<h {
                        if y >= r && y + r < h {  // interior rows: accumulate whole rows, no clamping
                            for x in 0..<w { o[y * w + x] = 0 }
                            for i in 0...(2 * r) {
                                let k = kk[i], src = (y - r + i) * w, dst = y * w
                                for x in 0..<w { o[dst + x] += k * t[src + x] }
                            }
                        } else {
                            for x in 0..<w {
                                var acc: Float = 0
                                for i in -r...r { acc += kk[i + r] * t[min(h - 1, max(0, y + i)) * w + x] }
                                o[y * w + x] = acc
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Central-difference gradient magnitude (per pixel, same units as the plane per pixel).
    static func gradientMagnitude(_ src: [Float], _ w: Int, _ h: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w * h)
        guard w > 2, h > 2 else { return out }
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for y in 1..<(h - 1) {
                    for x in 1..<(w - 1) {
                        let i = y * w + x
                        let gx = (s[i + 1] - s[i - 1]) * 0.5, gy = (s[i + w] - s[i - w]) * 0.5
                        o[i] = (gx * gx + gy * gy).squareRoot()
                    }
                }
            }
        }
        return out
    }
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
