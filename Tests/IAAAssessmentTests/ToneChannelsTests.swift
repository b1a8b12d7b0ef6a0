import Foundation
@testable import IAAAssessment
import IAACore
import XCTest

/// The tone pass gives the values of the per-pixel Lab path (table cbrt, polynomial hue) and
/// the saliency-grid means `Planes.resizeArea` gives, exactly.
final class ToneChannelsTests: XCTestCase {
    /// The per-pixel reference: L*, a*, b*, C*, hue and Y as the scalar Lab loop computes them.
    static func reference(_ img: RGBImage) -> (L: [Float], a: [Float], b: [Float], C: [Float], H: [Float], Y: [Float]) {
        let t = ColorSpace.fTable, lut = ColorSpace.linearLUT
        func f(_ v: Float) -> Float {
            let x = min(max(v, 0), 1) * Float(ColorSpace.fKnots)
            let i = min(Int(x), ColorSpace.fKnots - 1)
            return t[i] + (t[i + 1] - t[i]) * (x - Float(i))
        }
        var L: [Float] = [], A: [Float] = [], B: [Float] = [], C: [Float] = [], H: [Float] = [], Y: [Float] = []
        for i in 0..<img.pixelCount {
            let r = lut[Int(img.pixels[3 * i])], g = lut[Int(img.pixels[3 * i + 1])], b = lut[Int(img.pixels[3 * i + 2])]
            let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) * (1 / ColorSpace.xn)
            let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
            let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) * (1 / ColorSpace.zn)
            let aa = 500 * (f(x) - f(y)), bb = 200 * (f(y) - f(z))
            L.append(116 * f(y) - 16); A.append(aa); B.append(bb)
            C.append((aa * aa + bb * bb).squareRoot()); H.append(ColorSpace.hueDegrees(a: aa, b: bb)); Y.append(y)
        }
        return (L, A, B, C, H, Y)
    }

    func testToneIsThePerPixelLab() throws {
        var images = [PlanesTests.image(100, 70), PlanesTests.image(33, 9), PlanesTests.image(40, 30)]
        if let tulip = try Fixtures.photos().first(where: { $0.name == "tulip_field" }) { images.append(tulip.image) }
        for img in images {
            let ref = Self.reference(img)
            let ctx = AnalysisContext(image: img)
            let tone = ctx.tone
            XCTAssertEqual(tone.L, ref.L); XCTAssertEqual(tone.chroma, ref.C); XCTAssertEqual(tone.y, ref.Y)
            XCTAssertEqual(tone.hueBin, ref.H.map { UInt16(min(359, Int($0))) })
            // The public planes are the same values.
            let lab = ctx.lab
            XCTAssertEqual(lab.L, ref.L); XCTAssertEqual(lab.a, ref.a); XCTAssertEqual(lab.b, ref.b)
            XCTAssertEqual(lab.chroma, ref.C); XCTAssertEqual(lab.hue, ref.H)
            XCTAssertEqual(AnalysisContext(image: img).luminance, ref.Y)
            // Saliency-grid means, whether they come from the pass or (too small an image) from resizeArea.
            let g = Saliency.grid(width: img.width, height: img.height)
            let thumb = ctx.labThumbnail
            XCTAssertEqual(thumb.L, Planes.resizeArea(ref.L, img.width, img.height, to: g.width, g.height), "\(img.width)×\(img.height)")
            XCTAssertEqual(thumb.A, Planes.resizeArea(ref.a, img.width, img.height, to: g.width, g.height))
            XCTAssertEqual(thumb.B, Planes.resizeArea(ref.b, img.width, img.height, to: g.width, g.height))
            XCTAssertEqual(tone.cells == nil, img.width < g.width || img.height < g.height)
        }
    }
}
