import Foundation
import IAACore

/// Line orientation statistics for composition (class labels, horizon tilt): a structure-tensor
/// orientation histogram of the coherent (line-like) edges of L*, at half the proxy size. Camera
/// angle measures the level from long straight segments instead (`LevelEstimate`).
struct LineStatistics: Sendable {
    /// Deviation of line-like edges from the nearest axis, −45…45° in 0.25° bins (180 bins per 45°).
    var axisHistogram: [Double]
    /// Energy of lines by direction class: near-horizontal, near-vertical, diagonal (30–60°).
    var horizontal: Double, vertical: Double, diagonal: Double, total: Double
    /// Mean deviation of near-vertical lines in the left and right thirds (degrees).
    var leftVertical: Double, rightVertical: Double
    /// Share of coherent energy among all edge energy (1 = all straight lines; low = organic).
    var coherence: Double

    static let binsPerDegree = 4.0

    init(_ ctx: AnalysisContext) {
        let d = ctx.downsampledL(by: 2)
        let w = d.w, h = d.h, p = d.p
        var jxx = [Float](repeating: 0, count: w * h), jyy = [Float](repeating: 0, count: w * h), jxy = [Float](repeating: 0, count: w * h)
        // Sobel, eight pixels at a time (the same sums as pixel by pixel).
        p.withUnsafeBufferPointer { pb in jxx.withUnsafeMutableBufferPointer { xx in jyy.withUnsafeMutableBufferPointer { yy in jxy.withUnsafeMutableBufferPointer { xy in
            let s = pb.baseAddress!
            for y in 1..<max(1, h - 1) {
                let up = s + (y - 1) * w, mid = s + y * w, dn = s + (y + 1) * w, o = y * w
                var x = 1
                while x + 8 <= w - 1 {
                    let gx = (load8(up, x + 1) + 2 * load8(mid, x + 1) + load8(dn, x + 1)) - (load8(up, x - 1) + 2 * load8(mid, x - 1) + load8(dn, x - 1))
                    let gy = (load8(dn, x - 1) + 2 * load8(dn, x) + load8(dn, x + 1)) - (load8(up, x - 1) + 2 * load8(up, x) + load8(up, x + 1))
                    store8(gx * gx, xx.baseAddress!, o + x); store8(gy * gy, yy.baseAddress!, o + x); store8(gx * gy, xy.baseAddress!, o + x)
                    x += 8
                }
                while x < w - 1 {
                    let gx = (up[x + 1] + 2 * mid[x + 1] + dn[x + 1]) - (up[x - 1] + 2 * mid[x - 1] + dn[x - 1])
                    let gy = (dn[x - 1] + 2 * dn[x] + dn[x + 1]) - (up[x - 1] + 2 * up[x] + up[x + 1])
                    xx[o + x] = gx * gx; yy[o + x] = gy * gy; xy[o + x] = gx * gy
                    x += 1
                }
            }
        } } } }
        // σ = 2.5 (half-res px): integrate along straight edges, average out texture.
        jxx = Planes.gaussian(jxx, w, h, sigma: 2.5); jyy = Planes.gaussian(jyy, w, h, sigma: 2.5); jxy = Planes.gaussian(jxy, w, h, sigma: 2.5)
        var energies: [Float] = uninitializedPlane(w * h)
        for i in 0..<(w * h) { energies[i] = jxx[i] + jyy[i] }
        // Only the strongest 15 % of edge energy: real structure, not texture.
        // (Percentile from a 1-in-7 sample: the threshold does not need every pixel.)
        var sample = Swift.stride(from: 0, to: energies.count, by: 7).map { energies[$0] }
        let thr = max(Planes.kthSmallest(&sample, Int(Double(sample.count) * 0.85)), 1e-3)
        var hist = [Double](repeating: 0, count: 360)
        var hE = 0.0, vE = 0.0, dE = 0.0, tE = 0.0, allE = 0.0, cohE = 0.0
        var lv = 0.0, lvw = 0.0, rv = 0.0, rvw = 0.0
        for y in 2..<(h - 2) { for x in 2..<(w - 2) {
            let i = y * w + x
            let e = energies[i]
            guard e >= thr else { continue }
            let a = jxx[i], b = jyy[i], c = jxy[i]
            let diff = a - b
            let lam = ((diff * diff + 4 * c * c)).squareRoot()
            let coh = lam / max(a + b, 1e-6)
            allE += Double(e)
            guard coh > 0.6 else { continue }
            cohE += Double(e)
            // Gradient direction φ in degrees (0…180), image y pointing down.
            var phi = Double(0.5 * atan2f(2 * c, diff)) * 180 / .pi
            if phi < 0 { phi += 180 }
            let wgt = Double(e * coh * coh)
            tE += wgt
            // Deviation from the nearest axis: gradient near 90° = horizontal line, near 0/180 = vertical.
            var dev = (phi + 45).truncatingRemainder(dividingBy: 90) - 45
            if dev < -45 { dev += 90 }
            let bin = Int(((dev + 45) * Self.binsPerDegree).rounded(.down))
            hist[max(0, min(359, bin))] += wgt
            let nearH = abs(phi - 90) < 20, nearV = phi < 20 || phi > 160
            if nearH { hE += wgt } else if nearV {
                vE += wgt
                if x < w / 3 { lv += wgt * dev; lvw += wgt } else if x > 2 * w / 3 { rv += wgt * dev; rvw += wgt }
            } else if abs(phi - 45) < 15 || abs(phi - 135) < 15 { dE += wgt }
        } }
        axisHistogram = hist
        horizontal = hE; vertical = vE; diagonal = dE; total = tE
        leftVertical = lvw > 0 ? lv / lvw : 0; rightVertical = rvw > 0 ? rv / rvw : 0
        coherence = allE > 0 ? cohE / allE : 0
    }

