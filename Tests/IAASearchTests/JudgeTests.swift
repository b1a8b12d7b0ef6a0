import IAACore
import IAAEdits
import IAAImaging
import IAASearch
import XCTest

final class JudgeTests: XCTestCase {
    let natural = { try! Support.enhancer.preset(named: "natural", theme: nil) }()

    func judge() -> Judge { Judge(preset: natural, nima: nil, brisque: nil) }

    func testPushingANormalFactorToAFaultIsVetoed() throws {
        let img = try Support.photo("tulip_field.jpg")
        let j = judge()
        let obs = j.measure([img, Support.gains(img, 0.08, 0.08, 0.08)])  // −3.6 EV
        XCTAssertFalse(obs[0].factor("exposure")!.level!.isFault)
        let v = j.verdict(obs[1], original: obs[0], point: SearchPoint(values: ["exposure.ev": -1]))
        XCTAssertTrue(v.vetoes.contains("exposure"))
        XCTAssertEqual(v.total, -.infinity)
        XCTAssertTrue(j.verdict(obs[0], original: obs[0]).vetoes.isEmpty)
    }

    func testPenaltyGrowsWithEditSize() {
        let j = judge()
        let small = j.editSize(SearchPoint(values: ["exposure.ev": 0.625]))
        let large = j.editSize(SearchPoint(values: ["exposure.ev": 2.5]))
        XCTAssertEqual(j.editSize(.identity), 0)
        XCTAssertEqual(large, 1, accuracy: 1e-9)  // the edge of natural's −2…+2.5 EV range
        XCTAssertEqual(small, 1.0 / 16, accuracy: 1e-9)
        XCTAssertEqual(j.editSize(SearchPoint(values: ["exposure.ev": -2])), 1, accuracy: 1e-9)
        // A preset's style costs nothing: size counts from the base.
        let base = SearchPoint(values: ["colour.vibrance": 20])
        XCTAssertEqual(j.editSize(base, from: base), 0)
    }

    func testWeightsAreRenormalisedOverMeasuredFactors() throws {
        let j = judge()
        let v = j.verdict(j.measure([try Support.photo("macaws.jpg")])[0], original: nil)
        XCTAssertNil(v.factor("aesthetic"))  // no NIMA loaded
        XCTAssertEqual(v.factors.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-9)
        XCTAssertEqual(v.factors.count, 11)
    }

    func testAestheticScaleNeverActsAlone() {
        // The learned score's weight is the preset's (0.3 in natural), so a full swing of it
        // (0 → 10) cannot outweigh the classical factors together.
        XCTAssertEqual(Judge.aestheticScore(mean: 3.5), 0)
        XCTAssertEqual(Judge.aestheticScore(mean: 7.5), 10)
        XCTAssertLessThan(natural.weights["aesthetic"]!, 0.5)
    }
}

final class JudgeCreditTests: XCTestCase {
    func testGainsOnFactorsThatWereFineEarnOnlyTheTasteShare() throws {
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let vivid = try Support.enhancer.preset(named: "vivid", theme: nil)
        XCTAssertEqual(natural.taste, 0)
        XCTAssertGreaterThan(vivid.taste, 0)
        let img = try Support.photo("tulip_field.jpg")
        for preset in [natural, vivid] {
            let j = Judge(preset: preset, nima: nil, brisque: nil)
            let obs = j.measure([img, Support.gains(img, 1.3, 1.3, 1.3)], depth: .classical)
            let v = j.verdict(obs[1], original: obs[0])
            for f in v.factors {
                guard let before = obs[0].factor(f.id), let l = before.level, !l.isFault else { continue }
                let gain = max(0, f.score - before.score)
                XCTAssertEqual(f.credited, min(f.score, before.score) + preset.taste * gain, accuracy: 1e-9, "\(preset.id) \(f.id)")
            }
        }
    }

    func testTheGainOnAFaultIsCreditedFaultGainTimesOver() throws {
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let img = try Support.photo("vintage_cars.jpg")
        let j = Judge(preset: natural, nima: nil, brisque: nil)
        let obs = j.measure([Support.gains(img, 0.3, 0.3, 0.3), img], depth: .classical)
        let before = obs[0].factor("exposure")!
        XCTAssertTrue(before.level!.isFault)
        let v = j.verdict(obs[1], original: obs[0])
        let f = v.factor("exposure")!
        XCTAssertGreaterThan(f.score, before.score + 1)
        XCTAssertEqual(f.credited, before.score + j.faultGain * (f.score - before.score), accuracy: 1e-9)
        // The same edit judged with a gain of 1 is credited its score.
        j.faultGain = 1
        XCTAssertEqual(j.verdict(obs[1], original: obs[0]).factor("exposure")!.credited, f.score, accuracy: 1e-9)
    }

    func testDenoiseAndSharpenCannotChangeColourOrTone() throws {
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let img = try Support.photo("vintage_cars.jpg")
        let j = Judge(preset: natural, nima: nil, brisque: nil)
        // A measurement whose white balance and exposure differ from the original's.
        let obs = j.measure([img, Support.gains(img, 1.6, 1.3, 0.9)], depth: .classical)
        for id in ["whiteBalance", "exposure"] {
            XCTAssertGreaterThan(abs(obs[0].factor(id)!.score - obs[1].factor(id)!.score), 0.5, id)
        }
        let detail = j.verdict(obs[1], original: obs[0], point: SearchPoint(values: ["denoise.strength": 80, "sharpen.amount": 20]))
        for id in ["whiteBalance", "exposure"] {
            XCTAssertEqual(detail.factor(id)!.credited, obs[0].factor(id)!.score, accuracy: 1e-9, id)
            XCTAssertFalse(detail.vetoes.contains(id))
        }
        let colour = j.verdict(obs[1], original: obs[0], point: SearchPoint(values: ["denoise.strength": 80, "whiteBalance.temperature": 20]))
        XCTAssertEqual(colour.factor("whiteBalance")!.credited, min(obs[1].factor("whiteBalance")!.score, obs[0].factor("whiteBalance")!.score),
                       accuracy: 1e-9)
    }

    func testOnlyAGeometricEditCanChangeTheCameraAngle() throws {
        let natural = try Support.enhancer.preset(named: "natural", theme: nil)
        let img = try Support.photo("vintage_cars.jpg")
        let j = Judge(preset: natural, nima: nil, brisque: nil)
        // A photo whose camera-angle score differs from the original's.
        let tilted = try RGBCodec.rotate(img, degrees: 6)
        let obs = j.measure([img, tilted], depth: .classical)
        let o = obs[0].factor("cameraAngle")!.score, t = obs[1].factor("cameraAngle")!.score
        XCTAssertGreaterThan(abs(o - t), 0.5, "the fixture must show the tilt")
        let tonal = j.verdict(obs[1], original: obs[0], point: SearchPoint(values: ["denoise.strength": 50]))
        XCTAssertEqual(tonal.factor("cameraAngle")!.credited, o, accuracy: 1e-9)
        XCTAssertFalse(tonal.vetoes.contains("cameraAngle"))
        let geometric = j.verdict(obs[1], original: obs[0], point: SearchPoint(values: ["straighten.degrees": 6]))
        XCTAssertEqual(geometric.factor("cameraAngle")!.credited, min(t, o) + natural.taste * max(0, t - o), accuracy: 1e-9)
    }
}
