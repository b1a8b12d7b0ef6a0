import IAATestSupport
import Foundation
import IAACore
import XCTest

/// `iaa-enhance photo.jpg` as a process: small proxies and budgets keep the debug build quick.
final class EnhanceCommandTests: XCTestCase {
    func iaa(_ args: [String]) throws -> (Int32, String, String) { try IAATestSupport.run(CLITests.binary, args) }
    let fast = ["--budget", "6", "--proxy", "160"]

    static let exiftoolConfig: String = {
        var url = URL(fileURLWithPath: Fixture.root)
        url.deleteLastPathComponent(); url.deleteLastPathComponent()
        return url.appendingPathComponent("metadata/iaa-exiftool.config").path
    }()

    func testEnhanceIsTheDefaultAndKeepsMetadataAndOriginal() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/DSCN0021.jpg"
        try FileManager.default.copyItem(atPath: Fixture.path("imaging/formats/DSCN0021.jpg"), toPath: input)
        let before = Fixture.sha256(input)
        let (rc, out, err) = try iaa([input, "--json"] + fast)
        XCTAssertEqual(rc, 0, err)
        let output = dir + "/DSCN0021.enhanced.jpg"
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
        XCTAssertEqual(Fixture.sha256(input), before, "the original must not change")
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        XCTAssertEqual(obj["output"] as? String, output)
        XCTAssertNotNil(obj["before"])
        // EXIF kept (independent parser), iaa XMP with the recipe added.
        XCTAssertEqual(try exiftool("Make", output), "NIKON")
        let (_, recipe, _) = try IAATestSupport.run("/usr/bin/exiftool", ["-config", Self.exiftoolConfig, "-s3", "-XMP-iaa:Recipe", output])
        XCTAssertTrue(recipe.contains("iaa-recipe/1"), recipe)
        let (_, score, _) = try IAATestSupport.run("/usr/bin/exiftool", ["-config", Self.exiftoolConfig, "-s3", "-XMP-iaa:ScoreBefore", output])
        XCTAssertFalse(score.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    func testNoCropKeepsSizeAndFormatFollowsExtension() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Fixture.path("photos/sports_bicycles.jpg")
        let (rc, _, err) = try iaa([input, "-o", dir + "/out.png", "--no-crop"] + fast)
        XCTAssertEqual(rc, 0, err)
        XCTAssertEqual(try exiftool("ImageSize", dir + "/out.png"), try exiftool("ImageSize", input))
        XCTAssertEqual(try exiftool("FileType", dir + "/out.png"), "PNG")
    }

    func testBadFileInABatchExitsOneAndOthersAreWritten() throws {
        let dir = Fixture.tempDir(), out = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: out) }
        try FileManager.default.copyItem(atPath: Fixture.path("photos/carrots.jpg"), toPath: dir + "/a.jpg")
        try Data("not a photo".utf8).write(to: URL(fileURLWithPath: dir + "/b.jpg"))
        try FileManager.default.copyItem(atPath: Fixture.path("photos/macaws.jpg"), toPath: dir + "/c.jpg")
        let (rc, _, err) = try iaa([dir, "-o", out + "/"] + fast)
        XCTAssertEqual(rc, 1)
        XCTAssertTrue(err.contains("1 of 3 files failed"), err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/a.jpg"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/c.jpg"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/b.jpg"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains(AtomicWrite.temporaryMarker) }
        XCTAssertEqual(leftovers, [])
    }

    func testExplainWritesSideBySideAndSteps() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (rc, out, err) = try iaa([Fixture.path("photos/carrots.jpg"), "-o", dir + "/c.jpg", "--explain", dir + "/ex"] + fast)
        XCTAssertEqual(rc, 0, err)
        XCTAssertTrue(out.contains("exposure"), out)
        XCTAssertEqual(try exiftool("FileType", dir + "/ex/carrots.explain.png"), "PNG")
        let steps = try String(contentsOfFile: dir + "/ex/carrots.explain.txt", encoding: .utf8)
        XCTAssertTrue(steps.contains("original"))
        XCTAssertEqual(try IAATestSupport.run(CLITests.binary, [Fixture.path("photos/carrots.jpg"), "--preset", "nope"]).0, 1)
    }

    /// A photo the judge leaves alone is written without re-encoding: the same JPEG scan data,
    /// with the iaa record (and the recipe of no edits) added.
    func testAnUntouchedPhotoIsCopiedLosslesslyWithTheRecord() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = Fixture.path("photos/macaws.jpg")
        let (rc, out, err) = try iaa([input, "-o", dir + "/m.jpg", "--json", "--no-crop"] + fast)
        XCTAssertEqual(rc, 0, err)
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        let edits = ((obj["recipe"] as? [String: Any])?["edits"] as? [String: Any]) ?? [:]
        try XCTSkipUnless(edits.isEmpty, "the judge edited this photo: \(edits)")
        let a = Fixture.jpegScanData(input), b = Fixture.jpegScanData(dir + "/m.jpg")
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b, "scan data must be byte-identical")
        let (_, recipe, _) = try IAATestSupport.run("/usr/bin/exiftool", ["-config", Self.exiftoolConfig, "-s3", "-XMP-iaa:Recipe", dir + "/m.jpg"])
        XCTAssertTrue(recipe.contains("iaa-recipe/1"), recipe)
    }
}