    /// The tilt (degrees, sign as in the histogram) and the share of line energy supporting it.
    ///
    /// Orientations are 4-fold symmetric (a horizon and a wall edge both say "level"). The
    /// dominant family of parallel lines is found by mean shift (4° Gaussian kernel) from the
    /// strongest near-axis histogram peak; when that family is weak (confidence below
    /// `CameraAngleFactor.minConfidence`) the circular mean of 4·deviation over all lines is
    /// reported instead, which still follows a rotation exactly but carries no claim of a horizon.
    func tilt() -> (degrees: Double, confidence: Double) {
        let n = axisHistogram.count
        let angles = (0..<n).map { (Double($0) + 0.5) / Self.binsPerDegree - 45 }
        func wrap(_ d: Double) -> Double { var x = d.truncatingRemainder(dividingBy: 90); if x >= 45 { x -= 90 }; if x < -45 { x += 90 }; return x }
        var sx = 0.0, sy = 0.0
        for i in 0..<n where axisHistogram[i] > 0 {
            let a = 4 * angles[i] * .pi / 180
            sx += axisHistogram[i] * cos(a); sy += axisHistogram[i] * sin(a)
        }
        guard sx != 0 || sy != 0 else { return (0, 0) }
        let circularMean = atan2(sy, sx) * 180 / .pi / 4
        // Strongest peak within ±20° of an axis (histogram smoothed by σ = 1°).
        var best = -1, bestV = 0.0
        for i in 0..<n where abs(angles[i]) <= 20 {
            var v = 0.0
            for k in -8...8 { v += axisHistogram[(i + k + n) % n] * exp(-Double(k * k) / 32) }
            // Prior for small tilts (σ = 6°): a family of lines at 13° is more often the scene
            // (a tripod leg, a roof) than a camera held that crooked.
            v *= exp(-angles[i] * angles[i] / 72)
            if v > bestV { bestV = v; best = i }
        }
        var theta = best >= 0 ? angles[best] : circularMean
        for _ in 0..<20 {
            var num = 0.0, den = 0.0
            for i in 0..<n where axisHistogram[i] > 0 {
                let d = wrap(angles[i] - theta)
                let k = axisHistogram[i] * exp(-d * d / (2 * 16))
                num += k * d; den += k
            }
            guard den > 0 else { break }
            let step = num / den
            theta = wrap(theta + step)
            if abs(step) < 0.01 { break }
        }
        var near = 0.0, window = 0.0
        for i in 0..<n {
            let d = abs(wrap(angles[i] - theta))
            if d <= 1 { near += axisHistogram[i] }
            if d <= 15 { window += axisHistogram[i] }
        }
        let confidence = window > 0 ? near / window : 0
        return (confidence >= CameraAngleFactor.minConfidence ? theta : circularMean, confidence)
    }
}

/// Camera angle (F.740.4 Camera angle 1–3), higher is better. Of height, direction and
/// distance only the levelling of the camera can be measured without scene understanding: the
/// tilt of the photo's long straight lines (horizon, water line, verticals of buildings, table
/// and shelf edges; `LevelEstimate` on `LineSegmentDetector`) and converging verticals (left-third
/// vs right-third lean). Organic photos (grass, feathers, fabric) have few long straight segments,
/// so their confidence stays low and they are not called tilted.
/// Raw value: signed tilt in degrees; positive means the scene is rotated clockwise in the
/// frame, so straightening means rotating the image counter-clockwise by that amount. Without a
/// supported line family (`tiltConfidence` below 0.15) it is the circular mean of all segments'
/// deviations times its resultant length (`LevelEstimate.circularTilt`): it follows a rotation
/// and shrinks toward 0 when the lines point every way, but is no claim of level.
public struct CameraAngleFactor: AssessmentFactor {
    public let id = "cameraAngle"
    public let direction = FactorDirection.twoSided(ideal: 0)
    public let scale = RawScale(unit: "° (+ clockwise)", range: -15...15)
    public let attribute: AestheticAttribute? = .cameraAngle

