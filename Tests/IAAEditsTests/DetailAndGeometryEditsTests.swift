import Foundation
import IAACore
import IAAEdits
import IAAImaging
import XCTest

/// Denoise, sharpen, crop and straighten.
final class DetailAndGeometryEditsTests: XCTestCase {
    func testCropDimensions() throws {
        let image = RGBImage(width: 300, height: 200, fill: (10, 20, 30))
        let out = try render(CropEdit(.init(x: 0.1, y: 0.2, width: 0.5, height: 0.5)), on: image)
        XCTAssertEqual(out.width, 150); XCTAssertEqual(out.height, 100)
        // Content: the crop takes the right pixels.
        var img = syntheticImage(width: 100, height: 80)
        img.pixels[(40 * 100 + 30) * 3] = 255
        img.pixels[(40 * 100 + 30) * 3 + 1] = 0
        let c = try render(CropEdit(.init(x: 0.3, y: 0.5, width: 0.5, height: 0.5)), on: img)
        XCTAssertEqual(c[0, 0].0, img[30, 40].0)
        XCTAssertEqual(c[0, 0].1, 0)
    }

    func testCropBoxMustStayInsideTheFrame() {
        XCTAssertThrowsError(try EditChain([CropEdit(.init(x: 0.5, y: 0, width: 0.6, height: 1))])) { e in
            XCTAssertEqual("\(e)", "Expected crop.x + crop.width to be at most 1 but received 1.1.")
        }
    }

    func testStraightenInnerRectangle() throws {
        // Independent check of the inscribed rectangle: for a landscape frame W×H rotated by θ
        // the binding constraint is the height: s = H / (W sinθ + H cosθ).
        let (w, h, deg) = (400, 200, 10.0)
        let t = deg * .pi / 180
        let s = 200.0 / (400 * sin(t) + 200 * cos(t))
        let size = StraightenEdit.innerSize(width: w, height: h, degrees: deg)
        XCTAssertEqual(size.width, Int((s * 400).rounded(.down)) - 2)
        XCTAssertEqual(size.height, Int((s * 200).rounded(.down)) - 2)
        XCTAssertEqual(Double(size.width) / Double(size.height), 2, accuracy: 0.03)
        // Portrait frame and negative angle give the transposed answer.
        let p = StraightenEdit.innerSize(width: 200, height: 400, degrees: -10)
        XCTAssertEqual(p.width, size.height); XCTAssertEqual(p.height, size.width)

        // Rendered: the size matches and no background corner is left (a white frame stays white).
        let white = RGBImage(width: w, height: h, fill: (255, 255, 255))
        let out = try render(StraightenEdit(.init(degrees: deg)), on: white)
        XCTAssertEqual(out.width, size.width); XCTAssertEqual(out.height, size.height)
        XCTAssertGreaterThanOrEqual(out.pixels.min()!, 250)
    }

    /// Positive angles turn the picture counter-clockwise: a point right of the centre moves up.
    func testStraightenDirection() throws {
        var img = RGBImage(width: 200, height: 200, fill: (0, 0, 0))
        for y in 95..<105 { for x in 150..<160 { let i = (y * 200 + x) * 3; img.pixels[i] = 255 } }
        let out = try render(StraightenEdit(.init(degrees: 20)), on: img)
        var sy = 0.0, n = 0.0
        for y in 0..<out.height { for x in 0..<out.width where out[x, y].0 > 128 { sy += Double(y); n += 1 } }
        XCTAssertGreaterThan(n, 0)
        XCTAssertLessThan(sy / n, Double(out.height) / 2 - 10)
    }

    func testDenoiseSmoothsFlatNoiseAndKeepsEdges() throws {
        var rng = SplitMix(seed: 7)
        let (w, h) = (128, 128)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let base = x < w / 2 ? 70.0 : 190.0
            for c in 0..<3 { p[(y * w + x) * 3 + c] = UInt8(max(0, min(255, base + rng.gaussian() * 10))) }
        } }
        let noisy = RGBImage(width: w, height: h, pixels: p)
        let out = try render(DenoiseEdit(.init(strength: 100)), on: noisy)
        func stats(_ img: RGBImage, _ xs: Range<Int>) -> (mean: Double, sd: Double) {
            var s = 0.0, s2 = 0.0, n = 0.0
            for y in 8..<(h - 8) { for x in xs { let v = Double(img[x, y].1); s += v; s2 += v * v; n += 1 } }
            let m = s / n
            return (m, (s2 / n - m * m).squareRoot())
        }
        let before = stats(noisy, 8..<56), after = stats(out, 8..<56)
        XCTAssertLessThan(after.sd, before.sd * 0.7)
        XCTAssertEqual(after.mean, before.mean, accuracy: 3)
        // The step between the halves stays a step: the columns either side keep their levels.
        let left = stats(out, 60..<62).mean, right = stats(out, 66..<68).mean
        XCTAssertGreaterThan(right - left, 100)
    }

    func testSharpenRaisesEdgeContrast() throws {
        let (w, h) = (64, 32)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { p[(y * w + x) * 3 + c] = x < 32 ? 80 : 170 } } }
        let img = RGBImage(width: w, height: h, pixels: p)
        let out = try render(SharpenEdit(.init(amount: 200)), on: img)
        // Overshoot either side of the edge; flat areas far away untouched.
        XCTAssertLessThan(out[31, 10].0, 80)
        XCTAssertGreaterThan(out[32, 10].0, 170)
        XCTAssertEqual(out[5, 10].0, 80)
        XCTAssertEqual(SharpenEdit.sigma(longSide: 512), 0.628, accuracy: 1e-9)
        XCTAssertEqual(SharpenEdit.sigma(longSide: 6000), 2, accuracy: 1e-9)
    }
}

