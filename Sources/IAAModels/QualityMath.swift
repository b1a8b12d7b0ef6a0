import Foundation

// Numerical building blocks shared by BRISQUE and NIQE. Each one reproduces the reference
// implementation it names operation for operation (float32 rounding, order of sums, borders),
// because both models are sensitive to it: in flat image areas the local variance is a
// difference of two nearly equal float32 numbers, and whether it comes out as +1 ulp, 0 or a
// negative value decides whether a pixel counts in the model's statistics.

/// A float32 fused multiply-add, a·b + c with one rounding. The product of two floats is exact in
/// double and the double sum is rounded once more to float, which equals the fused result except
/// in rare double-rounding ties; unlike `Float.addingProduct` it needs no FMA instruction (so it
/// stays fast on baseline x86-64) and vectorizes.
@inline(__always) func fusedMultiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    Float(Double(a) * Double(b) + Double(c))
}

// MARK: - OpenCV 4 float32 primitives (the portable, non-IPP code paths)

enum OpenCVFloat {
    /// `cv::getGaussianKernel(7, 7/6, CV_32F)`: computed in double, normalized, rounded to float.
    static let gaussian7: [Float] = {
        let sigma = 7.0 / 6.0
        let t = (0..<7).map { i -> Double in let x = Double(i - 3); return exp(-x * x / (2 * sigma * sigma)) }
        let sum = t.reduce(0, +)
        return t.map { Float($0 / sum) }
    }()

