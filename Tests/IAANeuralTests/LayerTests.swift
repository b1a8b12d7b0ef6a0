import IAANeural
import XCTest

final class LayerTests: XCTestCase {
    func testSamePaddingPutsOddPixelBottomRight() {
        // 5 rows, k3 s2: out 3, total (3−1)·2+3−5 = 2 → 1/1. 6 cols: out 3, total 1 → 0/1.
        let p = Padding.same.resolve(height: 5, width: 6, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2)
        XCTAssertEqual([p.top, p.left, p.bottom, p.right], [1, 0, 1, 1])
        // Stride 1, k3: always 1/1; k1: none.
        let q = Padding.same.resolve(height: 7, width: 4, kernelH: 3, kernelW: 1, strideH: 1, strideW: 1)
        XCTAssertEqual([q.top, q.left, q.bottom, q.right], [1, 0, 1, 0])
        let s = Padding.symmetric(2).resolve(height: 1, width: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1)
        XCTAssertEqual([s.top, s.left, s.bottom, s.right], [2, 2, 2, 2])
    }

    func testConv3x3MatchesNaiveForStridesAndPaddings() {
        var r = Rand(1)
        let (n, c, h, w, o) = (2, 3, 9, 8, 5)
        let x = r.array(n * c * h * w), wt = r.array(o * c * 9), b = r.array(o)
        for (stride, padding) in [(1, Padding.symmetric(1)), (2, .symmetric(1)), (2, .same), (1, .same), (1, .valid),
                                  (2, .explicit(top: 0, left: 1, bottom: 2, right: 0))] {
            let conv = Conv2D(weights: wt, bias: b, outChannels: o, inChannels: c, kernel: (3, 3), stride: (stride, stride), padding: padding)
            let pad = padding.resolve(height: h, width: w, kernelH: 3, kernelW: 3, strideH: stride, strideW: stride)
            let ref = naiveConv(x, n: n, c: c, h: h, w: w, weights: wt, bias: b, outC: o, k: (3, 3), s: (stride, stride), pad: pad)
            let (got, map) = withMap(x, n: n, c: c, h: h, w: w) { conv.forward($0, into: $1, scratch: $2) }
            XCTAssertEqual(map.height, ref.oh); XCTAssertEqual(map.width, ref.ow)
            XCTAssertLessThan(maxAbsDiff(got, ref.out), 1e-5, "stride \(stride) \(padding)")
        }
    }

    func testPointwiseConvIsPlainMatrixProduct() {
        var r = Rand(2)
        let (n, c, h, w, o) = (3, 4, 5, 6, 7)
        let x = r.array(n * c * h * w), wt = r.array(o * c), b = r.array(o)
        let conv = Conv2D(weights: wt, bias: b, outChannels: o, inChannels: c, kernel: (1, 1))
        XCTAssertEqual(conv.scratchCount(height: h, width: w), 0)
        let ref = naiveConv(x, n: n, c: c, h: h, w: w, weights: wt, bias: b, outC: o, k: (1, 1), s: (1, 1), pad: (0, 0, 0, 0))
        let (got, _) = withMap(x, n: n, c: c, h: h, w: w) { conv.forward($0, into: $1, scratch: $2) }
        XCTAssertLessThan(maxAbsDiff(got, ref.out), 1e-5)
    }

    func testConvExactSmallCase() {
        // 1 channel 3×3 ones, kernel all ones, pad 1: each output counts the in-bounds neighbours.
        let conv = Conv2D(weights: [Float](repeating: 1, count: 9), bias: [0.5], outChannels: 1, inChannels: 1,
                          kernel: (3, 3), padding: .symmetric(1))
        let (got, _) = withMap([Float](repeating: 1, count: 9), n: 1, c: 1, h: 3, w: 3) { conv.forward($0, into: $1, scratch: $2) }
        XCTAssertEqual(got, [4.5, 6.5, 4.5, 6.5, 9.5, 6.5, 4.5, 6.5, 4.5])
    }