extension DetailAndGeometryEditsTests {
    /// The luma sharpen: amount 0 changes no sample (8-bit and 16-bit, alpha included),
    /// the overshoot at an edge grows with the amount and saturates at libvips' limits
    /// (+10 / −20 luma units), and flat areas stay put.
    func testSharpenStrengthIsMonotoneAndIdentityExact() throws {
        let (w, h) = (96, 32)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { p[(y * w + x) * 3 + c] = x < 48 ? 60 : 150 } } }
        let img = RGBImage(width: w, height: h, pixels: p)
        XCTAssertEqual(try applyDirectly(SharpenEdit(.init(amount: 0)), on: img, context: EditContext(looks: .empty)), img)
        var last = (dark: 60, light: 150)
        var overshoots: [Int] = []
        for amount in [25.0, 50, 100, 200, 300] {
            let out = try render(SharpenEdit(.init(amount: amount)), on: img)
            let dark = Int(out[47, 10].0), light = Int(out[48, 10].0)
            XCTAssertLessThanOrEqual(dark, last.dark, "amount \(amount)")
            XCTAssertGreaterThanOrEqual(light, last.light, "amount \(amount)")
            XCTAssertEqual(out[5, 10].0, 60)
            XCTAssertEqual(out[90, 10].0, 150)
            last = (dark, light)
            overshoots.append(light - dark)
        }
        XCTAssertGreaterThan(overshoots.last!, overshoots.first!)
        // The limits: at most 10 luma units (25.5 levels) brighter, 20 (51 levels) darker.
        XCTAssertLessThanOrEqual(last.light - 150, 26)
        XCTAssertLessThanOrEqual(60 - last.dark, 52)
    }

    /// Detail is added equally to R', G' and B': a coloured edge keeps its hue (the channel
    /// differences of each pixel do not change, except where a channel clips).
    func testSharpenAddsNeutralDetail() throws {
        let (w, h) = (64, 16)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            let i = (y * w + x) * 3
            (p[i], p[i + 1], p[i + 2]) = x < 32 ? (120, 80, 60) : (200, 160, 140)
        } }
        let img = RGBImage(width: w, height: h, pixels: p)
        let out = try render(SharpenEdit(.init(amount: 150)), on: img)
        for x in 28..<36 {
            let (r0, g0, b0) = img[x, 8], (r, g, b) = out[x, 8]
            XCTAssertEqual(Int(r) - Int(g), Int(r0) - Int(g0), accuracy: 1, "x \(x)")
            XCTAssertEqual(Int(g) - Int(b), Int(g0) - Int(b0), accuracy: 1, "x \(x)")
        }
        XCTAssertNotEqual(out[31, 8].0, img[31, 8].0)
    }

    /// Regression: a cooling white balance before a mild sharpen once left black specks on a
    /// bright yellow car (lightness above 100 wrapped around in libvips' 16-bit Lab). A mild
    /// sharpen may move a pixel by a few levels, never by a large fraction of the range.
    func testSharpenAfterWhiteBalanceLeavesNoSpecks() throws {
        let renderer = try ChainRenderer(proxy: try Fixtures.proxy("vintage_cars.jpg", longSide: 768), context: Fixtures.context())
        let wb = try renderer.render(try EditChain([WhiteBalanceEdit(.init(temperature: -7.5, tint: 0))]))
        let both = try renderer.render(try EditChain([WhiteBalanceEdit(.init(temperature: -7.5, tint: 0)), SharpenEdit(.init(amount: 9.375))]))
        var specks = 0
        for i in 0..<wb.pixelCount {
            let a = wb.pixels[(3 * i)..<(3 * i + 3)].map(Int.init).reduce(0, +)
            let b = both.pixels[(3 * i)..<(3 * i + 3)].map(Int.init).reduce(0, +)
            if a - b > 120 { specks += 1 }
        }
        XCTAssertEqual(specks, 0)
    }
}

/// A small deterministic generator for test noise.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
