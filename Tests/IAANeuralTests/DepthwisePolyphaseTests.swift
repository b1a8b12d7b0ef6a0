import IAANeural
import XCTest

/// `DepthwiseConv2D.forwardPolyphase` against the naive Double convolution.
final class DepthwisePolyphaseTests: XCTestCase {
    func testPolyphaseMatchesNaive() {
        var r = Rand(11)
        let before = NeuralThreads.count
        defer { NeuralThreads.set(before) }
        for (h, w) in [(7, 7), (14, 14), (11, 9), (5, 23), (28, 28), (1, 1), (2, 3)] {
            let (n, c) = (2, 5)
            let x = r.array(n * c * h * w), b = r.array(c)
            for threads in [1, 2] {
                NeuralThreads.set(threads)
                for (k, stride, padding) in [((5, 5), 1, Padding.same), ((5, 5), 2, .same), ((3, 3), 1, .same), ((3, 3), 2, .same),
                                             ((5, 3), 2, .same), ((5, 5), 1, .symmetric(2)), ((3, 3), 2, .valid), ((5, 5), 2, .explicit(top: 0, left: 2, bottom: 1, right: 0))] {
                    let pad = padding.resolve(height: h, width: w, kernelH: k.0, kernelW: k.1, strideH: stride, strideW: stride)
                    guard h + pad.top + pad.bottom >= k.0, w + pad.left + pad.right >= k.1 else { continue }
                    let wt = r.array(c * k.0 * k.1)
                    for act in [Activation.identity, .relu6] {
                        let dw = DepthwiseConv2D(weights: wt, bias: b, channels: c, kernel: k, stride: (stride, stride),
                                                 padding: padding, activation: act)
                        var ref = naiveConv(x, n: n, c: c, h: h, w: w, weights: wt, bias: b, outC: c, k: k,
                                            s: (stride, stride), pad: pad, groups: c)
                        if act == .relu6 { ref.out = ref.out.map { min(max($0, 0), 6) } }
                        // Exactly the advertised scratch, so the kernel must stay inside it.
                        let input = UnsafeMutablePointer<Float>.allocate(capacity: x.count)
                        let output = UnsafeMutablePointer<Float>.allocate(capacity: n * c * ref.oh * ref.ow)
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: dw.polyphaseScratchCount(height: h, width: w))
                        defer { input.deallocate(); output.deallocate(); scratch.deallocate() }
                        input.initialize(from: x, count: x.count)
                        output.initialize(repeating: .nan, count: n * c * ref.oh * ref.ow)
                        scratch.initialize(repeating: .nan, count: dw.polyphaseScratchCount(height: h, width: w))
                        let map = dw.forwardPolyphase(FeatureMap(data: input, batch: n, channels: c, height: h, width: w),
                                                      into: output, scratch: scratch)
                        XCTAssertEqual([map.height, map.width], [ref.oh, ref.ow])
                        let got = Array(UnsafeBufferPointer(start: output, count: map.count))
                        XCTAssertLessThan(maxAbsDiff(got, ref.out), 1e-5, "\(h)×\(w) k\(k) threads \(threads) stride \(stride) \(padding) \(act)")
                        XCTAssertFalse(got.contains { $0.isNaN })
                    }
                }
            }
        }
    }
}