    /// `cv::GaussianBlur(src, dst, Size(7, 7), 7/6, 0, BORDER_REPLICATE)` on a float32 plane,
    /// as OpenCV's AVX2 separable filter computes it: the row pass accumulates the 7 taps left to
    /// right with fused multiply-adds; the column pass (symmetric kernel) starts from the centre
    /// tap and adds the sums of mirrored rows, fused for columns in whole 8-lane vectors and
    /// unfused for the remaining columns.
    static func gaussianBlur7(_ src: [Float], width w: Int, height h: Int) -> [Float] {
        let k = gaussian7
        let kd = k.map { SIMD4<Double>(repeating: Double($0)) }
        var rows = [Float](repeating: 0, count: w * h)
        var padded = [Float](repeating: 0, count: w + 6 + 4)
        let (t0, t1, t2, t3, t4, t5, t6) = (k[0], k[1], k[2], k[3], k[4], k[5], k[6])
        src.withUnsafeBufferPointer { s in
            rows.withUnsafeMutableBufferPointer { r in
                padded.withUnsafeMutableBufferPointer { p in
                    let pp = UnsafeRawPointer(p.baseAddress!)
                    let rp = UnsafeMutableRawPointer(r.baseAddress!)
                    for y in 0..<h {
                        let row = y &* w
                        for x in 0..<w { p[x &+ 3] = s[row &+ x] }
                        for x in 0..<3 { p[x] = s[row]; p[w &+ 3 &+ x] = s[row &+ w &- 1] }
                        var x = 0
                        while x &+ 4 <= w {
                            @inline(__always) func tap(_ t: Int) -> SIMD4<Double> {
                                SIMD4<Double>(pp.loadUnaligned(fromByteOffset: 4 &* (x &+ t), as: SIMD4<Float>.self))
                            }
                            var acc = SIMD4<Float>(tap(0) * kd[0])
                            for t in 1..<7 { acc = SIMD4<Float>(tap(t) * kd[t] + SIMD4<Double>(acc)) }
                            rp.storeBytes(of: acc, toByteOffset: 4 &* (row &+ x), as: SIMD4<Float>.self)
                            x &+= 4
                        }
                        while x < w {
                            var acc = p[x] * t0
                            acc = fusedMultiplyAdd(p[x &+ 1], t1, acc)
                            acc = fusedMultiplyAdd(p[x &+ 2], t2, acc)
                            acc = fusedMultiplyAdd(p[x &+ 3], t3, acc)
                            acc = fusedMultiplyAdd(p[x &+ 4], t4, acc)
                            acc = fusedMultiplyAdd(p[x &+ 5], t5, acc)
                            r[row &+ x] = fusedMultiplyAdd(p[x &+ 6], t6, acc)
                            x &+= 1
                        }
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: w * h)
        let vectorEnd = (w / 8) * 8
        let kc = k[3], k1 = k[2], k2 = k[1], k3 = k[0]
        let kcv = SIMD4<Float>(repeating: kc)
        rows.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
                let rp = UnsafeRawPointer(r.baseAddress!)
                let op = UnsafeMutableRawPointer(o.baseAddress!)
                for y in 0..<h {
                    let c = y &* w
                    let u1 = max(y - 1, 0) &* w, d1 = min(y + 1, h - 1) &* w
                    let u2 = max(y - 2, 0) &* w, d2 = min(y + 2, h - 1) &* w
                    let u3 = max(y - 3, 0) &* w, d3 = min(y + 3, h - 1) &* w
                    var x = 0
                    while x < vectorEnd {
                        @inline(__always) func load(_ at: Int) -> SIMD4<Float> {
                            rp.loadUnaligned(fromByteOffset: 4 &* (at &+ x), as: SIMD4<Float>.self)
                        }
                        var acc = load(c) * kcv
                        acc = SIMD4<Float>(SIMD4<Double>(load(u1) + load(d1)) * kd[2] + SIMD4<Double>(acc))
                        acc = SIMD4<Float>(SIMD4<Double>(load(u2) + load(d2)) * kd[1] + SIMD4<Double>(acc))
                        acc = SIMD4<Float>(SIMD4<Double>(load(u3) + load(d3)) * kd[0] + SIMD4<Double>(acc))
                        op.storeBytes(of: acc, toByteOffset: 4 &* (c &+ x), as: SIMD4<Float>.self)
                        x &+= 4
                    }
                    while x < w {
                        var acc = r[c &+ x] * kc
                        acc = acc + (r[u1 &+ x] + r[d1 &+ x]) * k1
                        acc = acc + (r[u2 &+ x] + r[d2 &+ x]) * k2
                        acc = acc + (r[u3 &+ x] + r[d3 &+ x]) * k3
                        o[c &+ x] = acc
                        x &+= 1
                    }
                }
            }
        }
        return out
    }

    /// `cv::resize(src, dst, Size(ow, oh), 0, 0, INTER_CUBIC)` on a float32 plane without IPP:
    /// Keys cubic with a = −0.75, pixel-centre alignment, replicated borders; the horizontal pass
    /// sums the four taps left to right, the vertical pass right to left in 4-lane vectors and
    /// left to right for the last `ow mod 4` columns (OpenCV's `VResizeCubicVec_32f`).
    static func resizeCubic(_ src: [Float], width w: Int, height h: Int, toWidth ow: Int, height oh: Int) -> [Float] {
        if ow == w && oh == h { return src }
        let (xi, xw) = cubicTaps(inLength: w, outLength: ow)
        let (yi, yw) = cubicTaps(inLength: h, outLength: oh)
        var horizontal = [Float](repeating: 0, count: ow * h)
        src.withUnsafeBufferPointer { s in
            horizontal.withUnsafeMutableBufferPointer { d in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<ow {
                        let i = 4 * x
                        d[y * ow + x] = ((s[row + xi[i]] * xw[i] + s[row + xi[i + 1]] * xw[i + 1])
                            + s[row + xi[i + 2]] * xw[i + 2]) + s[row + xi[i + 3]] * xw[i + 3]
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: ow * oh)
        let vectorEnd = (ow / 4) * 4
        horizontal.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for y in 0..<oh {
                    let j = 4 * y
                    let r0 = yi[j] * ow, r1 = yi[j + 1] * ow, r2 = yi[j + 2] * ow, r3 = yi[j + 3] * ow
                    let b0 = yw[j], b1 = yw[j + 1], b2 = yw[j + 2], b3 = yw[j + 3]
                    for x in 0..<vectorEnd {
                        var t = s[r3 + x] * b3
                        t = s[r2 + x] * b2 + t
                        t = s[r1 + x] * b1 + t
                        d[y * ow + x] = s[r0 + x] * b0 + t
                    }
                    for x in vectorEnd..<ow {
                        d[y * ow + x] = ((s[r0 + x] * b0 + s[r1 + x] * b1) + s[r2 + x] * b2) + s[r3 + x] * b3
                    }
                }
            }
        }
        return out
    }

    /// Source indices (clamped) and float weights, four per output sample, as `cv::resize` builds them.
    static func cubicTaps(inLength n: Int, outLength m: Int) -> ([Int], [Float]) {
        let scale = 1.0 / (Double(m) / Double(n))
        var idx = [Int](repeating: 0, count: 4 * m)
        var wts = [Float](repeating: 0, count: 4 * m)
        let a: Float = -0.75
        for d in 0..<m {
            var fx = Float((Double(d) + 0.5) * scale - 0.5)
            let sx = Int(fx.rounded(.down))
            fx -= Float(sx)
            let x1 = fx + 1, omx = 1 - fx
            let c0 = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
            let c1 = ((a + 2) * fx - (a + 3)) * fx * fx + 1
            let c2 = ((a + 2) * omx - (a + 3)) * omx * omx + 1
            let c3 = 1 - c0 - c1 - c2
            let cs = [c0, c1, c2, c3]
            for k in 0..<4 {
                idx[4 * d + k] = min(max(sx - 1 + k, 0), n - 1)
                wts[4 * d + k] = cs[k]
            }
        }
        return (idx, wts)
    }
}

// MARK: - Shape-parameter look-up for generalized Gaussian fits

/// The ratio ρ(α) = Γ(2/α)² / (Γ(1/α) Γ(3/α)) on the grid α = 0.2, 0.201, …, which both models
/// invert by search: an (asymmetric) generalized Gaussian's shape α is the grid value whose ρ is
/// closest to the sample's normalized moment ratio. ρ increases with α, so the closest grid
/// value is found by bisection instead of the references' linear scans.
struct ShapeGrid: Sendable {
    let alphas: [Double]
    let ratios: [Double]

