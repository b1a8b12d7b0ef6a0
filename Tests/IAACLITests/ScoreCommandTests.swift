import IAATestSupport
import Foundation
import IAACore
import XCTest

/// `iaa-enhance score` as a process.
final class ScoreCommandTests: XCTestCase {
    func iaa(_ args: [String]) throws -> (Int32, String, String) { try IAATestSupport.run(CLITests.binary, args) }

    func testJSONHasTheDocumentedKeys() throws {
        let photo = Fixture.path("photos/tulip_field.jpg")
        let (rc, out, err) = try iaa(["score", "--json", photo])
        XCTAssertEqual(rc, 0, err)
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        for key in ["file", "width", "height", "theme", "aesthetic", "quality", "factors", "levels", "rating"] {
            XCTAssertNotNil(obj[key], "missing \(key)")
        }
        XCTAssertEqual(obj["width"] as? Int, 768)
        XCTAssertTrue(["landscape", "plant"].contains(obj["theme"] as? String), "\(obj["theme"] ?? "nil")")
        let aesthetic = obj["aesthetic"] as! [String: Any]
        XCTAssertEqual((aesthetic["distribution"] as! [Double]).count, 10)
        XCTAssertEqual((aesthetic["distribution"] as! [Double]).reduce(0, +), 1, accuracy: 1e-3)
        XCTAssertTrue((1.0...10.0).contains(aesthetic["mean"] as! Double))
        let levels = obj["levels"] as! [String: Int]
        XCTAssertEqual(Set(levels.keys), ["Composition", "Colour", "CameraAngle", "LightAndShadow", "Sharpness", "Exposure",
                                          "WhiteBalance", "Saturation", "Noisiness", "Artifact", "Focus"])
        let factors = obj["factors"] as! [String: [String: Any]]
        XCTAssertEqual(factors.count, 13)
        for (id, f) in factors {
            XCTAssertTrue((0.0...10.0).contains(f["score"] as! Double), id)
            XCTAssertFalse((f["explanation"] as! String).isEmpty, id)
        }
        XCTAssertEqual(factors["exposure"]?["level"] as? Int, levels["Exposure"])
        XCTAssertTrue((1...5).contains(obj["rating"] as! Int))
    }

    func testRankingCSVExplainAndChinese() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A sharp photo and a badly blurred, noisy copy of it: the copy must rank lower.
        let original = Fixture.path("photos/vintage_cars.jpg")
        try FileManager.default.copyItem(atPath: original, toPath: dir + "/a_original.jpg")
        var image = try RGBCodecBridge.decode(original)
        image = try RGBCodecBridge.blurAndNoise(image)
        try RGBCodecBridge.write(image, to: dir + "/b_damaged.png")

        let csv = dir + "/scores.csv"
        let (rc, out, err) = try iaa(["score", "--sort", "quality", "--csv", csv, "--explain", dir + "/explain", "--lang", "zh", dir])
        XCTAssertEqual(rc, 0, err)
        let blocks = out.components(separatedBy: "\n").filter { !$0.hasPrefix(" ") && !$0.isEmpty }
        XCTAssertEqual(blocks.count, 2)
        XCTAssertTrue(blocks[0].contains("a_original.jpg"), "the clean photo must rank first by quality: \(blocks)")
        XCTAssertTrue(out.contains("曝光") || out.contains("正常"), "Chinese explanations expected")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 3)
        XCTAssertTrue(rows[0].hasPrefix("file,theme,overall,rating,aesthetic"))
        let pictures = try FileManager.default.contentsOfDirectory(atPath: dir + "/explain").sorted()
        XCTAssertTrue(pictures.contains("a_original.exposure-heatmap.png"), "\(pictures)")
        XCTAssertTrue(pictures.contains { $0.hasPrefix("a_original.colour-") }, "\(pictures)")
        XCTAssertTrue(pictures.contains { $0.hasPrefix("a_original.composition-") }, "\(pictures)")

        try FileManager.default.removeItem(atPath: dir + "/explain")
        let (r2, top, _) = try iaa(["score", "--sort", "sharpness", "--top", "1", dir])
        XCTAssertEqual(r2, 0)
        XCTAssertEqual(top.components(separatedBy: "\n").filter { !$0.hasPrefix(" ") && !$0.isEmpty }.count, 1)
        XCTAssertTrue(top.hasPrefix(dir + "/a_original.jpg"), top)
        XCTAssertEqual(try iaa(["score", "--sort", "nonsense", dir]).0, 2)
    }

    func testBadFileInABatchIsReportedAndTheRestScored() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Fixture.path("photos/macaws.jpg"), toPath: dir + "/good.jpg")
        try FileManager.default.copyItem(atPath: Fixture.path("malformed/sharp-truncated.jpg"), toPath: dir + "/bad.jpg")
        let (rc, out, err) = try iaa(["score", "--json", dir])
        XCTAssertEqual(rc, 1)
        XCTAssertEqual(out.split(separator: "\n").count, 1)
        XCTAssertTrue(out.contains("good.jpg"))
        XCTAssertTrue(err.contains("bad.jpg: is truncated"))
        XCTAssertTrue(err.contains("1 of 2 files failed"))
    }
}
