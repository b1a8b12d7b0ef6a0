import IAATestSupport
import Foundation
import IAACore
import XCTest

/// `iaa-enhance tag` as a process: assessment written as XMP without touching a pixel.
final class TagCommandTests: XCTestCase {
    func iaa(_ args: [String]) throws -> (Int32, String, String) { try IAATestSupport.run(CLITests.binary, args) }
    let config = Fixture.path("../../metadata/iaa-exiftool.config")

    func scanData(_ path: String) -> [UInt8] { Fixture.jpegScanData(path) }

    func testCopyInPlaceSidecarRatingAndStrip() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let photo = dir + "/nikon.jpg"
        try FileManager.default.copyItem(atPath: Fixture.path("metadata/nikon_gps.jpg"), toPath: photo)
        let original = Fixture.sha256(photo)

        // Default: a tagged copy beside the photo; the original is untouched.
        var (rc, out, err) = try iaa(["tag", photo])
        XCTAssertEqual(rc, 0, err)
        XCTAssertTrue(out.contains("nikon.tagged.jpg"))
        let copy = dir + "/nikon.tagged.jpg"
        XCTAssertEqual(Fixture.sha256(photo), original)
        XCTAssertEqual(scanData(copy), scanData(photo), "pixels were re-encoded")
        let level = try IAATestSupport.run("/usr/bin/exiftool", ["-config", config, "-s3", "-XMP-iaa:Exposure", copy]).1
        XCTAssertTrue(["1", "2", "3", "4", "5"].contains(level.trimmingCharacters(in: .whitespacesAndNewlines)), level)
        XCTAssertFalse(try exiftool("GPSLatitude", copy).isEmpty, "GPS lost")
        XCTAssertEqual(try exiftool("Make", copy), try exiftool("Make", photo))
        let stars = try exiftool("XMP-xmp:Rating", copy)
        XCTAssertTrue(["1", "2", "3", "4", "5"].contains(stars), stars)

        // exiv2 reads the same record.
        let exiv2 = try IAATestSupport.run("/usr/bin/exiv2", ["-px", copy]).1
        XCTAssertTrue(exiv2.contains("Xmp.iaa.Exposure"), exiv2)

        // A user's rating is kept, unless --overwrite-rating.
        _ = try IAATestSupport.run("/usr/bin/exiftool", ["-q", "-overwrite_original", "-XMP-xmp:Rating=5", photo])
        (rc, _, err) = try iaa(["tag", "--in-place", photo])
        XCTAssertEqual(rc, 0, err)
        XCTAssertEqual(try exiftool("XMP-xmp:Rating", photo), "5")
        XCTAssertFalse(try IAATestSupport.run("/usr/bin/exiftool", ["-config", config, "-s3", "-XMP-iaa:AestheticScore", photo]).1.isEmpty)
        (rc, _, err) = try iaa(["tag", "--in-place", "--overwrite-rating", photo])
        XCTAssertEqual(rc, 0, err)
        XCTAssertEqual(try exiftool("XMP-xmp:Rating", photo), stars)

        // Tagging twice leaves one packet; --strip removes only iaa.
        (rc, _, err) = try iaa(["tag", "--in-place", "--strip", photo])
        XCTAssertEqual(rc, 0, err)
        XCTAssertTrue(try IAATestSupport.run("/usr/bin/exiftool", ["-config", config, "-s3", "-XMP-iaa:all", photo]).1.isEmpty)
        XCTAssertEqual(try exiftool("XMP-xmp:Rating", photo), stars)

        // Sidecar: the photo's bytes stay as they are.
        let before = Fixture.sha256(photo)
        (rc, _, err) = try iaa(["tag", "--sidecar", photo])
        XCTAssertEqual(rc, 0, err)
        XCTAssertEqual(Fixture.sha256(photo), before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: photo + ".xmp"))
        let (_, read, _) = try iaa(["read", photo])
        XCTAssertTrue(read.contains("(sidecar)"), read)
        XCTAssertEqual(try iaa(["tag", "--sidecar", "--in-place", photo]).0, 2)
    }

    func testDamagedPixelsAreRefusedNotTagged() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/bad.jpg"
        try FileManager.default.copyItem(atPath: Fixture.path("malformed/sharp-truncated.jpg"), toPath: bad)
        let hash = Fixture.sha256(bad)
        let (rc, _, err) = try iaa(["tag", "--in-place", bad])
        XCTAssertEqual(rc, 1)
        XCTAssertTrue(err.contains("bad.jpg: is truncated"), err)
        XCTAssertEqual(Fixture.sha256(bad), hash)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["bad.jpg"])
    }
}
