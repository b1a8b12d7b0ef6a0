import IAATestSupport
import Foundation
import IAACore
import XCTest

/// The command as a user runs it: a process, its exit code, its output.
final class CLITests: XCTestCase {
    static let binary: String = {
        // The test bundle sits beside the products in .build/<config>/.
        var dir = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        dir.deleteLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("iaa-enhance").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("iaa-enhance").path
    }()

    func iaa(_ args: String...) throws -> (Int32, String, String) { try IAATestSupport.run(Self.binary, args) }

    func testHelpAndVersion() throws {
        let (rc, out, _) = try iaa("--help")
        XCTAssertEqual(rc, 0)
        XCTAssertTrue(out.contains("USAGE: iaa-enhance"))
        XCTAssertTrue(out.contains("info"))
        XCTAssertTrue(out.contains("Exit codes"))
        let (rv, version, _) = try iaa("--version")
        XCTAssertEqual(rv, 0)
        XCTAssertTrue(version.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
    }

    func testUsageErrorsExitWithTwo() throws {
        XCTAssertEqual(try iaa("info").0, 2)
        XCTAssertEqual(try iaa("info", "--no-such-flag", "x.jpg").0, 2)
        XCTAssertEqual(try iaa("enhance", "--no-such-flag", "x.jpg").0, 2)
        XCTAssertEqual(try iaa("--budget", "0", "x.jpg").0, 2)
        // enhance is the default subcommand: an unknown word is a photo that cannot be read.
        XCTAssertEqual(try iaa("no-such-photo.jpg").0, 1)
        XCTAssertEqual(try iaa("info", "--max-megapixels", "-3", "x.jpg").0, 2)
    }

    func testInfoReportsWhatWasLoaded() throws {
        let (rc, out, _) = try iaa("info", "--json", Fixture.path("imaging/formats/DSCN0021.jpg"))
        XCTAssertEqual(rc, 0)
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        XCTAssertEqual(obj["format"] as? String, "jpeg")
        XCTAssertEqual(obj["width"] as? Int, 640)
        XCTAssertEqual((obj["camera"] as? [String: String])?["make"], "NIKON")
        XCTAssertNotNil((obj["camera"] as? [String: String])?["gpsLatitude"])
        XCTAssertNotNil((obj["xmpNamespaces"] as? [String: String])?["MicrosoftPhoto"])

        let (r2, text, _) = try iaa("info", Fixture.path("imaging/orientation/Portrait_6.jpg"))
        XCTAssertEqual(r2, 0)
        XCTAssertTrue(text.contains("450×600 upright"))
        XCTAssertTrue(text.contains("6 (rotated on load)"))
    }

    /// Every malformed file: one sentence naming the file, exit 1, no crash, no hang, no file
    /// written, input unchanged. Files whose pixels are intact but whose metadata is damaged
    /// are processed (a photographer wants the photo, the damaged EXIF is kept as it is).
    func testMalformedFilesFailCleanly() throws {
        let dir = Fixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let malformed = try FileManager.default.contentsOfDirectory(atPath: Fixture.path("malformed")).sorted()
        for name in malformed { try FileManager.default.copyItem(atPath: Fixture.path("malformed/" + name), toPath: dir + "/" + name) }
        // Made here: an empty file, text named .jpg, a PNG named .jpg (content wins), a header
        // claiming 100 000 × 100 000 pixels.
        FileManager.default.createFile(atPath: dir + "/empty.jpg", contents: Data())
        FileManager.default.createFile(atPath: dir + "/text.jpg", contents: Data("not a photo\n".utf8))
        try FileManager.default.copyItem(atPath: Fixture.path("imaging/formats/with-alpha.png"), toPath: dir + "/png-named.jpg")
        FileManager.default.createFile(atPath: dir + "/huge.png", contents: Data(Self.pngHeader(width: 100_000, height: 100_000)))

        let intact: Set<String> = [
            "pillow-hopper_bad_exif.jpg", "pillow-invalid-exif-without-x-resolution.jpg", "pillow-truncated_app14.jpg",
            "goexif-infinite_loop_exif.jpg", "exif-samples-image01137.jpg", "png-named.jpg",
        ]
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let hashes = Dictionary(uniqueKeysWithValues: before.map { ($0, Fixture.sha256(dir + "/" + $0)) })
        for name in before {
            let path = dir + "/" + name
            let (rc, _, err) = try iaa("info", "--check", path)
            if intact.contains(name) {
                XCTAssertEqual(rc, 0, "\(name): \(err)")
            } else {
                XCTAssertEqual(rc, 1, "\(name) should fail: \(err)")
                let lines = err.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, "\(name): \(err)")
                XCTAssertTrue(err.hasPrefix("iaa-enhance: \(path): "), "\(name): \(err)")
                XCTAssertTrue(err.hasSuffix(".\n"), "\(name): \(err)")
                XCTAssertFalse(err.contains("Fatal error") || err.contains("Stack dump"), name)
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), before, "a file was written")
        for name in before { XCTAssertEqual(Fixture.sha256(dir + "/" + name), hashes[name], "\(name) was modified") }

        // In a batch the good files are still processed and the summary lists the failures.
        let (rc, out, err) = try iaa("info", dir)
        XCTAssertEqual(rc, 1)
        XCTAssertTrue(out.contains("png-named.jpg"))
        XCTAssertTrue(out.contains("named .jpg but contains PNG data"))
        XCTAssertTrue(err.contains("failed:"))
        XCTAssertTrue(err.contains("huge.png: is 100000×100000 pixels"))
    }

    /// A PNG whose IHDR claims `width`×`height` pixels, followed by a little compressed data
    /// (a decompression bomb's shape, without its size).
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        func crc32(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(crc32(body))
        }
        // zlib stream of 1000 zero bytes, stored uncompressed (BTYPE 00) with its Adler-32.
        let zeros = [UInt8](repeating: 0, count: 1000)
        let zlib: [UInt8] = [0x78, 0x01, 0x01, 0xE8, 0x03, 0x17, 0xFC] + zeros + be(UInt32(1000 * 0 + 1) | (1000 << 16))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", be(width) + be(height) + [8, 2, 0, 0, 0]) + chunk("IDAT", zlib) + chunk("IEND", [])
    }
}
