import Foundation
import IAACore

/// NIQE, the "completely blind" Natural Image Quality Evaluator (Mittal, Soundararajan & Bovik,
/// "Making a 'Completely Blind' Image Quality Analyzer", IEEE Signal Processing Letters 20(3),
/// 2013), with the official pristine model (see Weights/NIQE.md). Lower is better: about 2–4
/// for clean photographs, 6–10 for blurred or noisy ones.
///
/// Follows BasicSR 1.4.2's `calculate_niqe` (which reproduces the MATLAB release to 4 digits):
/// the MATLAB `rgb2ycbcr` luma rounded to integers; the image cropped to whole 96×96 blocks;
/// two scales (the second by MATLAB's antialiased bicubic `imresize` to half size); per block,
/// 18 generalized-Gaussian features of the MSCN map (7×7 Gaussian, σ = 7/6, constant 1) and of
/// its four neighbour products (circular within the block); then the Mahalanobis-like distance
/// between the image's multivariate Gaussian and the pristine one. As in the MATLAB
/// `computequality.m`, every block is used at test time (sharpness selection only applied when
/// the pristine model was fitted).
public struct Niqe: Sendable {
    /// SHA-256 of Weights/niqe_pristine.safetensors (written by Tools/convert_quality_models.py).
    public static let weightsSHA256 = "8828e11535eb322199dda2cd75fb5eeb93d0032af082e55731a4e749b4611075"
    /// The default weight file name, looked up with `WeightsLocator`.
    public static let weightsFile = "niqe_pristine.safetensors"
    /// Block side in pixels at the first scale (the official value).
    public static let blockSize = 96

    private let mu: [Double]       // 36
    private let cov: [Double]      // 36 × 36
    private let kernel: [Double]   // 7, the separable factor of the 7×7 window

    /// Loads the pristine model from `weightsPath` (checked against `weightsSHA256`).
    /// - Throws: `IAAError(.badWeights, path:)` if the file is not the expected model.
    public init(weightsPath: String) throws {
        let w = try QualityWeights(path: weightsPath, sha256: Self.weightsSHA256)
        mu = try w.doubles("mu", shape: [36])
        cov = try w.doubles("cov", shape: [36, 36])
        let window = try w.doubles("gaussian_window", shape: [7, 7])
        // The window is an outer product g·gᵀ; its row sums are g (since Σg = 1), which lets the
        // 49-tap filter run as two 7-tap passes.
        let g = (0..<7).map { i in (0..<7).reduce(0.0) { $0 + window[i * 7 + $1] } }
        for i in 0..<7 { for j in 0..<7 where abs(window[i * 7 + j] - g[i] * g[j]) > 1e-12 {
            throw IAAError(.badWeights, path: weightsPath, "has a gaussian_window that is not separable")
        } }
        kernel = g
    }

    /// Loads the model from the Weights folder (see `WeightsLocator`).
    public init() throws {
        try self.init(weightsPath: WeightsLocator.path(of: Self.weightsFile))
    }

