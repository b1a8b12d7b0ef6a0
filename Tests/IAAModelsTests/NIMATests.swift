import Foundation
import IAACore
import IAAModels
import XCTest

final class NIMATests: XCTestCase {
    static let model = Result { try NIMA(weightsAt: Fixtures.weights(NIMA.entry.weightsFile)) }

    private func golden() throws -> [(name: String, mean: Double, probabilities: [Double])] {
        try Fixtures.tsv(Fixtures.neural.appendingPathComponent("nima_golden.tsv")).map { row in
            let name = ((row["file"]! as NSString).lastPathComponent as NSString).deletingPathExtension
            return (name, Double(row["mean"]!)!, (1...10).map { Double(row["p\($0)"]!)! })
        }
    }

    /// The exact 224×224 reference inputs give the float64 reference probabilities within 1e-4,
    /// scored as one batch (exercises batching too).
    func testProbabilitiesMatchGoldenOnReferenceInputs() throws {
        let nima = try Self.model.get()
        let rows = try golden()
        XCTAssertGreaterThanOrEqual(rows.count, 5)
        let images = try rows.map { try Fixtures.decode(Fixtures.neural.appendingPathComponent("nima_input224/\($0.name).png")) }
        for image in images { XCTAssertEqual(image.width, 224); XCTAssertEqual(image.height, 224) }
        let scores = nima.score(images)
        for (row, score) in zip(rows, scores) {
            for i in 0..<10 {
                XCTAssertEqual(score.probabilities[i], row.probabilities[i], accuracy: 1e-4, "\(row.name) p\(i + 1)")
            }
            XCTAssertEqual(score.mean, row.mean, accuracy: 1e-3, row.name)
            XCTAssertEqual(score.probabilities.reduce(0, +), 1, accuracy: 1e-5)
        }
    }

    /// Batch results equal single-image results (no cross-talk between batch entries).
    func testBatchEqualsSingle() throws {
        let nima = try Self.model.get()
        let rows = try golden().prefix(3)
        let images = try rows.map { try Fixtures.decode(Fixtures.neural.appendingPathComponent("nima_input224/\($0.name).png")) }
        let batched = nima.score(images)
        for (image, b) in zip(images, batched) {
            let single = nima.score(image)
            for i in 0..<10 { XCTAssertEqual(single.probabilities[i], b.probabilities[i], accuracy: 1e-6) }
        }
    }

    /// Original photos, decoded by libvips and resized with the same nearest rule, give the
    /// reference mean within 0.02 (the decoder may differ slightly from PIL's).
    func testMeanOnOriginalPhotos() throws {
        let nima = try Self.model.get()
        let rows = try golden()
        var checked = 0
        for name in ["carrots", "columbia_crew", "macaws", "salad_bowl", "sports_bicycles"] {
            let row = try XCTUnwrap(rows.first { $0.name == name })
            let photo = try Fixtures.decode(Fixtures.photos.appendingPathComponent("\(name).jpg"))
            let score = nima.score(photo)
            XCTAssertEqual(score.mean, row.mean, accuracy: 0.02, name)
            checked += 1
        }
        XCTAssertEqual(checked, 5)
    }

    /// The nearest resize reproduces the reference 224 input from the original photo exactly
    /// (up to JPEG decoder differences, which are rare ±1 steps).
    func testNearestResizeMatchesReferenceInput() throws {
        let photo = try Fixtures.decode(Fixtures.photos.appendingPathComponent("macaws.jpg"))
        let reference = try Fixtures.decode(Fixtures.neural.appendingPathComponent("nima_input224/macaws.png"))
        let resized = NIMA.resizeNearest(photo)
        XCTAssertEqual(resized.width, 224)
        var differing = 0
        for i in 0..<resized.pixels.count where abs(Int(resized.pixels[i]) - Int(reference.pixels[i])) > 2 { differing += 1 }
        XCTAssertLessThan(Double(differing) / Double(resized.pixels.count), 0.01)
    }

    /// Exact index rule on a small synthetic image (Pillow: src index ⌊(x + 0.5)·s⌋).
    func testNearestResizeIndexRule() {
        // 5×1 image with pixel values 0,10,20,30,40 in R; to 2×1 → s = 2.5, xo = 1.25, 3.75 → 1, 3.
        let src = RGBImage(width: 5, height: 1, pixels: [0, 0, 0, 10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0])
        XCTAssertEqual(NIMA.resizeNearest(src, width: 2, height: 1).pixels, [10, 0, 0, 30, 0, 0])
        // Upsampling 2→5: s = 0.4, xo = 0.2, 0.6, 1.0, 1.4, 1.8 → 0, 0, 1, 1, 1.
        let two = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(NIMA.resizeNearest(two, width: 5, height: 1).pixels, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 4, 5, 6])
    }

    func testDistributionStatistics() {
        var p = [Double](repeating: 0, count: 10)
        p[3] = 0.5; p[5] = 0.5  // scores 4 and 6
        let d = AestheticDistribution(probabilities: p)
        XCTAssertEqual(d.mean, 5, accuracy: 1e-12)
        XCTAssertEqual(d.standardDeviation, 1, accuracy: 1e-12)
    }

    func testRegistryEntry() throws {
        let entry = try XCTUnwrap(ModelRegistry.entry(named: "nima-ava"))
        XCTAssertEqual(entry.direction, .higherIsBetter)
        XCTAssertEqual(entry.scoreRange, 1...10)
        XCTAssertEqual(entry.weightsFile, "nima_mobilenet_ava.safetensors")
    }
}
