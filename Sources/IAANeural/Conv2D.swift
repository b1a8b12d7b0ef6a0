import COpenBLAS

/// A dense (group = 1) 2-D convolution over NCHW maps: im2col followed by one `cblas_sgemm`
/// per image; a 1×1, stride-1, unpadded convolution skips im2col and is a single sgemm.
/// The bias pre-fills the output, the product accumulates, the activation is one vectorised pass.
public struct Conv2D: Sendable {
    /// Input channels.
    public let inChannels: Int
    /// Output channels (filters).
    public let outChannels: Int
    /// Kernel height, pixels.
    public let kernelH: Int
    /// Kernel width, pixels.
    public let kernelW: Int
    /// Vertical stride, pixels (default 1).
    public let strideH: Int
    /// Horizontal stride, pixels (default 1).
    public let strideW: Int
    /// Zero padding rule (default `.valid`).
    public let padding: Padding
    /// Activation applied to the output (default `.identity`).
    public let activation: Activation
    /// `[outChannels, inChannels, kernelH, kernelW]`, row-major.
    public let weights: [Float]
    /// `[outChannels]`.
    public let bias: [Float]

    /// `weights` in OIHW order; `bias` defaults to zeros.
    public init(weights: [Float], bias: [Float]?, outChannels: Int, inChannels: Int,
                kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .identity) {
        precondition(weights.count == outChannels * inChannels * kernel.0 * kernel.1,
                     "Conv2D: \(weights.count) weights for \(outChannels)×\(inChannels)×\(kernel.0)×\(kernel.1)")
        precondition(bias == nil || bias!.count == outChannels)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelH = kernel.0
        self.kernelW = kernel.1
        self.strideH = stride.0
        self.strideW = stride.1
        self.padding = padding
        self.activation = activation
        self.weights = weights
        self.bias = bias ?? [Float](repeating: 0, count: outChannels)
    }

    /// Folds `bn` into the weights and bias (see `BatchNorm.fold`).
    public func folding(_ bn: BatchNorm) -> Conv2D {
        let (w, b) = bn.fold(weights: weights, bias: bias)
        return Conv2D(weights: w, bias: b, outChannels: outChannels, inChannels: inChannels,
                      kernel: (kernelH, kernelW), stride: (strideH, strideW), padding: padding, activation: activation)
    }

    private func pads(_ h: Int, _ w: Int) -> (top: Int, left: Int, bottom: Int, right: Int) {
        padding.resolve(height: h, width: w, kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW)
    }

    /// Output height and width for an input of `height`×`width`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let p = pads(height, width)
        return (slidingOutput(height, p.top, p.bottom, kernelH, strideH), slidingOutput(width, p.left, p.right, kernelW, strideW))
    }

    private func isPointwise(_ h: Int, _ w: Int) -> Bool {
        let p = pads(h, w)
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && p == (0, 0, 0, 0)
    }

    /// Scratch floats `forward` needs for an input of `height`×`width` (0 for pointwise).
    public func scratchCount(height: Int, width: Int) -> Int {
        if isPointwise(height, width) { return 0 }
        let o = outputSize(height: height, width: width)
        return inChannels * kernelH * kernelW * o.height * o.width
    }

    /// Convolves `x` (C = `inChannels`) into `y`, which must hold `batch × outChannels × oh × ow`
    /// floats and not overlap `x`; `scratch` must hold `scratchCount` floats.
    public func forward(_ x: FeatureMap, into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> FeatureMap {
        precondition(x.channels == inChannels, "Conv2D: input has \(x.channels) channels, expected \(inChannels)")
        let (oh, ow) = outputSize(height: x.height, width: x.width)
        let n = oh * ow
        let k = inChannels * kernelH * kernelW
        let pointwise = isPointwise(x.height, x.width)
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                for img in 0..<x.batch {
                    let src = x.data + img * x.imageCount
                    let dst = y + img * outChannels * n
                    // Bias pre-fills the output and the product accumulates into it (beta = 1):
                    // cheaper than OpenBLAS's own zeroing pass for beta = 0.
                    for o in 0..<outChannels { fill(dst + o * n, count: n, value: b[o]) }
                    let cols: UnsafeMutablePointer<Float>
                    if pointwise {
                        cols = src
                    } else {
                        im2col(src, x.height, x.width, oh, ow, scratch)
                        cols = scratch
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(n), Int32(k),
                                1, w.baseAddress, Int32(k), cols, Int32(n), 1, dst, Int32(n))
                    activation.apply(dst, count: outChannels * n)
                }
            }
        }
        return FeatureMap(data: y, batch: x.batch, channels: outChannels, height: oh, width: ow)
    }

    /// Unfolds one image into `[C·kh·kw, oh·ow]` columns, zeros where the window leaves the map.
    private func im2col(_ src: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int,
                        _ cols: UnsafeMutablePointer<Float>) {
        let p = pads(h, w)
        let n = oh * ow
        var row = 0
        for c in 0..<inChannels {
            let plane = src + c * h * w
            for ky in 0..<kernelH {
                for kx in 0..<kernelW {
                    let dst = cols + row * n
                    row += 1
                    // Output columns whose input x stays inside [0, w): ox in [x0, x1).
                    let off = kx - p.left
                    let x0 = min(ow, max(0, (-off + strideW - 1) / strideW))
                    let x1 = w - 1 - off < 0 ? x0 : max(x0, min(ow, (w - 1 - off) / strideW + 1))
                    for oy in 0..<oh {
                        let iy = oy * strideH + ky - p.top
                        let d = dst + oy * ow
                        if iy < 0 || iy >= h {
                            d.update(repeating: 0, count: ow)
                            continue
                        }
                        let s = plane + iy * w + off
                        if x0 > 0 { d.update(repeating: 0, count: x0) }
                        if strideW == 1 {
                            d.advanced(by: x0).update(from: s + x0, count: x1 - x0)
                        } else {
                            var ox = x0
                            while ox < x1 { d[ox] = s[ox * strideW]; ox += 1 }
                        }
                        if x1 < ow { (d + x1).update(repeating: 0, count: ow - x1) }
                    }
                }
            }
        }
    }
}
