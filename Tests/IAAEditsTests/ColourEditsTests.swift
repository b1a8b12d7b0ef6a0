import Foundation
import IAACore
import IAAEdits
import IAAImaging
import XCTest

/// Exposure, white balance, tone, colour and looks on small synthetic images.
final class ColourEditsTests: XCTestCase {
    let grey = RGBImage(width: 16, height: 16, fill: (118, 118, 118))

    func testPlusOneEVDoublesLinearMidGrey() throws {
        let out = try render(ExposureEdit(.init(ev: 1)), on: grey)
        let (r, g, b) = out[5, 5]
        XCTAssertEqual(r, g); XCTAssertEqual(g, b)
        // 8-bit quantisation of the output allows ±0.5 level: about ±1 % at this level.
        XCTAssertEqual(linear(r) / linear(118), 2, accuracy: 0.02)
        let down = try render(ExposureEdit(.init(ev: -1)), on: grey)
        XCTAssertEqual(linear(down[0, 0].0) / linear(118), 0.5, accuracy: 0.02)
    }

    func testExposureIsMonotoneAndClipsAtWhite() throws {
        let image = syntheticImage()
        let out = try render(ExposureEdit(.init(ev: 3)), on: image)
        for x in 0..<image.width { XCTAssertGreaterThanOrEqual(out[x, 0].0, image[x, 0].0) }
        XCTAssertEqual(out[image.width - 1, 0].0, 255)
    }

    /// The shoulder: darkening with protection 1 keeps white at white and darkens the rest like
    /// a plain gain in the shadows; brightening with it rolls off instead of clipping; every
    /// mapping stays monotone; protection without an exposure change is the identity.
    func testExposureProtectionKeepsWhiteWhite() throws {
        let image = syntheticImage()
        let plain = try render(ExposureEdit(.init(ev: -1)), on: image)
        let kept = try render(ExposureEdit(.init(ev: -1, protect: 1)), on: image)
        let last = image.width - 1
        XCTAssertEqual(image[last, 0].0, 255)
        XCTAssertLessThan(plain[last, 0].0, 200, "a plain −1 EV turns white grey")
        XCTAssertGreaterThanOrEqual(kept[last, 0].0, 254, "protected white stays white")
        for x in 1..<image.width {
            XCTAssertGreaterThanOrEqual(kept[x, 0].0, kept[x - 1, 0].0)
            XCTAssertGreaterThanOrEqual(kept[x, 0].0, plain[x, 0].0)
            XCTAssertLessThanOrEqual(kept[x, 0].0, image[x, 0].0)
        }
        let up = try render(ExposureEdit(.init(ev: 1.5, protect: 1)), on: image)
        var clipped = 0
        for x in 0..<image.width where up[x, 0].0 == 255 { clipped += 1 }
        XCTAssertLessThanOrEqual(clipped, 2, "a protected brightening rolls off instead of clipping")
        XCTAssertTrue(ExposureEdit(.init(ev: 0, protect: 1)).isIdentity)
    }

    func testWarmWhiteBalanceRaisesRedOverBlue() throws {
        let warm = try render(WhiteBalanceEdit(.init(temperature: 40, tint: 0)), on: grey)[3, 3]
        XCTAssertGreaterThan(Double(warm.0) / Double(warm.2), 1.15)
        let cool = try render(WhiteBalanceEdit(.init(temperature: -40, tint: 0)), on: grey)[3, 3]
        XCTAssertLessThan(Double(cool.0) / Double(cool.2), 0.9)
        // Temperature moves along the locus: green stays between red and blue.
        XCTAssertTrue((warm.2...warm.0).contains(warm.1))
    }

    func testTintMovesGreenAgainstMagenta() throws {
        let magenta = try render(WhiteBalanceEdit(.init(temperature: 0, tint: 30)), on: grey)[3, 3]
        XCTAssertLessThan(Double(magenta.1), (Double(magenta.0) + Double(magenta.2)) / 2 - 3)
        let green = try render(WhiteBalanceEdit(.init(temperature: 0, tint: -30)), on: grey)[3, 3]
        XCTAssertGreaterThan(Double(green.1), (Double(green.0) + Double(green.2)) / 2 + 3)
    }

    /// Bradford adaptation maps the assumed scene white exactly onto D65 (sanity of the math,
    /// independent of libvips): the matrix is the identity at zero and keeps luminance of
    /// grey close to constant.
    func testWhiteBalanceMatrix() {
        let id = WhiteBalanceEdit.matrix(.init(temperature: 0, tint: 0))
        for (i, v) in id.enumerated() { XCTAssertEqual(v, i % 4 == 0 ? 1 : 0, accuracy: 1e-9) }
        let m = WhiteBalanceEdit.matrix(.init(temperature: 50, tint: 0))
        let grey: [Double] = (0..<3).map { (r: Int) -> Double in
            let a: Double = m[3 * r], b: Double = m[3 * r + 1], c: Double = m[3 * r + 2]
            return a + b + c
        }
        let y: Double = 0.2126729 * grey[0] + 0.7151522 * grey[1] + 0.0721750 * grey[2]
        XCTAssertEqual(y, 1, accuracy: 0.03)
        XCTAssertGreaterThan(grey[0], grey[2])
    }

    func testSaturationMinus100GivesNeutralPixels() throws {
        let image = try Fixtures.proxy()
        let out = try render(ColourEdit(.init(vibrance: 0, saturation: -100)), on: image)
        var worst = 0
        for i in stride(from: 0, to: out.pixels.count, by: 3) {
            let p = out.pixels[i..<i + 3].map(Int.init)
            worst = max(worst, p.max()! - p.min()!)
        }
        XCTAssertLessThanOrEqual(worst, 1)
    }

