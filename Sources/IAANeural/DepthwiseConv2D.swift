/// A depthwise 2-D convolution (groups = channels, one k×k filter per channel) over NCHW maps.
///
/// Each plane is copied once into a zero-padded scratch plane; every output row then
/// accumulates k·k shifted rows of it (`out[ox] += w · in[ox·s + kx]`), loops over raw pointers
/// without bounds checks that the compiler vectorises for stride 1. Planes are spread over
/// `NeuralThreads.count` threads.
public struct DepthwiseConv2D: Sendable {
    /// Channels (one filter each).
    public let channels: Int
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
    /// `[channels, kernelH, kernelW]` (ONNX `[C, 1, kh, kw]`, Keras `[kh, kw, C, 1]` transposed).
    public let weights: [Float]
    /// `[channels]`.
    public let bias: [Float]

    /// `weights` as `[channels, kernelH, kernelW]`; `bias` defaults to zeros.
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
                    let split = kh == 3 && kw == 3 && sw == 2 && (sh == 1 || sh == 2)
                    let fast = kh == 3 && kw == 3 && (sw == 1 || split)
                    let half = (pw + 1) / 2
                    for plane in lo..<hi {
                        let c = plane % channels
                        let inPlane = src + plane * h * w
                        if split {
                            // Stride 2: store each padded row as its even columns then its odd
                            // columns, so every tap reads contiguous memory.
                            // Input x lands in padded column x + left: even columns first.
                            let firstEven = p.left & 1, firstOdd = 1 - firstEven
                            let evenCount = (w - firstEven + 1) / 2, oddCount = (w - firstOdd + 1) / 2
                            let evenAt = (firstEven + p.left) >> 1, oddAt = half + ((firstOdd + p.left) >> 1)
                            for iy in 0..<h {
                                let row = padded + (iy + p.top) * pw
                                let s = inPlane + iy * w
                                let se = s + firstEven, de = row + evenAt
                                for j in 0..<evenCount { de[j] = se[2 * j] }
                                let so = s + firstOdd, dO = row + oddAt
                                for j in 0..<oddCount { dO[j] = so[2 * j] }
                            }
                        } else {
                            for iy in 0..<h {
                                (padded + (iy + p.top) * pw + p.left).update(from: inPlane + iy * w, count: w)
                            }
                        }
                        let filt = wp + c * kh * kw
                        let out = y + plane * oh * ow
                        let b = bp[c]
                        if fast {
                            depthwise3x3Rows(padded, pw: pw, half: half, split: split, strideH: sh, filter: filt,
                                             bias: b, out: out, oh: oh, ow: ow, activation: act)
                            continue
                        }
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

/// The 3×3 depthwise inner kernel: each output row is bias + Σ of nine taps, computed eight
/// columns at a time with SIMD, then the activation over the row.
/// `split`: rows hold even columns then odd columns (horizontal stride 2); else stride 1.
@inline(__always)
private func depthwise3x3Rows(_ padded: UnsafeMutablePointer<Float>, pw: Int, half: Int, split: Bool, strideH: Int,
                              filter f: UnsafePointer<Float>, bias: Float, out: UnsafeMutablePointer<Float>,
                              oh: Int, ow: Int, activation: Activation) {
    let w0 = f[0], w1 = f[1], w2 = f[2], w3 = f[3], w4 = f[4], w5 = f[5], w6 = f[6], w7 = f[7], w8 = f[8]
    let v0 = SIMD8<Float>(repeating: w0), v1 = SIMD8<Float>(repeating: w1), v2 = SIMD8<Float>(repeating: w2)
    let v3 = SIMD8<Float>(repeating: w3), v4 = SIMD8<Float>(repeating: w4), v5 = SIMD8<Float>(repeating: w5)
    let v6 = SIMD8<Float>(repeating: w6), v7 = SIMD8<Float>(repeating: w7), v8 = SIMD8<Float>(repeating: w8)
    let vb = SIMD8<Float>(repeating: bias)
    // Tap offsets within a row for kx = 0, 1, 2.
    let t0 = 0, t1 = split ? half : 1, t2 = split ? 1 : 2
    @inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    for oy in 0..<oh {
        let r0 = padded + oy * strideH * pw, r1 = r0 + pw, r2 = r1 + pw
        let o = out + oy * ow
        var ox = 0
        while ox + 8 <= ow {
            var a = vb
            a += v0 * load(r0 + t0 + ox) + v1 * load(r0 + t1 + ox) + v2 * load(r0 + t2 + ox)
            a += v3 * load(r1 + t0 + ox) + v4 * load(r1 + t1 + ox) + v5 * load(r1 + t2 + ox)
            a += v6 * load(r2 + t0 + ox) + v7 * load(r2 + t1 + ox) + v8 * load(r2 + t2 + ox)
            UnsafeMutableRawPointer(o + ox).storeBytes(of: a, as: SIMD8<Float>.self)
            ox += 8
        }
        while ox < ow {
            var a = bias
            a += w0 * r0[t0 + ox] + w1 * r0[t1 + ox] + w2 * r0[t2 + ox]
            a += w3 * r1[t0 + ox] + w4 * r1[t1 + ox] + w5 * r1[t2 + ox]
            a += w6 * r2[t0 + ox] + w7 * r2[t1 + ox] + w8 * r2[t2 + ox]
            o[ox] = a
            ox += 1
        }
        // The row is in L1; a separate vectorised pass is cheaper than SIMD min/max here.
        activation.apply(o, count: ow)
    }
}