    /// OpenCV's grid: `for (double gam = 0.2; gam < 10; gam += 0.001)` (accumulated in double).
    static let opencv: ShapeGrid = {
        var alphas: [Double] = []
        var g = 0.2
        while g < 10 { alphas.append(g); g += 0.001 }
        return ShapeGrid(alphas: alphas, ratios: alphas.map { tgamma(2 / $0) * tgamma(2 / $0) / (tgamma(1 / $0) * tgamma(3 / $0)) })
    }()

    /// BasicSR's grid: `np.arange(0.2, 10.001, 0.001)` (0.2 + i·0.001, 9801 values), with ρ
    /// computed through the reciprocal as numpy does.
    static let basicsr: ShapeGrid = {
        let alphas = (0..<9801).map { 0.2 + Double($0) * 0.001 }
        return ShapeGrid(alphas: alphas, ratios: alphas.map { g in
            let r = 1 / g
            let a = tgamma(r * 2)
            return a * a / (tgamma(r) * tgamma(r * 3))
        })
    }()

    /// First index whose ratio is ≥ `x` (`ratios.count` if none).
    private func lowerBound(_ x: Double) -> Int {
        var lo = 0, hi = ratios.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ratios[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// OpenCV's search: walks up the grid until |ρ − x| grows, so among equally close values
    /// the larger α wins; a NaN target walks to the end of the grid.
    func opencvIndex(_ x: Double) -> Int {
        if x.isNaN { return alphas.count - 1 }
        let i = lowerBound(x)
        if i == 0 { return 0 }
        if i == ratios.count { return ratios.count - 1 }
        return (ratios[i] - x) > (x - ratios[i - 1]) ? i - 1 : i
    }

    /// numpy's `argmin((ρ − x)²)`: the first of equally close values; NaN targets give index 0.
    func argminIndex(_ x: Double) -> Int {
        if x.isNaN { return 0 }
        let i = lowerBound(x)
        if i == 0 { return 0 }
        if i == ratios.count { return ratios.count - 1 }
        let below = (x - ratios[i - 1]) * (x - ratios[i - 1]), above = (ratios[i] - x) * (ratios[i] - x)
        return above < below ? i : i - 1
    }
}

// MARK: - MATLAB-style resizing and filtering (NIQE)

enum MatlabImage {
    /// MATLAB `imresize(img, 0.5)` (bicubic a = −0.5 with antialiasing, symmetric borders) on a
    /// float32 plane: each output sample mixes 8 inputs with fixed weights; rows first, then
    /// columns (BasicSR's `imresize`, whose tensors are float32).
    static func halve(_ src: [Float], width w: Int, height h: Int) -> (pixels: [Float], width: Int, height: Int) {
        let ow = (w + 1) / 2, oh = (h + 1) / 2
        let weights = halfWeights
        func index(_ i: Int, _ n: Int) -> Int {
            var j = i
            if j < 0 { j = -j - 1 }
            if j >= n { j = 2 * n - 1 - j }
            return min(max(j, 0), n - 1)
        }
        var rows = [Float](repeating: 0, count: w * oh)
        for o in 0..<oh {
            let taps = (0..<8).map { index(2 * o - 3 + $0, h) * w }
            for x in 0..<w {
                var acc = 0.0
                for t in 0..<8 { acc += Double(src[taps[t] + x]) * weights[t] }
                rows[o * w + x] = Float(acc)
            }
        }
        var out = [Float](repeating: 0, count: ow * oh)
        let taps = (0..<ow).map { o in (0..<8).map { index(2 * o - 3 + $0, w) } }
        for y in 0..<oh {
            let row = y * w
            for o in 0..<ow {
                var acc = 0.0
                let tp = taps[o]
                for t in 0..<8 { acc += Double(rows[row + tp[t]]) * weights[t] }
                out[y * ow + o] = Float(acc)
            }
        }
        return (out, ow, oh)
    }

    /// The 8 antialiased cubic weights at scale ½: ½·k(d/2) for d = 3.5, 2.5, …, −3.5 with Keys'
    /// a = −0.5 kernel (they are exact binary fractions summing to 1).
    static let halfWeights: [Double] = {
        func cubic(_ x: Double) -> Double {
            let a = abs(x), a2 = a * a, a3 = a2 * a
            if a <= 1 { return 1.5 * a3 - 2.5 * a2 + 1 }
            if a <= 2 { return -0.5 * a3 + 2.5 * a2 - 4 * a + 2 }
            return 0
        }
        let w = (0..<8).map { 0.5 * cubic((3.5 - Double($0)) * 0.5) }
        let s = w.reduce(0, +)
        return w.map { $0 / s }
    }()

    /// Convolution with a separable 7-tap kernel and replicated borders (`scipy.ndimage.convolve`
    /// with `mode='nearest'`), computed in double and stored as float32 like scipy does for a
    /// float32 input.
    static func convolveReplicate(_ src: [Float], width w: Int, height h: Int, kernel k: [Double]) -> [Float] {
        precondition(k.count == 7, "a 7-tap kernel")
        let kv = k.map { SIMD4<Double>(repeating: $0) }
        var tmp = [Double](repeating: 0, count: w * h + 4)
        var padded = [Double](repeating: 0, count: w + 6 + 4)
        src.withUnsafeBufferPointer { s in
            tmp.withUnsafeMutableBufferPointer { t in
                padded.withUnsafeMutableBufferPointer { p in
                    let pp = UnsafeRawPointer(p.baseAddress!)
                    let tp = UnsafeMutableRawPointer(t.baseAddress!)
                    for y in 0..<h {
                        let row = y &* w
                        for x in 0..<w { p[x &+ 3] = Double(s[row &+ x]) }
                        for x in 0..<3 { p[x] = Double(s[row]); p[w &+ 3 &+ x] = Double(s[row &+ w &- 1]) }
                        var x = 0
                        while x < w {  // the buffers have 4 spare values, so the last group may overrun
                            var acc = kv[0] * pp.loadUnaligned(fromByteOffset: 8 &* x, as: SIMD4<Double>.self)
                            for i in 1..<7 {
                                acc += kv[i] * pp.loadUnaligned(fromByteOffset: 8 &* (x &+ i), as: SIMD4<Double>.self)
                            }
                            tp.storeBytes(of: acc, toByteOffset: 8 &* (row &+ x), as: SIMD4<Double>.self)
                            x &+= 4
                        }
                    }
                }
            }
        }
        var out = [Float](repeating: 0, count: w * h)
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                let tp = UnsafeRawPointer(t.baseAddress!)
                for y in 0..<h {
                    let rows = (0..<7).map { min(max(y + $0 - 3, 0), h - 1) &* w }
                    let (r0, r1, r2, r3, r4, r5, r6) = (rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6])
                    var x = 0
                    while x &+ 4 <= w {
                        @inline(__always) func load(_ r: Int) -> SIMD4<Double> {
                            tp.loadUnaligned(fromByteOffset: 8 &* (r &+ x), as: SIMD4<Double>.self)
                        }
                        var acc = kv[0] * load(r0)
                        acc += kv[1] * load(r1); acc += kv[2] * load(r2); acc += kv[3] * load(r3)
                        acc += kv[4] * load(r4); acc += kv[5] * load(r5); acc += kv[6] * load(r6)
                        for l in 0..<4 { o[y &* w &+ x &+ l] = Float(acc[l]) }
                        x &+= 4
                    }
                    while x < w {
                        var acc = k[0] * t[r0 &+ x]
                        acc += k[1] * t[r1 &+ x]; acc += k[2] * t[r2 &+ x]; acc += k[3] * t[r3 &+ x]
                        acc += k[4] * t[r4 &+ x]; acc += k[5] * t[r5 &+ x]; acc += k[6] * t[r6 &+ x]
                        o[y &* w &+ x] = Float(acc)
                        x &+= 1
                    }
                }
            }
        }
        return out
    }
}

