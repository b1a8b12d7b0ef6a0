import Foundation
import IAACore
@testable import IAAModels
import XCTest

final class YuNetTests: XCTestCase {
    static let model = Result { try YuNet(weightsAt: Fixtures.weights(YuNet.entry.weightsFile)) }

    private struct Reference: Decodable {
        struct Case: Decodable {
            struct F: Decodable { let box: [Double]; let score: Double; let landmarks: [Double] }
            let photo: String
            let crop: [Int]?
            let width: Int
            let height: Int
            let faces: [F]
        }
        let cases: [Case]
    }

    private static func crop(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        var px: [UInt8] = []
        px.reserveCapacity(width * height * 3)
        for y in 0..<height { px += image.pixels[(y * image.width * 3)..<(y * image.width * 3 + width * 3)] }
        return RGBImage(width: width, height: height, pixels: px)
    }

    /// Same input as onnxruntime + OpenCV's decoding (Tools/yunet_reference.py): every reference
    /// face is found with IoU ≥ 0.9 and a score within 0.01, landmarks within 2 px, and no extras.
    func testMatchesOnnxRuntimeReference() throws {
        let yunet = try Self.model.get()
        let data = try Data(contentsOf: Fixtures.neural.appendingPathComponent("yunet_reference.json"))
        let ref = try JSONDecoder().decode(Reference.self, from: data)
        XCTAssertEqual(ref.cases.count, 4)
        var total = 0
        for c in ref.cases {
            var image = try Fixtures.decode(Fixtures.photos.appendingPathComponent(c.photo))
            if let crop = c.crop { image = Self.crop(image, width: crop[0], height: crop[1]) }
            XCTAssertEqual([image.width, image.height], [c.width, c.height])
            let faces = yunet.detect(image, maxSide: nil)
            XCTAssertEqual(faces.count, c.faces.count, c.photo)
            for f in c.faces {
                let r = Face(x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3], score: f.score,
                             landmarks: (0..<5).map { Face.Point(x: f.landmarks[2 * $0], y: f.landmarks[2 * $0 + 1]) })
                guard let best = faces.max(by: { $0.iou(r) < $1.iou(r) }) else { XCTFail("\(c.photo): no faces"); continue }
                XCTAssertGreaterThanOrEqual(best.iou(r), 0.9, c.photo)
                XCTAssertEqual(best.score, r.score, accuracy: 0.01, c.photo)
                for (a, b) in zip(best.landmarks, r.landmarks) {
                    XCTAssertEqual(a.x, b.x, accuracy: 2); XCTAssertEqual(a.y, b.y, accuracy: 2)
                }
                total += 1
            }
        }
        XCTAssertGreaterThanOrEqual(total, 20)
    }

    /// Reducing a photo to 640 px finds the same crew faces, mapped back to full-size pixels.
    func testReducedInputMapsBackToInputPixels() throws {
        let yunet = try Self.model.get()
        let image = try Fixtures.decode(Fixtures.photos.appendingPathComponent("columbia_crew.jpg"))
        let full = yunet.detect(image, maxSide: nil)
        let reduced = yunet.detect(image, maxSide: 384)
        XCTAssertEqual(reduced.count, full.count)
        for f in full {
            let best = reduced.map { $0.iou(f) }.max() ?? 0
            XCTAssertGreaterThan(best, 0.7)
        }
    }

    func testNoFacesOnPlainImageAndScoresSorted() throws {
        let yunet = try Self.model.get()
        XCTAssertTrue(yunet.detect(RGBImage(width: 100, height: 70, fill: (128, 128, 128))).isEmpty)
        let faces = yunet.detect(try Fixtures.decode(Fixtures.photos.appendingPathComponent("schoolgirls.jpg")))
        XCTAssertEqual(faces.map(\.score), faces.map(\.score).sorted(by: >))
    }

    func testNMSKeepsHighestOfOverlappingBoxes() {
        let a = Face(x: 0, y: 0, width: 10, height: 10, score: 0.9, landmarks: [])
        let b = Face(x: 1, y: 1, width: 10, height: 10, score: 0.8, landmarks: [])  // IoU 81/119 ≈ 0.68
        let c = Face(x: 20, y: 0, width: 10, height: 10, score: 0.7, landmarks: [])
        XCTAssertEqual(YuNet.nms([b, c, a], threshold: 0.3), [a, c])
        XCTAssertEqual(YuNet.nms([b, c, a], threshold: 0.7), [a, b, c])
    }

    func testAreaResizeAveragesExactly() {
        // 4×2 → 2×1: each output is the mean of a 2×2 block.
        let img = RGBImage(width: 4, height: 2, pixels: [0, 0, 0, 10, 10, 10, 100, 0, 0, 200, 0, 0,
                                                         20, 20, 20, 30, 30, 30, 100, 0, 0, 200, 0, 0])
        XCTAssertEqual(YuNet.areaResize(img, width: 2, height: 1).pixels, [15, 15, 15, 150, 0, 0])
    }
}
