import XCTest
import IAACore
import IAAImaging
@testable import IAAModels

final class NiqeTests: XCTestCase {
    func testMatchesBasicSROnFixtures() throws {
        let model = try Niqe(weightsPath: QualityFixtures.niqeWeights)
        var worst = 0.0
        for ref in QualityFixtures.references {
            let score = try model.score(QualityFixtures.decode(ref))
            XCTAssertEqual(score, ref.niqe, accuracy: 0.05, ref.file)
            worst = max(worst, abs(score - ref.niqe))
        }
        print("NIQE: max |Swift − BasicSR| over \(QualityFixtures.references.count) images = \(worst)")
    }

    func testMatchesBasicSROnOddSizedCrops() throws {
        let model = try Niqe(weightsPath: QualityFixtures.niqeWeights)
        for ref in QualityFixtures.cropReferences {
            let score = try model.score(QualityFixtures.decode(ref))
            XCTAssertEqual(score, ref.niqe, accuracy: 0.05, "\(ref.file) \(ref.width)×\(ref.height)")
            print("NIQE crop \(ref.width)×\(ref.height): |Swift − BasicSR| = \(abs(score - ref.niqe))")
        }
    }

    func testBlurAndNoiseRaiseTheScore() throws {
        let model = try Niqe(weightsPath: QualityFixtures.niqeWeights)
        for name in ["columbia_crew", "tulip_field", "carrots"] {
            let img = try Photo(path: QualityFixtures.fixtures.appendingPathComponent("photos/\(name).jpg").path).proxy(longSide: 768)
            let base = try model.score(img)
            XCTAssertGreaterThan(try model.score(RGBCodec.gaussianBlur(img, sigma: 2)), base + 1, name)
            XCTAssertGreaterThan(try model.score(QualityFixtures.noisy(img, sigma: 15, seed: 7)), base + 1, name)
        }
    }

    func testHalfSizeWeightsAreMatlabs() {
        XCTAssertEqual(MatlabImage.halfWeights, [-0.01171875, -0.03515625, 0.11328125, 0.43359375,
                                                 0.43359375, 0.11328125, -0.03515625, -0.01171875])
    }

    func testTooSmallOrFlatImagesAreRefused() throws {
        let model = try Niqe(weightsPath: QualityFixtures.niqeWeights)
        XCTAssertThrowsError(try model.score(RGBImage(width: 150, height: 150, fill: (90, 90, 90))))
        XCTAssertThrowsError(try model.score(RGBImage(width: 400, height: 300, fill: (90, 90, 90))))
    }

    func testPseudoInverseOfSymmetricMatrix() {
        let m: [Double] = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2]
        let inv = SymmetricMatrix.pseudoInverse(m, n: 3)
        for i in 0..<3 { for j in 0..<3 {
            let p = (0..<3).reduce(0.0) { $0 + m[i * 3 + $1] * inv[$1 * 3 + j] }
            XCTAssertEqual(p, i == j ? 1 : 0, accuracy: 1e-12)
        } }
    }
}
