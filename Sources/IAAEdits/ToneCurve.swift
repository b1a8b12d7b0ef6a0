import Foundation
import IAAImaging

/// Lightness curves as lookup tables over L* for `EditImage.lightnessCurve`.
public enum ToneCurve {
    /// The LUT's domain, 0…200 L*: scRGB can hold light above diffuse white (after +EV), and
    /// the curve continues above 100 with slope 1 instead of clipping it.
    public static let maxLightness = 200.0

    /// Samples `f` (x = L*/100 in 0…1 → y in 0…1) into a LUT, forcing it monotone
    /// (running maximum) and into 0…1; above x = 1 it continues as f(1) + (x − 1).
    public static func lut(_ f: (Double) -> Double) -> [Float] {
        let n = EditImage.lutSize
        var out = [Float](repeating: 0, count: n)
        var running = 0.0
        let top = min(1, max(0, f(1)))
        for i in 0..<n {
            let x = Double(i) / Double(n - 1) * maxLightness / 100
            let y: Double
            if x <= 1 {
                y = max(running, min(1, max(0, f(x))))
                running = y
            } else {
                y = max(running, top + (x - 1))
            }
            out[i] = Float(y * 100)
        }
        return out
    }

    /// Fritsch–Carlson monotone cubic through `points` (x strictly increasing in 0…1,
    /// y non-decreasing): no overshoot, so a curve through monotone points stays monotone.
    public static func monotoneCubic(_ points: [(x: Double, y: Double)]) -> (Double) -> Double {
        let n = points.count
        precondition(n >= 2)
        let xs: [Double] = points.map { $0.x }
        let ys: [Double] = points.map { $0.y }
        let d: [Double] = (0..<(n - 1)).map { (i: Int) -> Double in (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) }
        var m = [Double](repeating: 0, count: n)
        m[0] = d[0]
        m[n - 1] = d[n - 2]
        for i in 1..<(n - 1) {
            let left: Double = d[i - 1], right: Double = d[i]
            m[i] = left * right <= 0 ? 0 : (left + right) / 2
        }
        for i in 0..<(n - 1) {
            if d[i] == 0 { m[i] = 0; m[i + 1] = 0; continue }
            let a: Double = m[i] / d[i], b: Double = m[i + 1] / d[i]
            let s: Double = a * a + b * b
            if s > 9 {
                let t: Double = 3 / s.squareRoot()
                m[i] = t * a * d[i]
                m[i + 1] = t * b * d[i]
            }
        }
        return { x in
            if x <= xs[0] { return ys[0] + (x - xs[0]) * m[0] }
            if x >= xs[n - 1] { return ys[n - 1] + (x - xs[n - 1]) * m[n - 1] }
            var k = 0
            while xs[k + 1] < x { k += 1 }
            let h = xs[k + 1] - xs[k], t = (x - xs[k]) / h
            let t2: Double = t * t, t3: Double = t2 * t
            let h00: Double = 2 * t3 - 3 * t2 + 1, h10: Double = t3 - 2 * t2 + t
            let h01: Double = -2 * t3 + 3 * t2, h11: Double = t3 - t2
            return h00 * ys[k] + h10 * h * m[k] + h01 * ys[k + 1] + h11 * h * m[k + 1]
        }
    }
}