    /// BasicSR's `to_y_channel` + `round`: MATLAB `rgb2ycbcr` luma (16…235) on the float32
    /// samples, rounded half to even.
    public static func luma(_ image: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: image.pixelCount)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<image.pixelCount {
                let r = Double(Float(p[3 * i]) / 255), g = Double(Float(p[3 * i + 1]) / 255), b = Double(Float(p[3 * i + 2]) / 255)
                let y = b * 24.966 + g * 128.553 + r * 65.481 + 16.0
                out[i] = (Float(y / 255) * 255).rounded(.toNearestOrEven)
            }
        }
        return out
    }

    /// The NIQE score of `image` (lower is better).
    /// - Throws: `IAAError(.invalidArgument)` if the image has fewer than two 96×96 blocks with
    ///   texture (NIQE is undefined there).
    public func score(_ image: RGBImage) throws -> Double {
        let bs = Self.blockSize
        let bw = image.width / bs, bh = image.height / bs
        guard bw * bh >= 2 else {
            throw IAAError(.invalidArgument, path: nil, "NIQE needs an image of at least 192×96 pixels (got \(image.width)×\(image.height))")
        }
        let full = Self.luma(image)
        var w = bw * bs, h = bh * bs
        var img = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { img[y * w + x] = full[y * image.width + x] } }

        var rows = [[Double]](repeating: [], count: bw * bh)
        for scale in 1...2 {
            let mscn = normalized(img, width: w, height: h)
            let side = bs / scale
            for bx in 0..<bw {
                for by in 0..<bh {
                    var block = [Float](repeating: 0, count: side * side)
                    for y in 0..<side { for x in 0..<side { block[y * side + x] = mscn[(by * side + y) * w + bx * side + x] } }
                    rows[bx * bh + by] += Self.blockFeatures(block, side: side)
                }
            }
            if scale == 1 {
                let small = MatlabImage.halve(img.map { $0 / 255 }, width: w, height: h)
                img = small.pixels.map { $0 * 255 }
                w = small.width; h = small.height
            }
        }
        return try distance(rows)
    }

    /// (I − μ) / (σ + 1), float32 like BasicSR (whose scipy filters return float32 for float32 input).
    private func normalized(_ img: [Float], width w: Int, height h: Int) -> [Float] {
        let mu = MatlabImage.convolveReplicate(img, width: w, height: h, kernel: kernel)
        let sq = MatlabImage.convolveReplicate(img.map { $0 * $0 }, width: w, height: h, kernel: kernel)
        var out = [Float](repeating: 0, count: img.count)
        for i in 0..<img.count {
            let sigma = abs(sq[i] - mu[i] * mu[i]).squareRoot()
            out[i] = (img[i] - mu[i]) / (sigma + 1)
        }
        return out
    }

    /// BasicSR's `compute_feature`: 18 values for one block.
    static func blockFeatures(_ block: [Float], side n: Int) -> [Double] {
        var feat: [Double] = []
        feat.reserveCapacity(18)
        let (a0, l0, r0) = aggd(block)
        feat += [a0, (l0 + r0) / 2]
        var product = [Float](repeating: 0, count: n * n)
        for (sy, sx) in [(0, 1), (1, 0), (1, 1), (1, -1)] {
            // np.roll: the neighbour of (y, x) is (y − sy, x − sx), wrapping inside the block.
            block.withUnsafeBufferPointer { b in
                product.withUnsafeMutableBufferPointer { p in
                    for y in 0..<n {
                        let yy = (y - sy + n) % n
                        for x in 0..<n {
                            var xx = x - sx
                            if xx < 0 { xx += n } else if xx >= n { xx -= n }
                            p[y * n + x] = b[y * n + x] * b[yy * n + xx]
                        }
                    }
                }
            }
            let (a, l, r) = aggd(product)
            feat += [a, (r - l) * (tgamma(2 / a) / tgamma(1 / a)), l, r]
        }
        return feat
    }

    /// BasicSR's `estimate_aggd_param`: shape α and the left/right scale parameters β.
    static func aggd(_ x: [Float]) -> (alpha: Double, betaLeft: Double, betaRight: Double) {
        let m = x.withUnsafeBufferPointer { SignedMoments($0) }
        let posCount = m.positiveCount, negCount = m.negativeCount
        let posSq = m.positiveSquares, negSq = m.negativeSquares
        let absSum = m.positiveSum - m.negativeSum
        let sqSum = posSq + negSq
        let n = Double(x.count)
        let left = (negSq / Double(negCount)).squareRoot()    // NaN for an empty side, as numpy's mean
        let right = (posSq / Double(posCount)).squareRoot()
        let gh = left / right
        let rhat = (absSum / n) * (absSum / n) / (sqSum / n)
        let rhatnorm = rhat * (gh * gh * gh + 1) * (gh + 1) / ((gh * gh + 1) * (gh * gh + 1))
        let grid = ShapeGrid.basicsr
        let alpha = grid.alphas[grid.argminIndex(rhatnorm)]
        let f = (tgamma(1 / alpha) / tgamma(3 / alpha)).squareRoot()
        return (alpha, left * f, right * f)
    }

    /// The distance between the image's feature Gaussian and the pristine one (Eq. 10):
    /// √((ν₁ − ν₂)ᵀ ((Σ₁ + Σ₂)/2)⁺ (ν₁ − ν₂)), with NaN-aware mean and complete-row covariance.
    private func distance(_ rows: [[Double]]) throws -> Double {
        let d = 36
        var mean = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var s = 0.0, c = 0
            for r in rows where !r[j].isNaN { s += r[j]; c += 1 }
            mean[j] = c > 0 ? s / Double(c) : .nan
        }
        let complete = rows.filter { !$0.contains(where: \.isNaN) }
        guard complete.count >= 2, !mean.contains(where: \.isNaN) else {
            throw IAAError(.invalidArgument, path: nil, "NIQE is undefined for this image: fewer than two 96×96 blocks have texture")
        }
        var cm = [Double](repeating: 0, count: d)
        for r in complete { for j in 0..<d { cm[j] += r[j] } }
        for j in 0..<d { cm[j] /= Double(complete.count) }
        var sum = [Double](repeating: 0, count: d * d)
        for r in complete {
            for i in 0..<d {
                let di = r[i] - cm[i]
                for j in i..<d { sum[i * d + j] += di * (r[j] - cm[j]) }
            }
        }
        let denom = Double(complete.count - 1)
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in i..<d {
                let v = (cov[i * d + j] + sum[i * d + j] / denom) / 2
                m[i * d + j] = v; m[j * d + i] = v
            }
        }
        let inv = SymmetricMatrix.pseudoInverse(m, n: d)
        let diff = (0..<d).map { mu[$0] - mean[$0] }
        var q = 0.0
        for i in 0..<d { for j in 0..<d { q += diff[i] * inv[i * d + j] * diff[j] } }
        return q.squareRoot()
    }
}

extension Niqe: RegisteredModel {
    /// NIQE's row in the model table.
    public static let entry = ModelEntry(
        name: "niqe-pristine", task: .technicalQuality, direction: .lowerIsBetter, scoreRange: 0...100,
        weightsFile: weightsFile, sha256: weightsSHA256,
        summary: "NIQE (Mittal et al., SPL 2013), the official MATLAB pristine model (via BasicSR)")

    /// Loads from an explicit weight file (see `init(weightsPath:)`).
    public init(weightsAt path: String) throws { try self.init(weightsPath: path) }
}