    public init() {}

    /// A supported level: `tiltConfidence` at least 0.15 (set on the dev photos: below it, the
    /// strongest line family is as often the scene's perspective or texture as the horizon).
    static let minConfidence = 0.15
    /// A supported tilt this large is a fault (level 1).
    static let faultTilt = 1.5
    /// A supported tilt this small is level (level 3, with verticals converging less than `keystoneLimit`).
    static let levelTilt = 1.0
    static let keystoneLimit = 4.0

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let e = ctx.levelEstimate
        let confident = e.confidence >= Self.minConfidence
        // With y pointing down, a positive deviation is a line falling to the right: clockwise.
        // Without a supported line family, the circular mean of all segments still follows a
        // rotation of the frame, but claims no level (the confidence says so).
        let tilt = confident ? e.tilt : e.circularTilt
        let keystone = e.convergingVerticals
        let level: Int
        if confident && abs(tilt) >= Self.faultTilt { level = 1 }
        else if confident && abs(tilt) <= Self.levelTilt && abs(keystone) < Self.keystoneLimit { level = 3 }
        else { level = 2 }
        let score = confident ? 10 * exp(-(tilt * tilt) / (2 * 1.5 * 1.5)) * (abs(keystone) < Self.keystoneLimit ? 1 : 0.8) : 7
        let dir = tilt > 0 ? "clockwise" : "counter-clockwise", dirZh = tilt > 0 ? "顺时针" : "逆时针"
        let fix = tilt > 0 ? "counter-clockwise" : "clockwise", fixZh = tilt > 0 ? "逆时针" : "顺时针"
        // What the level was read from: the horizontal lines, the verticals, or both.
        let byH = e.horizontalSupport >= 0.1, byV = e.verticalSupport >= 0.1
        let basis = byH && byV ? "horizontal and vertical lines" : (byV ? "vertical lines" : "horizontal lines (horizon)")
        let basisZh = byH && byV ? "水平线与竖直线" : (byV ? "竖直线" : "水平线（地平线）")
        let lengthText = Fmt.f(e.horizontalSupport + e.verticalSupport, 2)
        let converge = abs(keystone) >= Self.keystoneLimit
        let en: String, zh: String
        if !confident {
            en = "No clear horizon or verticals to level by (\(e.segmentCount) long straight segments; the strongest line family, at \(Fmt.f(e.tilt))°, is weakly supported: confidence \(Fmt.f(e.confidence, 2)))."
            zh = "没有明确的地平线或竖直线可供校平（\(e.segmentCount) 条长直线段；最强线条方向 \(Fmt.f(e.tilt))°，依据不足：置信度 \(Fmt.f(e.confidence, 2))）。"
        } else if level == 3 {
            en = "Level: the \(basis) are within \(Fmt.f(abs(tilt)))° of true (lines totalling \(lengthText) image diagonals agree)."
            zh = "画面水平：\(basisZh)偏差在 \(Fmt.f(abs(tilt)))° 以内（总长 \(lengthText) 个对角线长度的线条一致）。"
        } else {
            en = "The frame is tilted about \(Fmt.f(abs(tilt)))° \(dir) (by the \(basis)); rotate \(Fmt.f(abs(tilt)))° \(fix) to straighten\(converge ? ", and verticals converge by \(Fmt.f(abs(keystone)))°" : "")."
            zh = "画面\(dirZh)倾斜约 \(Fmt.f(abs(tilt)))°（依据\(basisZh)），需\(fixZh)旋转 \(Fmt.f(abs(tilt)))° 校正\(converge ? "，竖直线汇聚 \(Fmt.f(abs(keystone)))°" : "")。"
        }
        return result(score: score, raw: tilt, level: level, english: en, chinese: zh,
                      measurements: [Measurement("tiltConfidence", e.confidence, "share"), Measurement("convergingVerticals", keystone, "°"),
                                     Measurement("lineCoherence", e.lineShare, "share"),
                                     Measurement("horizontalSupport", e.horizontalSupport, "diagonals"),
                                     Measurement("verticalSupport", e.verticalSupport, "diagonals"),
                                     Measurement("lineSegments", Double(e.segmentCount), "count")])
    }
}
