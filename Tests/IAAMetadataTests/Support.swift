import Foundation
import XCTest
@testable import IAAMetadata

/// Shared helpers: fixtures, temporary copies, and the two independent readers (exiftool, exiv2).
enum Support {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("Tests/Fixtures/metadata")
    static let exiftoolConfig = repo.appendingPathComponent("metadata/iaa-exiftool.config").path

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A fresh temporary folder, removed by the test's teardown block.
    static func tempDir(_ test: XCTestCase) throws -> String {
        let dir = NSTemporaryDirectory() + "iaa-metadata-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// A writable copy of a fixture in `dir`.
    static func copy(_ name: String, to dir: String, as newName: String? = nil) throws -> String {
        let dest = dir + "/" + (newName ?? name)
        try FileManager.default.copyItem(atPath: fixture(name), toPath: dest)
        _ = chmod(dest, 0o644)
        return dest
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    /// Runs a tool; returns stdout (stderr is dropped) and the exit status.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> (out: Data, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (data, p.terminationStatus)
    }

    static func text(_ tool: String, _ args: [String]) throws -> String {
        String(decoding: try run(tool, args).out, as: UTF8.self)
    }

    /// exiftool's view of the iaa namespace and xmp:Rating, as numbers/strings (-n: no print conversion).
    static func exiftoolIAA(_ path: String) throws -> [String: Any] {
        let out = try run("exiftool", ["-config", exiftoolConfig, "-j", "-struct", "-n", "-XMP-iaa:all", "-XMP-xmp:Rating", path]).out
        let arr = try JSONSerialization.jsonObject(with: out) as? [[String: Any]]
        var d = arr?.first ?? [:]
        d["SourceFile"] = nil
        return d
    }

    /// exiv2's view: key → value for every `Xmp.iaa.*` and `Xmp.xmp.Rating` line of `exiv2 -px`.
    static func exiv2IAA(_ path: String) throws -> [String: String] {
        let out = try text("exiv2", ["-px", path])
        var d: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            guard parts.count >= 3 else { continue }
            let key = String(parts[0])
            guard key.hasPrefix("Xmp.iaa.") || key == "Xmp.xmp.Rating" else { continue }
            d[key] = parts.count == 4 ? String(parts[3].drop { $0 == " " }) : ""
        }
        return d
    }

    /// Everything exiftool reports (including its warnings) except the file system, the iaa
    /// namespace and xmp:Rating, with duplicates (-a) and unknown tags (-u). Binary blocks are
    /// compared whole with `binaryBlocks`.
    static func otherMetadata(_ path: String) throws -> [String: String] {
        let out = try run("exiftool", ["-j", "-G1", "-a", "-u", "-n", "-e", "--File:all", "--System:all", "--ExifTool:ExifToolVersion",
                                        "--XMP-iaa:all", "--XMP-xmp:Rating", "--XMP-x:XMPToolkit", path]).out
        let arr = try JSONSerialization.jsonObject(with: out) as? [[String: Any]]
        var d: [String: String] = [:]
        for (k, v) in arr?.first ?? [:] where k != "SourceFile" { d[k] = "\(v)" }
        return d
    }

    /// The whole EXIF (with maker notes and GPS), ICC profile and IPTC blocks as exiftool
    /// extracts them (-b, base64 in JSON), in one run.
    static func binaryBlocks(_ path: String) throws -> [String: String] {
        let out = try run("exiftool", ["-j", "-b", "-EXIF", "-ICC_Profile", "-IPTC", path]).out
        let arr = try JSONSerialization.jsonObject(with: out) as? [[String: Any]]
        var d: [String: String] = [:]
        for (k, v) in arr?.first ?? [:] where k != "SourceFile" { d[k] = "\(v)" }
        return d
    }

    /// The decoded pixels, as a metadata-free PNG written by libvips's CLI (same pixels → same bytes).
    static func pixels(_ path: String, _ dir: String) throws -> [UInt8] {
        let out = dir + "/pixels-\(UUID().uuidString).png"
        let r = try run("vips", ["copy", path, out + "[strip]"])
        XCTAssertEqual(r.status, 0, "vips could not decode \(path)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        return bytes(out)
    }

    /// A record with every field set, including text that needs escaping.
    static func fullRecord(score: Double = 6.1234) -> AestheticRecord {
        var levels: [F7404Attribute: Int] = [:]
        var scores: [F7404Attribute: Double] = [:]
        for (i, a) in F7404Attribute.allCases.enumerated() {
            levels[a] = a.levels.lowerBound + i % a.levels.count
            scores[a] = Double(i) * 0.75 + 0.125
        }
        return AestheticRecord(
            levels: levels, scores: scores, aestheticScore: score, aestheticSpread: 1.4567, technicalScore: 7.25,
            models: [ModelInfo(name: "NIMA-MobileNet-AVA", version: "idealo-0.07"), ModelInfo(name: "BRISQUE <LIVE> & co", version: "1.0")],
            assessedAt: Date(timeIntervalSince1970: 1_795_000_000),
            recipe: #"{"exposure":{"ev":0.3},"note":"a \"quoted\" <tag> & more"}"#,
            scoreBefore: 5.0, scoreAfter: score)
    }
}
