/// A second forward path for `DepthwiseConv2D`, vectorised for any kernel size and stride
/// (EfficientNet's 5×5 filters, stride 1 and 2, on small maps such as 14×14 and 7×7, where the
/// row-by-row generic path of `forward` runs mostly scalar and re-reads each output row per tap).
///
/// Each padded input plane is stored as its s×s polyphase components (rows and columns split by
/// residue modulo the stride s), each `ws` floats wide. In that layout tap (ky, kx) of output
/// (oy, ox) reads component (ky mod s, kx mod s) at (oy + ⌊ky/s⌋)·ws + ox + ⌊kx/s⌋, which is
/// linear in i = oy·ws + ox: the whole plane is one flat vector of outputs (with a few junk
/// columns per row, dropped afterwards), computed 16 at a time with all k² taps accumulated in
/// registers. Results equal `forward` up to float summation order.
extension DepthwiseConv2D {
    /// Geometry of the polyphase layout for an input of `h`×`w`.
    private func polyphaseGeometry(_ h: Int, _ w: Int)
        -> (pads: (top: Int, left: Int, bottom: Int, right: Int), oh: Int, ow: Int, hs: Int, ws: Int, wide: Int, perThread: Int) {
        precondition(strideH == strideW, "DepthwiseConv2D.forwardPolyphase: equal strides only")
        let s = strideH
        let p = padding.resolve(height: h, width: w, kernelH: kernelH, kernelW: kernelW, strideH: s, strideW: s)
        let (oh, ow) = outputSize(height: h, width: w)
        let ph = max(h + p.top + p.bottom, (oh - 1) * s + kernelH)
        let pw = max(w + p.left + p.right, (ow - 1) * s + kernelW)
        let hs = (ph + s - 1) / s, ws = (pw + s - 1) / s
        let wide = ((oh - 1) * ws + ow + 15) / 16 * 16
        // Components, 16 floats of zero slack (the last chunk's junk lanes read up to 15 past
        // the end), then the flat output rows.
        return (p, oh, ow, hs, ws, wide, s * s * hs * ws + 16 + wide)
    }

    /// Scratch floats `forwardPolyphase` needs for an input of `height`×`width`.
    public func polyphaseScratchCount(height: Int, width: Int) -> Int {
        NeuralThreads.count * polyphaseGeometry(height, width).perThread
    }

    /// Same result as `forward` (within float rounding); `scratch` must hold
    /// `polyphaseScratchCount` floats. Requires equal horizontal and vertical strides.
    public func forwardPolyphase(_ x: FeatureMap, into y: UnsafeMutablePointer<Float>,
                                 scratch: UnsafeMutablePointer<Float>) -> FeatureMap {
        precondition(x.channels == channels, "DepthwiseConv2D: input has \(x.channels) channels, expected \(channels)")
        let h = x.height, w = x.width
        let g = polyphaseGeometry(h, w)
        let s = strideH, kh = kernelH, kw = kernelW
        let (oh, ow, hs, ws) = (g.oh, g.ow, g.hs, g.ws)
        let component = hs * ws
        // Offset of each tap from the output index, within the polyphase buffer.
        var taps = [Int]()
        for ky in 0..<kh {
            for kx in 0..<kw {
                taps.append(((ky % s) * s + kx % s) * component + (ky / s) * ws + kx / s)
            }
        }
        let threads = NeuralThreads.count
        let planes = x.batch * channels
        let chunk = (planes + threads - 1) / threads
        let act = activation
        let src = x.data
        let nTaps = kh * kw
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                taps.withUnsafeBufferPointer { tb in
                    let wp = wb.baseAddress!, bp = bb.baseAddress!, tp = tb.baseAddress!
                    parallelFor(threads, work: planes * oh * ow * nTaps) { t in
                        let base = scratch + t * g.perThread
                        let wide = base + s * s * component + 16
                        // Zero once: the padding positions are never written afterwards.
                        base.update(repeating: 0, count: s * s * component + 16)
                        let lo = t * chunk, hi = min(planes, lo + chunk)
                        guard lo < hi else { return }
                        for plane in lo..<hi {
                            let c = plane % channels
                            let inPlane = src + plane * h * w
                            for iy in 0..<h {
                                let py = iy + g.pads.top
                                let row = inPlane + iy * w
                                if s == 1 {
                                    (base + py * ws + g.pads.left).update(from: row, count: w)
                                } else {
                                    let rowBase = base + (py % s) * s * component + (py / s) * ws
                                    for ix in 0..<w {
                                        let px = ix + g.pads.left
                                        rowBase[(px % s) * component + px / s] = row[ix]
                                    }
                                }
                            }
                            let f = wp + c * nTaps
                            let vb = SIMD8<Float>(repeating: bp[c])
                            // 16 outputs per step: two accumulators share each tap's weight and offset.
                            var i = 0
                            while i < g.wide {
                                var acc0 = vb, acc1 = vb
                                let at = base + i
                                for k in 0..<nTaps {
                                    let wk = SIMD8<Float>(repeating: f[k])
                                    let q = UnsafeRawPointer(at + tp[k])
                                    acc0 += wk * q.loadUnaligned(as: SIMD8<Float>.self)
                                    acc1 += wk * q.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                                }
                                UnsafeMutableRawPointer(wide + i).storeBytes(of: acc0, as: SIMD8<Float>.self)
                                UnsafeMutableRawPointer(wide + i + 8).storeBytes(of: acc1, as: SIMD8<Float>.self)
                                i += 16
                            }
                            let out = y + plane * oh * ow
                            for oy in 0..<oh { (out + oy * ow).update(from: wide + oy * ws, count: ow) }
                            act.apply(out, count: oh * ow)
                        }
                    }
                }
            }
        }
        return FeatureMap(data: y, batch: x.batch, channels: channels, height: oh, width: ow)
    }
}
