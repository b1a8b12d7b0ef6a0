/// Max pooling with a k×k window and stride s, no padding, floor rounding (ONNX `MaxPool`
/// with `ceil_mode = 0`, Keras "valid").
public struct MaxPool2D: Sendable {
    /// Window side, pixels.
    public let kernel: Int
    /// Step between windows, pixels.
    public let stride: Int

    /// A `kernel`×`kernel` window moved by `stride` pixels.
    public init(kernel: Int, stride: Int) {
        self.kernel = kernel
        self.stride = stride
    }

    /// Output height and width for an input of `height`×`width`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - kernel) / stride + 1, (width - kernel) / stride + 1)
    }

    /// Pools `x` into `y` (batch × C × oh × ow floats).
    public func forward(_ x: FeatureMap, into y: UnsafeMutablePointer<Float>) -> FeatureMap {
        let (oh, ow) = outputSize(height: x.height, width: x.width)
        let h = x.height, w = x.width, k = kernel, s = stride
        for plane in 0..<(x.batch * x.channels) {
            let src = x.data + plane * h * w
            let dst = y + plane * oh * ow
            if k == 2 && s == 2 {
                // The common 2×2/2 case, with selects instead of NaN-aware max().
                for oy in 0..<oh {
                    let a = src + 2 * oy * w, b = a + w, o = dst + oy * ow
                    for ox in 0..<ow {
                        let p = a[2 * ox], q = a[2 * ox + 1], r = b[2 * ox], t = b[2 * ox + 1]
                        let m1 = p > q ? p : q, m2 = r > t ? r : t
                        o[ox] = m1 > m2 ? m1 : m2
                    }
                }
                continue
            }
            for oy in 0..<oh {
                let o = dst + oy * ow
                let r0 = src + oy * s * w
                for ox in 0..<ow { o[ox] = r0[ox * s] }
                for ky in 0..<k {
                    let r = r0 + ky * w
                    for kx in 0..<k where ky + kx > 0 {
                        for ox in 0..<ow { o[ox] = max(o[ox], r[ox * s + kx]) }
                    }
                }
            }
        }
        return FeatureMap(data: y, batch: x.batch, channels: x.channels, height: oh, width: ow)
    }
}

/// Global average pooling: the mean of each plane, giving a `batch × channels` matrix
/// (row-major) in `y`.
public func globalAveragePool(_ x: FeatureMap, into y: UnsafeMutablePointer<Float>) -> FeatureMap {
    let n = x.height * x.width
    let inv = 1 / Float(n)
    for plane in 0..<(x.batch * x.channels) {
        let src = x.data + plane * n
        var sum: Float = 0
        for i in 0..<n { sum += src[i] }
        y[plane] = sum * inv
    }
    return FeatureMap(data: y, batch: x.batch, channels: x.channels, height: 1, width: 1)
}

/// Nearest-neighbour upsampling by an integer `factor` (ONNX `Resize`, mode nearest,
/// coordinate mode asymmetric, floor: out[y][x] = in[⌊y/f⌋][⌊x/f⌋]).
public func upsampleNearest(_ x: FeatureMap, factor: Int, into y: UnsafeMutablePointer<Float>) -> FeatureMap {
    let h = x.height, w = x.width, oh = h * factor, ow = w * factor
    for plane in 0..<(x.batch * x.channels) {
        let src = x.data + plane * h * w
        let dst = y + plane * oh * ow
        for iy in 0..<h {
            let row = dst + iy * factor * ow
            let s = src + iy * w
            for ix in 0..<w {
                let v = s[ix]
                for f in 0..<factor { row[ix * factor + f] = v }
            }
            for f in 1..<max(factor, 1) { (row + f * ow).update(from: row, count: ow) }
        }
    }
    return FeatureMap(data: y, batch: x.batch, channels: x.channels, height: oh, width: ow)
}

/// Elementwise `a += b` over two maps of identical shape (residual / FPN merges), in place.
public func addInPlace(_ a: FeatureMap, _ b: FeatureMap) {
    precondition(a.batch == b.batch && a.channels == b.channels && a.height == b.height && a.width == b.width,
                 "addInPlace: shapes differ")
    let p = a.data, q = b.data
    for i in 0..<a.count { p[i] += q[i] }
}
