import Foundation
import IAAAssessment
import IAACore
import XCTest

/// The white-balance factor's grey-pixel estimate and its confidence, on synthetic scenes with
/// exact casts: textured tiles, each one chromaticity under its own shading, so a tile is either
/// a grey surface or a coloured one and the illuminant is known.
final class WhiteBalanceTests: XCTestCase {
    /// The benchmark's casts (linear gains R, G, B).
    static let warm: (Float, Float, Float) = (1.08, 1, 0.86)
    static let cold: (Float, Float, Float) = (0.9, 0.98, 1.12)

    /// 4×3 tiles of 48×42 px; tile k has linear reflectance `colours[k % count]` times a shading
    /// texture, lit by `light` (linear gains), then encoded to 8-bit sRGB.
    static func scene(_ colours: [(Float, Float, Float)], light: (Float, Float, Float) = (1, 1, 1)) -> RGBImage {
        let w = 192, h = 126
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let k = (y / 42) * 4 + x / 48
                let c = colours[k % colours.count]
                // A rough surface: smooth light falloff times a fine bump texture.
                let fall = 0.35 + 0.3 * Float(x % 48) / 48 + 0.15 * Float(y % 42) / 42
                let bump = 1 + 0.35 * sinf(Float(x) * 2 * .pi / 7) * sinf(Float(y) * 2 * .pi / 9 + Float(k))
                let s = fall * bump
                let i = 3 * (y * w + x)
                p[i] = ColorSpace.encode8(min(1, c.0 * s * light.0))
                p[i + 1] = ColorSpace.encode8(min(1, c.1 * s * light.1))
                p[i + 2] = ColorSpace.encode8(min(1, c.2 * s * light.2))
            }
        }
        return RGBImage(width: w, height: h, pixels: p)
    }

    /// Half grey tiles (three greys), half coloured.
    static let withGreys: [(Float, Float, Float)] = [
        (0.6, 0.6, 0.6), (0.7, 0.25, 0.2), (0.35, 0.35, 0.35), (0.2, 0.5, 0.25),
        (0.2, 0.3, 0.7), (0.8, 0.8, 0.8), (0.75, 0.6, 0.15), (0.5, 0.5, 0.5),
        (0.45, 0.45, 0.45), (0.6, 0.2, 0.55), (0.25, 0.25, 0.25), (0.2, 0.55, 0.6),
    ]
    /// Twelve saturated hues around the circle, no grey.
    static let noGreys: [(Float, Float, Float)] = [
        (0.8, 0.1, 0.1), (0.8, 0.45, 0.05), (0.75, 0.75, 0.08), (0.4, 0.8, 0.1),
        (0.1, 0.7, 0.15), (0.08, 0.7, 0.5), (0.08, 0.6, 0.8), (0.1, 0.3, 0.85),
        (0.3, 0.1, 0.85), (0.6, 0.1, 0.8), (0.8, 0.1, 0.6), (0.85, 0.1, 0.3),
    ]

    func assess(_ img: RGBImage, _ label: String) -> FactorResult {
        let r = WhiteBalanceFactor().assess(AnalysisContext(image: img))
        let m = r.measurements.map { "\($0.name)=\(String(format: "%.3f", $0.value))" }.joined(separator: " ")
        print("white balance \(label): raw \(String(format: "%+.2f", r.raw)) level \(r.level?.value ?? 0) \(m)")
        return r
    }
    func m(_ r: FactorResult, _ name: String) throws -> Double { try XCTUnwrap(r.measurement(name), name) }

    func testConfidenceHighWithGreySurfacesLowWithout() throws {
        let grey = assess(Self.scene(Self.withGreys), "greys"), colour = assess(Self.scene(Self.noGreys), "no greys")
        XCTAssertGreaterThanOrEqual(try m(grey, "confidence"), 0.7)
        XCTAssertLessThanOrEqual(try m(colour, "confidence"), 0.3)
        for r in [grey, colour] {
            XCTAssert((0...1).contains(try m(r, "confidence")))
            XCTAssertEqual(r.level?.value, 3, "untouched: \(r.explanation.english)")
        }
        XCTAssert(grey.explanation.english.contains("grey surfaces"), grey.explanation.english)
        XCTAssert(colour.explanation.english.contains("edges"), colour.explanation.english)
    }

    func testBenchmarkCastsAreCalledOnGreySurfacesAndNeutralised() throws {
        for (light, side) in [(Self.warm, 2), (Self.cold, 4)] {
            let r = assess(Self.scene(Self.withGreys, light: light), "greys, cast \(light)")
            XCTAssertEqual(r.level?.value, side, r.explanation.english)
            XCTAssertGreaterThanOrEqual(try m(r, "confidence"), 0.7)
            // greyEdgeU/V are the illuminant in ln R/G, ln B/G: close to the gains' own.
            XCTAssertEqual(try m(r, "greyEdgeU"), Double(log(light.0 / light.1)), accuracy: 0.03)
            XCTAssertEqual(try m(r, "greyEdgeV"), Double(log(light.2 / light.1)), accuracy: 0.03)
        }
    }

    func testMildCastWithoutGreySurfacesIsNotCalledStrongOneIs() throws {
        let mild = assess(Self.scene(Self.noGreys, light: Self.warm), "no greys, warm")
        XCTAssertEqual(mild.level?.value, 3, "a 6 ΔE cast with nothing grey to see it on: \(mild.explanation.english)")
        let strong = assess(Self.scene(Self.noGreys, light: (1.5, 1, 0.66)), "no greys, strong warm")
        XCTAssertLessThanOrEqual(strong.level?.value ?? 3, 2, strong.explanation.english)
    }

    func testExplanationsComeFromMeasuredValues() throws {
        let r = assess(Self.scene(Self.withGreys, light: Self.warm), "greys, warm")
        let conf = String(format: "%.2f", try m(r, "confidence"))
        XCTAssert(r.explanation.english.contains(conf), r.explanation.english)
        XCTAssert(r.explanation.chinese.contains(conf), r.explanation.chinese)
        XCTAssert(r.explanation.chinese.contains("偏暖"), r.explanation.chinese)
    }
}
