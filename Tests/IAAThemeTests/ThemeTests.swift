import Foundation
import IAACore
import IAAImaging
import IAAModels
import XCTest

/// Themes of clear fixture photos, and the rules for faces and darkness.
final class ThemeTests: XCTestCase {
    private func photo(_ name: String) throws -> RGBImage {
        try Fixtures.decode(Fixtures.photos.appendingPathComponent("\(name).jpg"))
    }

    func testClearPhotosByClasses() throws {
        let net = try EfficientNetTests.model()
        let expected: [(String, Set<PhotoTheme>)] = [
            ("salad_bowl", [.food]), ("macaws", [.animal]), ("red_eyed_tree_frog", [.animal]),
            ("tulip_field", [.landscape, .plant]), ("daisy_bouquet", [.plant]),
            ("vintage_cars", [.vehicle]), ("sports_bicycles", [.vehicle]), ("fruits_veggies", [.food]),
        ]
        for (name, themes) in expected {
            let r = net.theme(of: try photo(name))
            XCTAssertTrue(themes.contains(r.theme), "\(name): \(r.theme) from \(r.topLabels.map(\.label.name))")
            XCTAssertEqual(r.basis, .classes)
            XCTAssertEqual(r.confidence, r.classMass[r.theme]!, accuracy: 1e-12)
            XCTAssertEqual(r.classMass.values.reduce(0, +), 1, accuracy: 1e-4)
            XCTAssertFalse(r.evidence.isEmpty, name)
            XCTAssertTrue(r.evidence.allSatisfy { $0.theme == r.theme }, name)
        }
    }

    /// schoolgirls: without faces ImageNet sees objects; with YuNet's faces it is a portrait.
    func testFacesMakeAPortrait() throws {
        let net = try EfficientNetTests.model()
        let yunet = try YuNet(weightsAt: Fixtures.weights(YuNet.entry.weightsFile))
        let image = try photo("schoolgirls")
        let faces = yunet.detect(image)
        XCTAssertGreaterThanOrEqual(faces.count, 1)
        let evidence = FaceEvidence(faces: faces, width: image.width, height: image.height)
        let r = net.theme(of: image, faces: evidence)
        XCTAssertEqual(r.theme, .portrait, "\(evidence)")
        XCTAssertEqual(r.basis, .faces)
        XCTAssertNotEqual(net.theme(of: image).theme, .portrait)
        // A single tiny face (0.1 % of the frame) in a landscape does not make it a portrait.
        let tulips = try photo("tulip_field")
        XCTAssertNotEqual(net.theme(of: tulips, faces: FaceEvidence(count: 1, areaFraction: 0.001)).theme, .portrait)
    }

    /// A darkened photo is a night shot when luminance statistics are given, not otherwise.
    func testDarknessMakesNight() throws {
        let net = try EfficientNetTests.model()
        var image = try photo("vintage_cars")
        image.pixels = image.pixels.map { UInt8(Double($0) * 0.12) }
        let lum = LuminanceEvidence(image: image)
        XCTAssertLessThan(lum.meanLuma, ThemeClassifier.nightMeanLuma)
        let r = net.theme(of: image, luminance: lum)
        XCTAssertEqual(r.theme, .night)
        XCTAssertEqual(r.basis, .luminance)
        XCTAssertGreaterThan(r.confidence, 0.5)
        XCTAssertNotEqual(net.theme(of: image).theme, .night)
        // The undarkened photo with its own statistics stays a vehicle.
        let day = try photo("vintage_cars")
        XCTAssertEqual(net.theme(of: day, luminance: LuminanceEvidence(image: day)).theme, .vehicle)
    }

    /// Every class has one theme; spot checks of the table against the class names.
    func testTableIsConsistent() throws {
        var seen = Set<Int>()
        for (_, indices) in ThemeClassifier.table {
            for i in indices {
                XCTAssertTrue((0..<1000).contains(i))
                XCTAssertTrue(seen.insert(i).inserted, "class \(i) is in two themes")
            }
        }
        let classes = try ImageNetClasses(path: Fixtures.weights(ImageNetClasses.fileName))
        let checks: [(String, PhotoTheme)] = [
            ("seashore", .landscape), ("valley", .landscape), ("church", .architecture), ("mosque", .architecture),
            ("triumphal arch", .architecture), ("pizza", .food), ("guacamole", .food), ("daisy", .plant),
            ("yellow lady's slipper", .plant), ("cab", .vehicle), ("mountain bike", .vehicle), ("macaw", .animal),
            ("groom", .portrait), ("teapot", .object),
        ]
        for (name, theme) in checks {
            let i = try XCTUnwrap(classes.names.firstIndex(of: name), name)
            XCTAssertEqual(ThemeClassifier.classTheme[i], theme, name)
        }
    }
}
