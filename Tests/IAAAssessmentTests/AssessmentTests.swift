import Foundation
import IAAAssessment
import IAACore
import XCTest

/// The protocol contract: every factor fills the same fields, levels use the F.740.4 names,
/// and the optional inputs (faces, saliency) reach the factors.
final class AssessmentTests: XCTestCase {
    func testEveryFactorFillsTheContract() throws {
        let (_, img) = try XCTUnwrap(Fixtures.photos().first { $0.name == "schoolgirls" })
        let a = Assessor().assess(AnalysisContext(image: img))
        XCTAssertEqual(Set(a.results.map(\.id)).count, a.results.count, "ids must be unique")
        XCTAssertEqual(Set(a.levels.keys), Set(AestheticAttribute.allCases.map(\.rawValue)))
        for r in a.results {
            XCTAssert((0...10).contains(r.score), r.id)
            XCTAssert(r.raw.isFinite, r.id)
            let level = try XCTUnwrap(r.level, r.id)
            XCTAssert(level.attribute.levels.contains(level.value), r.id)
            // Explanations come from measured values: both languages, each with a number in it.
            XCTAssert(r.explanation.english.contains { $0.isNumber }, r.explanation.english)
            XCTAssert(r.explanation.chinese.contains { $0.isNumber }, r.explanation.chinese)
            XCTAssert(r.explanation.chinese.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, r.explanation.chinese)
            if case .twoSided = r.direction { XCTAssert(r.scale.range.contains(0), r.id) }
        }
    }

    func testFacesAndExternalSaliencyDriveTheSubject() throws {
        let (_, img) = try XCTUnwrap(Fixtures.photos().first { $0.name == "tulip_field" })
        let face = FaceBox(x: 20, y: 20, width: 60, height: 60)
        let withFace = AnalysisContext(image: img, faces: [face]).coarseSaliency.centroid
        let plain = AnalysisContext(image: img).coarseSaliency.centroid
        XCTAssertLessThan(withFace.x, plain.x, "a face in the top-left corner pulls the subject there")
        XCTAssertLessThan(withFace.y, plain.y)
        // An external map replaces the classical cues: a bright right edge moves the centroid right.
        var m = [Float](repeating: 0, count: 64 * 32)
        for y in 0..<32 { for x in 56..<64 { m[y * 64 + x] = 1 } }
        let ext = AnalysisContext(image: img, saliency: GrayImage(width: 64, height: 32, pixels: m)).coarseSaliency.centroid
        XCTAssertGreaterThan(ext.x, 0.8)
    }

    func testLevelLabelsAndFaultSides() {
        XCTAssertEqual(AestheticAttribute.whiteBalance.label(1).english, "too warm")
        XCTAssertEqual(AestheticAttribute.whiteBalance.label(5).english, "too cold")
        XCTAssertTrue(AttributeLevel(attribute: .exposure, value: 4).isFault)
        XCTAssertFalse(AttributeLevel(attribute: .sharpness, value: 5).isFault)
        XCTAssertTrue(AttributeLevel(attribute: .noisiness, value: 2).isFault)
        XCTAssertFalse(AttributeLevel(attribute: .composition, value: 2).isFault)
    }

    func testFlatGreyIsNeutralAndClean() {
        let grey = AnalysisContext(image: RGBImage(width: 96, height: 64, fill: (119, 119, 119)))
        let wb = WhiteBalanceFactor().assess(grey)
        XCTAssertLessThan(abs(wb.raw), 0.5)
        XCTAssertEqual(NoiseFactor().assess(grey).level?.value, 3)
        XCTAssertEqual(ArtifactFactor().assess(grey).level?.value, 3)
        XCTAssertEqual(SaturationFactor().assess(grey).level?.value, 1, "no chroma at all is too dim")
    }
}