    /// Covers the SIMD 3×3 kernel (rows ≥ 8 wide, stride 1 and the even/odd stride-2 layout),
    /// its scalar tails, the generic k×k path (5×3 kernel) and both thread counts.
    func testDepthwiseMatchesNaive() {
        var r = Rand(3)
        let before = NeuralThreads.count
        defer { NeuralThreads.set(before) }
        for (h, w) in [(11, 9), (7, 37), (20, 16)] {
            let (n, c) = (2, 6)
            let x = r.array(n * c * h * w), b = r.array(c)
            for threads in [1, 2] {
                NeuralThreads.set(threads)
                for (k, stride, padding) in [((3, 3), 1, Padding.symmetric(1)), ((3, 3), 2, .symmetric(1)), ((3, 3), 2, .same),
                                             ((3, 3), 1, .valid), ((3, 3), 2, .valid), ((5, 3), 2, .same), ((5, 3), 1, .symmetric(2))] {
                    let wt = r.array(c * k.0 * k.1)
                    for act in [Activation.identity, .relu6] {
                        let dw = DepthwiseConv2D(weights: wt, bias: b, channels: c, kernel: k, stride: (stride, stride),
                                                 padding: padding, activation: act)
                        let pad = padding.resolve(height: h, width: w, kernelH: k.0, kernelW: k.1, strideH: stride, strideW: stride)
                        var ref = naiveConv(x, n: n, c: c, h: h, w: w, weights: wt, bias: b, outC: c, k: k,
                                            s: (stride, stride), pad: pad, groups: c)
                        if act == .relu6 { ref.out = ref.out.map { min(max($0, 0), 6) } }
                        let (got, map) = withMap(x, n: n, c: c, h: h, w: w) { dw.forward($0, into: $1, scratch: $2) }
                        XCTAssertEqual([map.height, map.width], [ref.oh, ref.ow])
                        XCTAssertLessThan(maxAbsDiff(got, ref.out), 1e-5, "\(h)×\(w) k\(k) threads \(threads) stride \(stride) \(padding) \(act)")
                    }
                }
            }
        }
    }

    func testBatchNormFoldingEqualsConvThenNorm() {
        var r = Rand(4)
        let (c, o) = (3, 4)
        let x = r.array(c * 5 * 5), wt = r.array(o * c * 9)
        let bn = BatchNorm(gamma: r.array(o), beta: r.array(o), mean: r.array(o), variance: r.array(o).map { abs($0) + 0.1 }, epsilon: 1e-3)
        let plain = Conv2D(weights: wt, bias: nil, outChannels: o, inChannels: c, kernel: (3, 3), padding: .symmetric(1))
        let folded = plain.folding(bn)
        let (a, _) = withMap(x, n: 1, c: c, h: 5, w: 5) { plain.forward($0, into: $1, scratch: $2) }
        let (f, _) = withMap(x, n: 1, c: c, h: 5, w: 5) { folded.forward($0, into: $1, scratch: $2) }
        for ch in 0..<o {
            let s = bn.gamma[ch] / (bn.variance[ch] + 1e-3).squareRoot()
            for i in 0..<25 {
                XCTAssertEqual(f[ch * 25 + i], (a[ch * 25 + i] - bn.mean[ch]) * s + bn.beta[ch], accuracy: 1e-5)
            }
        }
    }

    func testActivations() {
        var v: [Float] = [-2, -0.5, 0, 3, 7]
        v.withUnsafeMutableBufferPointer { Activation.relu6.apply($0.baseAddress!, count: 5) }
        XCTAssertEqual(v, [0, 0, 0, 3, 6])
        var u: [Float] = [-2, 0, 9]
        u.withUnsafeMutableBufferPointer { Activation.relu.apply($0.baseAddress!, count: 3) }
        XCTAssertEqual(u, [0, 0, 9])
        var s: [Float] = [0, 2]
        s.withUnsafeMutableBufferPointer { Activation.sigmoid.apply($0.baseAddress!, count: 2) }
        XCTAssertEqual(s[0], 0.5)
        XCTAssertEqual(s[1], 1 / (1 + expf(-2)), accuracy: 1e-7)
    }