    /// Vibrance lifts a muted colour relatively more than a vivid one, and a skin hue less
    /// than another hue of the same chroma.
    func testVibranceFavoursMutedColoursAndSparesSkin() throws {
        func chromaGain(_ c: (UInt8, UInt8, UInt8)) throws -> Double {
            let image = RGBImage(width: 8, height: 8, fill: c)
            let out = try render(ColourEdit(.init(vibrance: 80, saturation: 0)), on: image)[2, 2]
            func spread(_ p: (UInt8, UInt8, UInt8)) -> Double { Double(max(p.0, p.1, p.2)) - Double(min(p.0, p.1, p.2)) }
            return spread(out) / spread(c)
        }
        let muted = try chromaGain((120, 130, 150)), vivid = try chromaGain((30, 60, 220))
        XCTAssertGreaterThan(muted, vivid + 0.1)
        let skin = try chromaGain((200, 150, 120)), blueish = try chromaGain((120, 150, 200))
        XCTAssertGreaterThan(blueish, skin + 0.05)
    }

    func testToneCurveIsMonotoneAndBehaves() throws {
        let params = ToneEdit.Params(contrast: 100, highlights: -100, shadows: 100, whites: -100, blacks: -100)
        let lut = ToneCurve.lut(ToneEdit(params).curve)
        XCTAssertEqual(lut.count, EditImage.lutSize)
        for i in 1..<lut.count { XCTAssertGreaterThanOrEqual(lut[i], lut[i - 1]) }
        // Each control at +100 moves its region the documented way (on an L* ramp).
        let ramp = syntheticImage()
        func row0(_ p: ToneEdit.Params) throws -> [UInt8] {
            let out = try render(ToneEdit(p), on: ramp)
            return (0..<ramp.width).map { out[$0, 0].0 }
        }
        let base = (0..<ramp.width).map { ramp[$0, 0].0 }
        let contrast = try row0(.init(contrast: 60))
        XCTAssertLessThan(contrast[20], base[20]); XCTAssertGreaterThan(contrast[75], base[75])
        let shadows = try row0(.init(shadows: 60))
        XCTAssertGreaterThan(shadows[20], base[20] + 3); XCTAssertLessThanOrEqual(abs(Int(shadows[93]) - Int(base[93])), 2)
        let highlights = try row0(.init(highlights: -60))
        XCTAssertLessThan(highlights[75], base[75] - 3)
        let blacks = try row0(.init(blacks: 50))
        XCTAssertGreaterThan(blacks[0], 15)  // black point L* 0 → 6
        let whites = try row0(.init(whites: -50))
        XCTAssertLessThan(whites[ramp.width - 1], 240)
        // Tone works on L* only: a grey ramp stays grey.
        let out = try render(ToneEdit(.init(contrast: 50, shadows: 30)), on: ramp)
        for x in 0..<ramp.width { let p = out[x, 1]; XCTAssertLessThanOrEqual(Int(max(p.0, p.1, p.2)) - Int(min(p.0, p.1, p.2)), 1) }
    }

    func testMonotoneCubicPassesThroughPointsWithoutOvershoot() {
        let f = ToneCurve.monotoneCubic([(0, 0), (0.3, 0.1), (0.5, 0.5), (0.55, 0.9), (1, 1)])
        XCTAssertEqual(f(0.3), 0.1, accuracy: 1e-12)
        XCTAssertEqual(f(0.55), 0.9, accuracy: 1e-12)
        var last = -1.0
        for i in 0...1000 { let y = f(Double(i) / 1000); XCTAssertGreaterThanOrEqual(y, last - 1e-12); XCTAssertLessThanOrEqual(y, 1 + 1e-12); last = y }
    }

    func testEveryBundledLookChangesPixelsAndMonochromeLooksAreGrey() throws {
        let context = try Fixtures.context()
        let image = try Fixtures.proxy()
        XCTAssertGreaterThanOrEqual(context.looks.looks.count, 5)
        for id in context.looks.looks.keys.sorted() {
            let out = try render(LookEdit(.init(look: id)), on: image, context: context)
            XCTAssertGreaterThan(meanAbsDiff(out, image), 1, id)
            let half = try render(LookEdit(.init(look: id, amount: 0.5)), on: image, context: context)
            XCTAssertLessThan(meanAbsDiff(half, image), meanAbsDiff(out, image), id)
        }
        let bw = try render(LookEdit(.init(look: "bw-classic")), on: image, context: context)
        for i in stride(from: 0, to: bw.pixels.count, by: 3) {
            XCTAssertLessThanOrEqual(Int(bw.pixels[i..<i + 3].max()!) - Int(bw.pixels[i..<i + 3].min()!), 1)
        }
        // Teal-orange: dark tones move towards blue-green, light tones towards orange.
        let ramp = RGBImage(width: 64, height: 4, pixels: (0..<4).flatMap { _ in (0..<64).flatMap { x in [UInt8](repeating: UInt8(x * 4), count: 3) } })
        let to = try render(LookEdit(.init(look: "teal-orange")), on: ramp, context: context)
        XCTAssertGreaterThan(to[12, 0].2, to[12, 0].0)
        XCTAssertGreaterThan(to[50, 0].0, to[50, 0].2)
    }

    func testUnknownLookIsRefusedWithItsName() throws {
        let chain = try EditChain([LookEdit(.init(look: "sepia-dream"))])
        XCTAssertThrowsError(try ChainRenderer(proxy: grey, context: Fixtures.context()).render(chain)) { e in
            XCTAssertTrue("\(e)".contains("Unknown look \"sepia-dream\""), "\(e)")
        }
    }
}
