import Foundation
@testable import IAAAssessment
import IAACore
import XCTest

/// The line-segment detector and the level it reads, on small synthetic images with exact
/// lines: a horizon, verticals, converging verticals, texture without lines, a frame border.
final class LineSegmentsTests: XCTestCase {
    /// An anti-aliased grey image (4×4 supersampling) whose value at a point is `shade(x, y)`,
    /// 0…255, coordinates in pixels with y pointing down.
    static func render(_ w: Int, _ h: Int, _ shade: (Double, Double) -> Double) -> RGBImage {
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            var acc = 0.0
            for sy in 0..<4 { for sx in 0..<4 { acc += shade(Double(x) + (Double(sx) + 0.5) / 4, Double(y) + (Double(sy) + 0.5) / 4) } }
            let v = UInt8(max(0, min(255, (acc / 16).rounded())))
            px[3 * (y * w + x)] = v; px[3 * (y * w + x) + 1] = v; px[3 * (y * w + x) + 2] = v
        } }
        return RGBImage(width: w, height: h, pixels: px)
    }

    /// A sky-over-sea horizon through the centre, turned `degrees` clockwise (a line falling to
    /// the right), with a second, fainter shore line parallel to it.
    static func horizon(degrees: Double, w: Int = 384, h: Int = 256) -> RGBImage {
        let t = degrees * .pi / 180
        return render(w, h) { x, y in
            // Signed distance below the line through the centre at angle t.
            let d = -(x - Double(w) / 2) * sin(t) + (y - Double(h) / 2) * cos(t)
            return d < 0 ? 200 : (d < 60 ? 70 : 110)
        }
    }

    /// Five vertical bars (wall edges, poles) turned `degrees` clockwise about the centre.
    static func verticals(degrees: Double, w: Int = 384, h: Int = 256) -> RGBImage {
        let t = degrees * .pi / 180
        return render(w, h) { x, y in
            let u = (x - Double(w) / 2) * cos(t) + (y - Double(h) / 2) * sin(t)  // across the bars
            let k = Int(((u + 1000) / 40).rounded(.down))
            return k % 2 == 0 ? 60 : 170
        }
    }

    func testHorizonAtKnownTilt() {
        for degrees in [2.5, -2.5, 0.0, 6.0] {
            let r = CameraAngleFactor().assess(AnalysisContext(image: Self.horizon(degrees: degrees)))
            let conf = r.measurement("tiltConfidence") ?? 0
            XCTAssertEqual(r.raw, degrees, accuracy: 0.15, "horizon at \(degrees)°")
            XCTAssertGreaterThan(conf, 0.3, "a frame-wide horizon is a clear level reference (\(degrees)°)")
            XCTAssertEqual(r.level?.value, degrees == 0 ? 3 : 1, "horizon at \(degrees)°: \(r.explanation.english)")
            XCTAssertGreaterThan(r.measurement("horizontalSupport") ?? 0, 0.5)
        }
        // The advice turns the opposite way to the tilt.
        let cw = CameraAngleFactor().assess(AnalysisContext(image: Self.horizon(degrees: 2.5)))
        XCTAssert(cw.explanation.english.contains("2.5° clockwise"), cw.explanation.english)
        XCTAssert(cw.explanation.english.contains("rotate 2.5° counter-clockwise"), cw.explanation.english)
        XCTAssert(cw.explanation.chinese.contains("顺时针倾斜"), cw.explanation.chinese)
    }

    func testVerticalsAtKnownTilt() {
        for degrees in [-2.0, 1.5, 4.0] {
            let r = CameraAngleFactor().assess(AnalysisContext(image: Self.verticals(degrees: degrees)))
            XCTAssertEqual(r.raw, degrees, accuracy: 0.15, "verticals at \(degrees)°")
            XCTAssertGreaterThan(r.measurement("tiltConfidence") ?? 0, 0.3)
            XCTAssertGreaterThan(r.measurement("verticalSupport") ?? 0, 0.5)
            XCTAssertEqual(r.level?.value, 1, "verticals at \(degrees)°")
        }
    }

    func testDetectorFindsOneSegmentPerEdgeAtItsAngle() {
        // One dark-to-light edge at 10° (falling to the right): one segment, spanning most of the frame.
        let t = 10.0 * .pi / 180
        let img = Self.render(300, 200) { x, y in -(x - 150) * sin(t) + (y - 100) * cos(t) < 0 ? 50 : 200 }
        let ctx = AnalysisContext(image: img)
        let found = LineSegmentDetector.detect(ctx.lab.L, img.width, img.height)
        let long = found.segments.filter { $0.length > 100 }
        XCTAssertEqual(long.count, 1, "\(found.segments)")
        XCTAssertEqual(long.first?.angle ?? 0, 10, accuracy: 0.1)
        XCTAssertEqual(long.first?.deviation ?? 0, 10, accuracy: 0.1)
        XCTAssertGreaterThan(long.first?.length ?? 0, 250)
        XCTAssertFalse(long.first?.isVertical ?? true)
    }

    func testConvergingVerticalsAreMeasuredAndDoNotTilt() {
        // Verticals through a vanishing point high above the centre (camera pitched up): the left
        // ones lean right, the right ones lean left; no roll.
        let w = 384.0, h = 256.0, vx = w / 2, vy = -4 * h
        let img = Self.render(Int(w), Int(h)) { x, y in
            // Angle of the ray from the vanishing point, in bands.
            let a = atan2(x - vx, y - vy) * 180 / .pi
            return Int(((a + 90) / 1.2).rounded(.down)) % 2 == 0 ? 60 : 170
        }
        let r = CameraAngleFactor().assess(AnalysisContext(image: img))
        XCTAssertEqual(r.raw, 0, accuracy: 0.5, r.explanation.english)
        XCTAssertGreaterThan(r.measurement("convergingVerticals") ?? 0, 4, "verticals converge upwards")
        XCTAssertNotEqual(r.level?.value, 1)
    }

    /// Overlapping discs of random grey and size (pebbles, foliage): curved edges every way and no
    /// long straight line. Painted disc by disc, anti-aliased by 4×4 supersampling at the rims.
    static func pebbles(seed: UInt64, w: Int = 384, h: Int = 256, border: Int = 0) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        var v = [Double](repeating: 128, count: w * h)
        for _ in 0..<400 {
            let cx = rng.uniform() * Double(w), cy = rng.uniform() * Double(h), r = 3 + rng.uniform() * 14, g = 40 + rng.uniform() * 180
            for y in max(0, Int(cy - r) - 1)...min(h - 1, Int(cy + r) + 1) {
                for x in max(0, Int(cx - r) - 1)...min(w - 1, Int(cx + r) + 1) {
                    var inside = 0
                    for sy in 0..<4 { for sx in 0..<4 {
                        let dx = Double(x) + (Double(sx) + 0.5) / 4 - cx, dy = Double(y) + (Double(sy) + 0.5) / 4 - cy
                        if dx * dx + dy * dy < r * r { inside += 1 }
                    } }
                    let a = Double(inside) / 16
                    v[y * w + x] = (1 - a) * v[y * w + x] + a * g
                }
            }
        }
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let frame = x < border || y < border || x >= w - border || y >= h - border
            let g = frame ? 255 : UInt8(v[y * w + x].rounded())
            px[3 * (y * w + x)] = g; px[3 * (y * w + x) + 1] = g; px[3 * (y * w + x) + 2] = g
        } }
        return RGBImage(width: w, height: h, pixels: px)
    }

    func testTextureWithoutLinesHasLowConfidence() {
        let r = CameraAngleFactor().assess(AnalysisContext(image: Self.pebbles(seed: 7)))
        XCTAssertLessThan(r.measurement("tiltConfidence") ?? 1, 0.1, r.explanation.english)
        XCTAssertEqual(r.level?.value, 2)
        XCTAssert(r.explanation.english.hasPrefix("No clear horizon"), r.explanation.english)
        XCTAssert(r.explanation.chinese.hasPrefix("没有明确的地平线"), r.explanation.chinese)
    }

    func testFrameBorderIsNotALevelReference() {
        // The same kind of texture inside a white 6-px border: the border's exact edges must not vote.
        let r = CameraAngleFactor().assess(AnalysisContext(image: Self.pebbles(seed: 11, border: 6)))
        XCTAssertLessThan(r.measurement("tiltConfidence") ?? 1, 0.15, r.explanation.english)
        XCTAssertEqual(r.level?.value, 2)
    }

    func testFlatImageHasNoSegments() {
        let img = RGBImage(width: 64, height: 48, pixels: [UInt8](repeating: 128, count: 64 * 48 * 3))
        let e = AnalysisContext(image: img).levelEstimate
        XCTAssertEqual(e.segmentCount, 0)
        XCTAssertEqual(e.tilt, 0); XCTAssertEqual(e.confidence, 0)
        let r = CameraAngleFactor().assess(AnalysisContext(image: img))
        XCTAssertEqual(r.raw, 0); XCTAssertEqual(r.level?.value, 2)
    }
}
