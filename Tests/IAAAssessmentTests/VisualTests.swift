import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import XCTest

/// The visuals have the proxy's size (heat map, overlay) or a fixed square (wheel), and are
/// not blank. Set IAA_VISUALS_DIR to also write them as PNGs for a human look.
final class VisualTests: XCTestCase {
    func testVisualsRender() throws {
        let photos = try Fixtures.photos().filter { ["tulip_field", "macaws", "schoolgirls", "vintage_cars"].contains($0.name) }
        let dir = ProcessInfo.processInfo.environment["IAA_VISUALS_DIR"]
        for (name, img) in photos {
            let ctx = AnalysisContext(image: img)
            let results = [ExposureFactor().assess(ctx), ColourFactor().assess(ctx), CompositionFactor().assess(ctx)]
            for r in results {
                let v = try XCTUnwrap(r.visual, r.id)
                if r.id != "colour" { XCTAssertEqual(v.image.width, img.width); XCTAssertEqual(v.image.height, img.height) }
                let distinct = Set(stride(from: 0, to: v.image.pixels.count, by: 3 * 97).map { v.image.pixels[$0] })
                XCTAssertGreaterThan(distinct.count, 8, "\(r.id) visual of \(name) looks blank")
                if let dir { try RGBCodec.write(v.image, to: "\(dir)/\(name)-\(v.kind).png") }
            }
        }
    }

    func testExposureHeatMapColoursTheRightSide() throws {
        // Left half black, right half white, centre grey: blue, red, neutral.
        var p = [UInt8](repeating: 118, count: 90 * 30 * 3)
        for y in 0..<30 { for x in 0..<90 {
            let i = (y * 90 + x) * 3
            let v: UInt8 = x < 30 ? 0 : (x >= 60 ? 255 : 118)
            p[i] = v; p[i + 1] = v; p[i + 2] = v
        } }
        let heat = ExposureFactor.heatMap(AnalysisContext(image: RGBImage(width: 90, height: 30, pixels: p)))
        let dark = heat[10, 15], mid = heat[45, 15], bright = heat[80, 15]
        XCTAssertGreaterThan(Int(dark.2), Int(dark.0) + 100, "crushed black must be blue")
        XCTAssertGreaterThan(Int(bright.0), Int(bright.2) + 100, "clipped white must be red")
        XCTAssertLessThan(abs(Int(mid.0) - Int(mid.2)), 10, "mid-grey must stay neutral")
    }
}