// MARK: - Linear algebra

enum SymmetricMatrix {
    /// Moore–Penrose pseudo-inverse of a symmetric n×n matrix (row-major), by cyclic Jacobi
    /// eigen-decomposition; eigenvalues below 1e-15 × the largest magnitude are treated as zero
    /// (numpy's `pinv` default `rcond`).
    static func pseudoInverse(_ m: [Double], n: Int) -> [Double] {
        var a = m
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += a[p * n + q] * a[p * n + q] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let eig = (0..<n).map { a[$0 * n + $0] }
        let cutoff = 1e-15 * (eig.map { abs($0) }.max() ?? 0)
        var out = [Double](repeating: 0, count: n * n)
        for k in 0..<n where abs(eig[k]) > cutoff {
            let inv = 1 / eig[k]
            for i in 0..<n {
                let vik = v[i * n + k] * inv
                for j in 0..<n { out[i * n + j] += vik * v[j * n + k] }
            }
        }
        return out
    }
}

// MARK: - Sign-split moments

/// Counts, sums of squares and sums of the positive and negative samples of a float32 plane,
/// accumulated in double (what both models' generalized Gaussian fits need). NaN samples fall
/// in neither side. Squares are rounded to float32 before summing, as OpenCV's
/// `cv::multiply` + `cv::sum` and numpy's float32 `**2` do.
struct SignedMoments {
    var positiveCount = 0
    var negativeCount = 0
    var positiveSquares = 0.0
    var negativeSquares = 0.0
    var positiveSum = 0.0
    var negativeSum = 0.0

