import IAACore
import IAAEdits
@testable import IAASearch
import XCTest

/// What choosing a preset does: a named preset's style is applied to every photo (guarded by
/// the vetoes), a preset chosen by theme only changes what the judge weighs.
final class PresetStyleTests: XCTestCase {
    func testBlackAndWhitePresetMakesTheResultGrey() throws {
        let bw = try Support.enhancer.preset(named: "bw", theme: nil)
        let img = try Support.photo("macaws.jpg")
        let e = try Support.enhancer.enhance(proxy: img, preset: bw, options: Support.options(budget: 8))
        XCTAssertNotNil(e.chain.edit(.look), "\(e.chain)")
        var maxSpread = 0
        for i in 0..<e.afterProxy.pixelCount {
            let p = e.afterProxy.pixels[(3 * i)..<(3 * i + 3)]
            maxSpread = max(maxSpread, Int(p.max()!) - Int(p.min()!))
        }
        XCTAssertLessThanOrEqual(maxSpread, 3, "channels of a black-and-white result stay equal")
    }

    func testVividStyleIsAppliedEvenWithoutFaults() throws {
        let vivid = try Support.enhancer.preset(named: "vivid", theme: nil)
        let e = try Support.enhancer.enhance(proxy: try Support.photo("tulip_field.jpg"), preset: vivid, options: Support.options(budget: 8))
        XCTAssertEqual(e.search.base.point, SearchSpace(preset: vivid, geometry: false).style)
        let v = (e.chain.edit(.colour)?.base as? ColourEdit)?.params.vibrance ?? 0
        XCTAssertGreaterThan(v, 0, "\(e.chain)")
    }

    func testThemeChoosesWeightsButNoStyle() throws {
        let auto = try Support.enhancer.preset(named: nil, theme: "landscape")
        let named = try Support.enhancer.preset(named: "landscape", theme: nil)
        XCTAssertEqual(auto.weights, named.weights)
        XCTAssertEqual(auto.ranges, named.ranges)
        XCTAssertTrue(auto.style.isEmpty)
        XCTAssertNil(auto.look)
        XCTAssertEqual(auto.taste, 0)
        XCTAssertFalse(named.style.isEmpty)
        XCTAssertEqual(try Support.enhancer.preset(named: nil, theme: "food").id, "natural")
    }

    func testNoCorrectionForAFactorThePresetDoesNotWeigh() throws {
        let bw = try Support.enhancer.preset(named: "bw", theme: nil)
        let warm = Support.gains(try Support.photo("vintage_cars.jpg"), 1.15, 1.0, 0.75)
        let judge = Judge(preset: bw, nima: nil, brisque: nil)
        let obs = judge.measure([warm], depth: .classical)[0]
        let space = SearchSpace(preset: bw, geometry: false)
        XCTAssertTrue(obs.factor("whiteBalance")!.level!.isFault)
        XCTAssertTrue(Proposals.propose(obs, space: space).contains { $0.kind == .whiteBalance })
        XCTAssertFalse(Proposals.propose(obs, space: space, weights: bw.weights).contains { $0.kind == .whiteBalance })
    }
}
