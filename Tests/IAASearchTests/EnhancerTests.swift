import IAACore
import IAAEdits
import IAASearch
import XCTest

/// Behaviour on real photos (Tests/Fixtures/photos, public domain/CC0), small proxies.
final class EnhancerTests: XCTestCase {
    let natural = { try! Support.enhancer.preset(named: nil, theme: nil) }()

    func testUntouchedGoodPhotoIsLeftAloneOrChangedLittle() throws {
        for name in ["tulip_field.jpg", "macaws.jpg"] {
            let img = try Support.photo(name)
            let e = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options())
            XCTAssertGreaterThanOrEqual(e.after.total, e.before.total, name)
            let de = ColorScience.meanDeltaE2000(img, e.afterProxy)
            XCTAssertLessThan(de, 4, "\(name): \(e.chain)")
            XCTAssertTrue(e.after.vetoes.isEmpty)
        }
    }

    func testUnderexposedCopyGetsBrighterAndCloser() throws {
        let original = try Support.photo("vintage_cars.jpg")
        let dark = Support.gains(original, 0.3536, 0.3536, 0.3536)  // −1.5 EV
        let e = try Support.enhancer.enhance(proxy: dark, preset: natural, options: Support.options())
        let ev = (e.chain.edit(.exposure)?.base as? ExposureEdit)?.params.ev ?? 0
        XCTAssertGreaterThan(ev, 0.3, "\(e.chain)")
        XCTAssertLessThan(ColorScience.meanDeltaE2000(original, e.afterProxy), ColorScience.meanDeltaE2000(original, dark))
    }

    func testWarmCastIsCooled() throws {
        let original = try Support.photo("vintage_cars.jpg")
        let warm = Support.gains(original, 1.08, 1.0, 0.86)  // the benchmark's warm cast
        let e = try Support.enhancer.enhance(proxy: warm, preset: natural, options: Support.options())
        let t = (e.chain.edit(.whiteBalance)?.base as? WhiteBalanceEdit)?.params.temperature ?? 0
        XCTAssertLessThan(t, -2, "\(e.chain)")
        XCTAssertLessThan(ColorScience.meanDeltaE2000(original, e.afterProxy), ColorScience.meanDeltaE2000(original, warm))
    }

    func testSameSeedSameRecipe() throws {
        let img = Support.gains(try Support.photo("carrots.jpg"), 0.6, 0.6, 0.6)
        let a = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options(budget: 10, seed: 7))
        let b = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options(budget: 10, seed: 7))
        XCTAssertEqual(a.chain.canonicalJSON, b.chain.canonicalJSON)
        XCTAssertEqual(a.after.total, b.after.total)
        XCTAssertLessThanOrEqual(a.search.evaluations, 10)
    }

    func testNoGeometryWhenTurnedOff() throws {
        let img = try Support.photo("sports_bicycles.jpg")
        let e = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options(budget: 8, geometry: false))
        XCTAssertNil(e.chain.edit(.crop))
        XCTAssertNil(e.chain.edit(.straighten))
        XCTAssertEqual(e.afterProxy.width, img.width)
        XCTAssertEqual(e.afterProxy.height, img.height)
    }

    func testRecordCarriesRecipeAndScores() throws {
        let img = Support.gains(try Support.photo("salad_bowl.jpg"), 0.4, 0.4, 0.4)
        let e = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options(budget: 8))
        let r = Support.enhancer.record(e)
        XCTAssertNoThrow(try r.validate())
        XCTAssertEqual(r.recipe, e.chain.canonicalJSON)
        XCTAssertNotNil(r.scoreBefore)
        XCTAssertNotNil(r.scoreAfter)
        XCTAssertEqual(r.levels.count, 11)
        XCTAssertEqual(try EditChain(jsonText: r.recipe!), e.chain)
    }
}
