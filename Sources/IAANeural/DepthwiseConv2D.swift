/// A depthwise 2-D convolution (groups = channels, one k×k filter per channel) over NCHW maps.
///
/// Each plane is copied once into a zero-padded scratch plane; every output row then
/// accumulates k·k shifted rows of it (`out[ox] += w · in[ox·s + kx]`), loops over raw pointers
/// without bounds checks that the compiler vectorises for stride 1. Planes are spread over
/// `NeuralThreads.count` threads.
public struct DepthwiseConv2D: Sendable {
    public let channels: Int
    public let kernelH: Int
    public let kernelW: Int
    public let strideH: Int
    public let strideW: Int
    public let padding: Padding
    public let activation: Activation
    /// `[channels, kernelH, kernelW]` (ONNX `[C, 1, kh, kw]`, Keras `[kh, kw, C, 1]` transposed).
    public let weights: [Float]
    /// `[channels]`.
    public let bias: [Float]

    public init(weights: [Float], bias: [Float]?, channels: Int, kernel: (Int, Int),
                stride: (Int, Int) = (1, 1), padding: Padding = .valid, activation: Activation = .identity) {
        precondition(weights.count == channels * kernel.0 * kernel.1,
                     "DepthwiseConv2D: \(weights.count) weights for \(channels)×\(kernel.0)×\(kernel.1)")
        precondition(bias == nil || bias!.count == channels)
        self.channels = channels
        self.kernelH = kernel.0
        self.kernelW = kernel.1
        self.strideH = stride.0
        self.strideW = stride.1
        self.padding = padding
        self.activation = activation
        self.weights = weights
        self.bias = bias ?? [Float](repeating: 0, count: channels)
    }

    /// Folds `bn` into the weights and bias.
    public func folding(_ bn: BatchNorm) -> DepthwiseConv2D {
        let (w, b) = bn.fold(weights: weights, bias: bias)
        return DepthwiseConv2D(weights: w, bias: b, channels: channels, kernel: (kernelH, kernelW),
                               stride: (strideH, strideW), padding: padding, activation: activation)
    }

    private func pads(_ h: Int, _ w: Int) -> (top: Int, left: Int, bottom: Int, right: Int) {
        padding.resolve(height: h, width: w, kernelH: kernelH, kernelW: kernelW, strideH: strideH, strideW: strideW)
    }

    /// Output height and width for an input of `height`×`width`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let p = pads(height, width)
        return (slidingOutput(height, p.top, p.bottom, kernelH, strideH), slidingOutput(width, p.left, p.right, kernelW, strideW))
    }

    /// Scratch floats `forward` needs: one padded plane per thread.
    public func scratchCount(height: Int, width: Int) -> Int {
        let p = pads(height, width)
        let (oh, ow) = outputSize(height: height, width: width)
        // The padded plane must also cover the last window, which may reach past the padding.
        let ph = max(height + p.top + p.bottom, (oh - 1) * strideH + kernelH)
        let pw = max(width + p.left + p.right, (ow - 1) * strideW + kernelW)
        return NeuralThreads.count * ph * pw
    }

    /// Convolves `x` into `y` (batch × channels × oh × ow floats, not overlapping `x`).
    public func forward(_ x: FeatureMap, into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> FeatureMap {
        precondition(x.channels == channels, "DepthwiseConv2D: input has \(x.channels) channels, expected \(channels)")
        let h = x.height, w = x.width
        let p = pads(h, w)
        let (oh, ow) = outputSize(height: h, width: w)
        let ph = max(h + p.top + p.bottom, (oh - 1) * strideH + kernelH)
        let pw = max(w + p.left + p.right, (ow - 1) * strideW + kernelW)
        let threads = NeuralThreads.count
        let planes = x.batch * channels
        let kh = kernelH, kw = kernelW, sh = strideH, sw = strideW
        let act = activation
        let src = x.data
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                let wp = wb.baseAddress!, bp = bb.baseAddress!
                // Each thread gets a contiguous run of planes and its own padded plane.
                let chunk = (planes + threads - 1) / threads
                parallelFor(threads, work: planes * oh * ow * kh * kw) { t in
                    let padded = scratch + t * ph * pw
                    padded.update(repeating: 0, count: ph * pw)
                    let lo = t * chunk, hi = min(planes, lo + chunk)
                    guard lo < hi else { return }
                    for plane in lo..<hi {
                        let c = plane % channels
                        let inPlane = src + plane * h * w
                        for iy in 0..<h {
                            (padded + (iy + p.top) * pw + p.left).update(from: inPlane + iy * w, count: w)
                        }
                        let filt = wp + c * kh * kw
                        let out = y + plane * oh * ow
                        let b = bp[c]
                        for oy in 0..<oh {
                            let o = out + oy * ow
                            for ox in 0..<ow { o[ox] = b }
                            for ky in 0..<kh {
                                let r = padded + (oy * sh + ky) * pw
                                for kx in 0..<kw {
                                    let wt = filt[ky * kw + kx]
                                    let s = r + kx
                                    if sw == 1 {
                                        for ox in 0..<ow { o[ox] += wt * s[ox] }
                                    } else {
                                        for ox in 0..<ow { o[ox] += wt * s[ox * sw] }
                                    }
                                }
                            }
                            act.apply(o, count: ow)
                        }
                    }
                }
            }
        }
        return FeatureMap(data: y, batch: x.batch, channels: channels, height: oh, width: ow)
    }
}
