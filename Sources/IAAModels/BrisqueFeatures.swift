import Foundation
import IAACore

/// BRISQUE's 36 natural-scene-statistics features (Mittal, Moorthy & Bovik, "No-Reference Image
/// Quality Assessment in the Spatial Domain", IEEE TIP 21(12), 2012), computed exactly as
/// OpenCV's `cv::quality::QualityBRISQUE` (opencv_contrib 4.x) computes them, so that the LIVE
/// model trained with that code applies unchanged.
///
/// Per scale (full size, then half size by bicubic `cv::resize`): the MSCN map
/// (I − μ) / (σ + 1/255) with a 7×7 Gaussian window (σ = 7/6, replicated borders) on the
/// grey image in 0…1, then an asymmetric generalized Gaussian fit of the MSCN map (shape,
/// mean of the two variances) and of its products with the right, lower, lower-right and
/// upper-right neighbour (shape, mean, left variance, right variance): 18 values per scale.
public enum BrisqueFeatures {
    /// Number of features (18 per scale, two scales).
    public static let count = 36

    /// OpenCV's `COLOR_RGB2GRAY` on 8-bit samples: fixed-point Rec. 601 weights with 15
    /// fractional bits and rounding, then × (1/255) in float32.
    public static func gray(_ image: RGBImage) -> [Float] {
        let n = image.pixelCount
        var out = [Float](repeating: 0, count: n)
        let scale = Float(1.0 / 255.0)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let y = (Int(p[3 * i]) * 9798 + Int(p[3 * i + 1]) * 19235 + Int(p[3 * i + 2]) * 3735 + 16384) >> 15
                out[i] = Float(y) * scale
            }
        }
        return out
    }

    /// The 36 features of `image` (float32, as OpenCV returns them).
    public static func compute(_ image: RGBImage) -> [Float] {
        let g = gray(image)
        var features = scale(g, width: image.width, height: image.height)
        let hw = image.width / 2, hh = image.height / 2
        let half = OpenCVFloat.resizeCubic(g, width: image.width, height: image.height, toWidth: hw, height: hh)
        features += scale(half, width: hw, height: hh)
        return features
    }

    /// The 18 features of one scale.
    static func scale(_ img: [Float], width w: Int, height h: Int) -> [Float] {
        let n = w * h
        let mu = OpenCVFloat.gaussianBlur7(img, width: w, height: h)
        var squares = [Float](repeating: 0, count: n)
        img.withUnsafeBufferPointer { s in
            squares.withUnsafeMutableBufferPointer { q in for i in 0..<n { q[i] = s[i] * s[i] } }
        }
        let meanSquares = OpenCVFloat.gaussianBlur7(squares, width: w, height: h)
        // A negative variance (float32 cancellation in flat areas) gives NaN, as cv::pow(x, 0.5)
        // does; OpenCV's statistics then ignore those pixels, and so do `fit` and the products.
        var mscn = [Float](repeating: 0, count: n)
        let eps = Float(1.0 / 255.0)
        img.withUnsafeBufferPointer { s in
            mu.withUnsafeBufferPointer { m in
                meanSquares.withUnsafeBufferPointer { q in
                    mscn.withUnsafeMutableBufferPointer { o in
                        for i in 0..<n {
                            let sigma = (q[i] - m[i] * m[i]).squareRoot() + eps
                            o[i] = (s[i] - m[i]) / sigma
                        }
                    }
                }
            }
        }
        var out: [Float] = []
        out.reserveCapacity(18)
        let m = fit(mscn, count: n)
        out.append(Float(m.alpha))
        out.append(Float(m.left * m.left + m.right * m.right) / 2)

        var product = [Float](repeating: 0, count: n)
        for (dy, dx) in [(0, 1), (1, 0), (1, 1), (-1, 1)] {
            mscn.withUnsafeBufferPointer { s in
                product.withUnsafeMutableBufferPointer { p in
                    for y in 0..<h {
                        let ny = y &+ dy, row = y &* w
                        guard ny >= 0 && ny < h else {
                            for x in 0..<w { p[row &+ x] = s[row &+ x] * 0 }
                            continue
                        }
                        let nrow = ny &* w &+ dx
                        for x in 0..<(w &- dx) { p[row &+ x] = s[row &+ x] * s[nrow &+ x] }
                        for x in (w &- dx)..<w { p[row &+ x] = s[row &+ x] * 0 }
                    }
                }
            }
            let f = fit(product, count: n)
            let a = f.alpha
            let constant = tgamma(1 / a).squareRoot() / tgamma(3 / a).squareRoot()
            let mean = (f.right - f.left) * (tgamma(2 / a) / tgamma(1 / a)) * constant
            out.append(Float(a))
            out.append(Float(mean))
            out.append(Float(pow(f.left, 2)))
            out.append(Float(pow(f.right, 2)))
        }
        return out
    }

    /// OpenCV's `AGGDfit`: left and right standard deviations and the shape α by grid search.
    /// Squares are rounded to float32 before the (double) sums, as `cv::multiply` + `cv::sum` do.
    static func fit(_ x: [Float], count n: Int) -> (alpha: Double, left: Double, right: Double) {
        let m = x.withUnsafeBufferPointer { SignedMoments($0) }
        let posCount = m.positiveCount, negCount = m.negativeCount
        let posSq = m.positiveSquares, negSq = m.negativeSquares
        let absSum = m.positiveSum - m.negativeSum
        let left = (negSq / Double(negCount)).squareRoot()
        let right = (posSq / Double(posCount)).squareRoot()
        let gammahat = left / right
        let total = Double(n)
        let rhat = pow(absSum / total, 2) / ((negSq + posSq) / total)
        let rhatnorm = rhat * (pow(gammahat, 3) + 1) * (gammahat + 1) / pow(pow(gammahat, 2) + 1, 2)
        let grid = ShapeGrid.opencv
        return (grid.alphas[grid.opencvIndex(rhatnorm)], left, right)
    }
}
