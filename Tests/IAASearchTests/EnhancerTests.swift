import IAACore
import IAAEdits
import IAAImaging
@testable import IAASearch
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

    /// A high-key product shot on white reads over-exposed (its vivid balloons have a channel
    /// at 255); whatever the judge does, the white backdrop stays white.
    func testAHighKeyShotKeepsItsWhiteBackdrop() throws {
        let img = try Support.photo("birthday_balloons.jpg")
        let e = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options())
        if let ex = e.chain.edit(.exposure)?.base as? ExposureEdit, ex.params.ev < 0 {
            XCTAssertEqual(ex.params.protect, 1, "\(e.chain)")
        }
        // The top-left corner is backdrop: still white.
        let out = e.afterProxy
        for y in 0..<6 { for x in 0..<6 {
            let i = 3 * (y * out.width + x)
            XCTAssertGreaterThanOrEqual(out.pixels[i ..< i + 3].min()!, 248, "\(e.chain)")
        } }
    }

    /// σ 12 noise on the file (judged on the 1:1 window, drawn to scale on the proxy) is
    /// denoised, and the result is closer to the clean photo.
    func testANoisyCopyIsDenoised() throws {
        let clean = try Photo(path: Support.fixtures + "/photos/vintage_cars.jpg").proxy(longSide: 768)
        var noisy = clean
        var state: UInt64 = 7
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<noisy.pixels.count {
            let g = (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform())
            noisy.pixels[i] = UInt8(min(255, max(0, (Double(clean.pixels[i]) + 12 * g).rounded())))
        }
        let window = try RGBCodec.resize(noisy, longSide: 768)  // the whole file is the window
        let proxy = try RGBCodec.resize(noisy, longSide: Support.proxySide)
        let e = try Support.enhancer.enhance(proxy: proxy, window: window, preset: natural, options: Support.options(),
                                             photoLongSide: 768)
        let strength = (e.chain.edit(.denoise)?.base as? DenoiseEdit)?.params.strength ?? 0
        XCTAssertGreaterThan(strength, 50, "\(e.chain)")
        let context = EditContext(looks: try LookLibrary.bundled())
        let full = try ChainRenderer(proxy: noisy, context: context).render(e.chain)
        XCTAssertLessThan(ColorScience.meanDeltaE2000(clean, full), 0.8 * ColorScience.meanDeltaE2000(clean, noisy))
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

final class SearchGuardTests: XCTestCase {
    func testEveryEditOfTheWinnerEarnsItsPlace() throws {
        // An under-exposed copy: exposure must be fixed; whatever else the winner holds must
        // cost at least the edit margin when taken out.
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let dark = Support.gains(try Support.photo("vintage_cars.jpg"), 0.35, 0.35, 0.35)
        let options = Support.options(budget: 24)
        let e = try Support.enhancer.enhance(proxy: dark, preset: natural, options: options)
        XCTAssertNotNil(e.chain.edit(.exposure), "\(e.chain)")
        let judge = Judge(preset: natural, nima: nil, brisque: nil)
        let renderer = try ChainRenderer(proxy: dark, context: EditContext(looks: Support.enhancer.looks))
        let search = EditSearch(judge: judge, renderer: renderer, space: SearchSpace(preset: natural, geometry: false))
        let original = judge.measure([dark], depth: .classical)[0]
        let best = SearchPoint(chain: e.chain)
        let full = try search.evaluate([best], original: original)[0].verdict.total
        for kind in best.kinds {
            let without = try search.evaluate([EditSearch.restoring(best, kind: kind, to: .identity)], original: original)[0].verdict.total
            XCTAssertLessThan(without, full - options.search.editMargin + 1e-9, "\(kind) rides along in \(e.chain)")
        }
    }

    func testNoFaultsMeansNoSearch() throws {
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let img = try Support.photo("macaws.jpg")
        let e = try Support.enhancer.enhance(proxy: img, preset: natural, options: Support.options(budget: 32))
        if e.search.proposals.isEmpty {
            XCTAssertTrue(e.chain.edits.isEmpty, "\(e.chain)")
            XCTAssertLessThanOrEqual(e.search.evaluations, 3)
        }
    }
}
