import IAAAssessment
import IAAEdits
@testable import IAASearch
import XCTest

final class CropCandidatesTests: XCTestCase {
    let keep = CropCandidates.Protected(
        faces: [FrameBox(x: 0.62, y: 0.2, width: 0.1, height: 0.15)],
        subject: FrameBox(x: 0.45, y: 0.15, width: 0.35, height: 0.6), centroid: (0.62, 0.45))

    func testEveryBoxKeepsTheFacesAndTheSubject() {
        let boxes = CropCandidates.boxes(width: 600, height: 400, keep: keep, count: 20)
        XCTAssertFalse(boxes.isEmpty)
        for b in boxes {
            XCTAssertTrue(keep.allows(b), "\(b)")
            XCTAssertGreaterThanOrEqual(b.width * b.height, 0.6 - 1e-9)
            XCTAssertGreaterThanOrEqual(b.x, 0); XCTAssertGreaterThanOrEqual(b.y, 0)
            XCTAssertLessThanOrEqual(b.x + b.width, 1 + 1e-9); XCTAssertLessThanOrEqual(b.y + b.height, 1 + 1e-9)
            let f = keep.faces[0]
            XCTAssertTrue(b.contains(f), "face cut by \(b)")
        }
    }

    func testBoxesComeInTheCommonAspectRatios() {
        let boxes = CropCandidates.boxes(width: 600, height: 400, keep: keep, minArea: 0.5, count: 40)
        let ratios = Set(boxes.map { (($0.width * 600) / ($0.height * 400) * 100).rounded() / 100 })
        XCTAssertTrue(ratios.contains(1.5), "\(ratios)")   // the original 3:2
        XCTAssertTrue(ratios.contains(1.33) || ratios.contains(1.0) || ratios.contains(1.78), "\(ratios)")
    }

    func testAFaceAtTheEdgeForbidsCroppingIt() {
        let edge = CropCandidates.Protected(faces: [FrameBox(x: 0.0, y: 0.4, width: 0.12, height: 0.2)],
                                            subject: FrameBox(x: 0.3, y: 0.3, width: 0.3, height: 0.3), centroid: (0.45, 0.45))
        XCTAssertFalse(edge.allows(FrameBox(x: 0.05, y: 0, width: 0.9, height: 1)))
        for b in CropCandidates.boxes(width: 600, height: 400, keep: edge, count: 20) { XCTAssertLessThanOrEqual(b.x, 0.005) }
    }

    func testKeptBoxOfStraightenAndCrop() {
        XCTAssertNil(CropCandidates.keptBox(SearchPoint(values: ["exposure.ev": 1]), width: 600, height: 400))
        let c = CropCandidates.keptBox(SearchPoint(values: ["crop.x": 0.1, "crop.y": 0.2, "crop.width": 0.5, "crop.height": 0.6]), width: 600, height: 400)!
        XCTAssertEqual(c.x, 0.1, accuracy: 1e-9); XCTAssertEqual(c.height, 0.6, accuracy: 1e-9)
        let s = CropCandidates.keptBox(SearchPoint(values: ["straighten.degrees": 3]), width: 600, height: 400)!
        XCTAssertLessThan(s.width, 1); XCTAssertEqual(s.x, (1 - s.width) / 2, accuracy: 1e-9)
    }
}
