import IAANeural

/// Deterministic pseudo-random values in [-1, 1) (xorshift), so failures reproduce.
struct Rand {
    var s: UInt64
    init(_ seed: UInt64) { s = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Float {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        return Float(s >> 40) / Float(1 << 23) - 1
    }
    mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
}

/// Straightforward grouped convolution with explicit per-side padding, in Double, used as the
/// ground truth for the optimised kernels. Weights OIHW with I = C / groups.
func naiveConv(_ x: [Float], n: Int, c: Int, h: Int, w: Int, weights: [Float], bias: [Float], outC: Int,
               k: (Int, Int), s: (Int, Int), pad: (top: Int, left: Int, bottom: Int, right: Int), groups: Int = 1) -> (out: [Float], oh: Int, ow: Int) {
    let oh = (h + pad.top + pad.bottom - k.0) / s.0 + 1
    let ow = (w + pad.left + pad.right - k.1) / s.1 + 1
    let cin = c / groups, coutPerGroup = outC / groups
    var out = [Float](repeating: 0, count: n * outC * oh * ow)
    for b in 0..<n {
        for o in 0..<outC {
            let g = o / coutPerGroup
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var acc = Double(bias[o])
                    for ci in 0..<cin {
                        for ky in 0..<k.0 {
                            for kx in 0..<k.1 {
                                let iy = oy * s.0 + ky - pad.top, ix = ox * s.1 + kx - pad.left
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                let xv = x[((b * c + g * cin + ci) * h + iy) * w + ix]
                                acc += Double(xv) * Double(weights[((o * cin + ci) * k.0 + ky) * k.1 + kx])
                            }
                        }
                    }
                    out[((b * outC + o) * oh + oy) * ow + ox] = Float(acc)
                }
            }
        }
    }
    return (out, oh, ow)
}

/// Runs `body` with a FeatureMap over a copy of `values` and returns the output values.
func withMap(_ values: [Float], n: Int, c: Int, h: Int, w: Int,
             _ body: (FeatureMap, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> FeatureMap) -> (values: [Float], map: FeatureMap) {
    let input = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
    let output = UnsafeMutablePointer<Float>.allocate(capacity: 1 << 16)
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 1 << 16)
    defer { input.deallocate(); output.deallocate(); scratch.deallocate() }
    input.initialize(from: values, count: values.count)
    output.initialize(repeating: .nan, count: 1 << 16)
    let y = body(FeatureMap(data: input, batch: n, channels: c, height: h, width: w), output, scratch)
    return (Array(UnsafeBufferPointer(start: y.data, count: y.count)), y)
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