    init(_ x: UnsafeBufferPointer<Float>) {
        // Branch-free 4-lane accumulation: sample signs are random, so branches mispredict.
        let zero = SIMD4<Float>(repeating: 0)
        let zeroCount = SIMD4<Int32>(repeating: 0), one = SIMD4<Int32>(repeating: 1)
        var pc = zeroCount, nc = zeroCount
        var ps = SIMD4<Double>(repeating: 0), ns = ps, pa = ps, na = ps
        let n = x.count
        var i = 0
        if let base = x.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 4 <= n {
                let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
                let pm = v .> zero, nm = v .< zero
                let pos = zero.replacing(with: v, where: pm), neg = zero.replacing(with: v, where: nm)
                pc &+= zeroCount.replacing(with: one, where: pm)
                nc &+= zeroCount.replacing(with: one, where: nm)
                ps += SIMD4<Double>(pos * pos); ns += SIMD4<Double>(neg * neg)
                pa += SIMD4<Double>(pos); na += SIMD4<Double>(neg)
                i += 4
            }
        }
        var tail = SignedMoments()
        while i < n {
            let v = x[i]
            if v > 0 { tail.positiveCount += 1; tail.positiveSquares += Double(v * v); tail.positiveSum += Double(v) }
            if v < 0 { tail.negativeCount += 1; tail.negativeSquares += Double(v * v); tail.negativeSum += Double(v) }
            i += 1
        }
        positiveCount = Int(pc.wrappedSum()) + tail.positiveCount
        negativeCount = Int(nc.wrappedSum()) + tail.negativeCount
        positiveSquares = ps.sum() + tail.positiveSquares
        negativeSquares = ns.sum() + tail.negativeSquares
        positiveSum = pa.sum() + tail.positiveSum
        negativeSum = na.sum() + tail.negativeSum
    }

    private init() {}
}