    func testSoftmaxRows() {
        // Row 0 would overflow without the max shift; row 1 is exp-proportional to 1, 2, 3.
        var m: [Float] = [1000, 1000, 0, 0, Float(log(2.0)), Float(log(3.0))]
        m.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: 2, cols: 3) }
        XCTAssertEqual(m[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(m[1], 0.5, accuracy: 1e-7)
        XCTAssertEqual(m[2], 0, accuracy: 1e-7)
        XCTAssertEqual(m[3], 1.0 / 6, accuracy: 1e-6)
        XCTAssertEqual(m[4], 2.0 / 6, accuracy: 1e-6)
        XCTAssertEqual(m[5], 3.0 / 6, accuracy: 1e-6)
    }

    func testMaxPoolExact() {
        let x: [Float] = [1, 5, 2, 0, 9,
                          3, 4, 8, 1, 9,
                          0, 0, 7, 6, 9,
                          2, 1, 0, 5, 9]
        let (got, map) = withMap(x.map { -$0 } + x, n: 2, c: 1, h: 4, w: 5) { x, y, _ in MaxPool2D(kernel: 2, stride: 2).forward(x, into: y) }
        XCTAssertEqual([map.height, map.width], [2, 2])  // floor: last column dropped
        XCTAssertEqual(got, [-1, 0, 0, 0, 5, 8, 2, 7])  // image 0 negated: max = least magnitude
    }

    func testMaxPoolGenericWindow() {
        // 3×3 window, stride 2 on a 5×5 ramp: maxima are the bottom-right corners of each window.
        let x = (0..<25).map(Float.init)
        let (got, map) = withMap(x, n: 1, c: 1, h: 5, w: 5) { x, y, _ in MaxPool2D(kernel: 3, stride: 2).forward(x, into: y) }
        XCTAssertEqual([map.height, map.width], [2, 2])
        XCTAssertEqual(got, [12, 14, 22, 24])
    }

    func testGlobalAveragePoolExact() {
        let x: [Float] = [1, 2, 3, 4, 10, 20, 30, 40]
        let (got, map) = withMap(x, n: 1, c: 2, h: 2, w: 2) { x, y, _ in globalAveragePool(x, into: y) }
        XCTAssertEqual(map.channels, 2)
        XCTAssertEqual(got, [2.5, 25])
    }

    func testUpsampleNearestExact() {
        let (got, map) = withMap([1, 2, 3, 4, 5, 6], n: 1, c: 1, h: 2, w: 3) { x, y, _ in upsampleNearest(x, factor: 2, into: y) }
        XCTAssertEqual([map.height, map.width], [4, 6])
        XCTAssertEqual(got, [1, 1, 2, 2, 3, 3,
                             1, 1, 2, 2, 3, 3,
                             4, 4, 5, 5, 6, 6,
                             4, 4, 5, 5, 6, 6])
    }

    func testAddInPlace() {
        var a: [Float] = [1, 2, 3, 4], b: [Float] = [10, 20, 30, 40]
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                addInPlace(FeatureMap(data: pa.baseAddress!, batch: 1, channels: 1, height: 2, width: 2),
                           FeatureMap(data: pb.baseAddress!, batch: 1, channels: 1, height: 2, width: 2))
            }
        }
        XCTAssertEqual(a, [11, 22, 33, 44])
    }

    func testDenseExact() {
        // W = [[1, 2], [3, 4], [5, 6]], b = [0.5, 0, -1]; rows x = [1, 1], [2, -1].
        let d = Dense(weights: [1, 2, 3, 4, 5, 6], bias: [0.5, 0, -1], inFeatures: 2, outFeatures: 3)
        var y = [Float](repeating: 0, count: 6)
        let x: [Float] = [1, 1, 2, -1]
        y.withUnsafeMutableBufferPointer { d.forward(x, batch: 2, into: $0.baseAddress!) }
        XCTAssertEqual(y, [3.5, 7, 10, 0.5, 2, 3])
    }

    func testWorkspaceReusesBuffers() {
        let ws = Workspace()
        let a = ws.buffer(0, count: 100)
        XCTAssertEqual(ws.buffer(0, count: 50), a)
        XCTAssertEqual(ws.buffer(0, count: 100), a)
        _ = ws.buffer(0, count: 200)
        XCTAssertEqual(ws.reservedFloats, 200)
    }
}
