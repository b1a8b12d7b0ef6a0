import XCTest
import IAACore
import IAAImaging
@testable import IAAModels

final class BrisqueTests: XCTestCase {
    func testMatchesOpenCVOnFixtures() throws {
        let model = try Brisque(weightsPath: QualityFixtures.brisqueWeights)
        var worst = 0.0
        for ref in QualityFixtures.references {
            let score = try model.score(QualityFixtures.decode(ref))
            XCTAssertEqual(score, ref.brisque, accuracy: 0.5, ref.file)
            worst = max(worst, abs(score - ref.brisque))
        }
        print("BRISQUE: max |Swift − OpenCV| over \(QualityFixtures.references.count) images = \(worst)")
        XCTAssertGreaterThan(QualityFixtures.references.count, 12)
    }

    func testMatchesOpenCVOnOddSizedCrops() throws {
        let model = try Brisque(weightsPath: QualityFixtures.brisqueWeights)
        for ref in QualityFixtures.cropReferences {
            let score = try model.score(QualityFixtures.decode(ref))
            XCTAssertEqual(score, ref.brisque, accuracy: 0.5, "\(ref.file) \(ref.width)×\(ref.height)")
            print("BRISQUE crop \(ref.width)×\(ref.height): |Swift − OpenCV| = \(abs(score - ref.brisque))")
        }
    }

    func testFlatImageIsRefused() throws {
        let model = try Brisque(weightsPath: QualityFixtures.brisqueWeights)
        XCTAssertThrowsError(try model.score(RGBImage(width: 64, height: 48, fill: (128, 128, 128)))) { error in
            XCTAssertEqual((error as? IAAError)?.kind, .invalidArgument)
        }
    }

    func testGaussianKernelIsOpenCVs() {
        // cv2.getGaussianKernel(7, 7/6, cv2.CV_32F)
        let expected: [Float] = [0.01256020087748766, 0.07882796227931976, 0.23729607462882996, 0.3426315188407898,
                                 0.23729607462882996, 0.07882796227931976, 0.01256020087748766]
        XCTAssertEqual(OpenCVFloat.gaussian7, expected)
    }

    func testGrayIsOpenCVFixedPoint() {
        // cv2.cvtColor(…, COLOR_RGB2GRAY) for these samples (checked with OpenCV 4.14).
        let img = RGBImage(width: 3, height: 1, pixels: [255, 0, 0, 0, 255, 0, 10, 200, 77])
        let g = BrisqueFeatures.gray(img).map { Int(($0 * 255).rounded()) }
        XCTAssertEqual(g, [76, 150, 129])
    }

    func testBlurAndNoiseRaiseTheScore() throws {
        let model = try Brisque(weightsPath: QualityFixtures.brisqueWeights)
        for name in ["columbia_crew", "tulip_field", "carrots"] {
            let img = try Photo(path: QualityFixtures.fixtures.appendingPathComponent("photos/\(name).jpg").path).proxy(longSide: 768)
            let base = try model.score(img)
            let blurred = try model.score(RGBCodec.gaussianBlur(img, sigma: 2))
            let noisy = try model.score(QualityFixtures.noisy(img, sigma: 15, seed: 7))
            XCTAssertGreaterThan(blurred, base + 10, name)
            XCTAssertGreaterThan(noisy, base + 10, name)
        }
    }

    func testOddSizesWork() throws {
        let model = try Brisque(weightsPath: QualityFixtures.brisqueWeights)
        let img = try Photo(path: QualityFixtures.fixtures.appendingPathComponent("photos/macaws.jpg").path).proxy(longSide: 501)
        let s = try model.score(img)
        XCTAssert((0...100).contains(s))
    }
}
