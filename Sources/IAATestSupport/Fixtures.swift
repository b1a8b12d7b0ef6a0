import Foundation
import IAACore

/// Helpers shared by the test targets (fixtures, processes, exiftool). Not part of the product.

/// Paths of files under Tests/Fixtures.
public enum Fixture {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Tests/Fixtures").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        fatalError("Tests/Fixtures not found above \(#filePath)")
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// A fresh empty folder, removed at process exit by the OS's tmp cleaning or by the test.
    public static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "iaa-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    public static func sha256(_ path: String) -> String {
        SHA256.hex([UInt8](FileManager.default.contents(atPath: path) ?? Data()))
    }

    /// A JPEG's bytes from the first SOS marker on (the entropy-coded data), for "no pixel
    /// re-encoded" checks; empty if `path` is not a JPEG with a scan.
    public static func jpegScanData(_ path: String) -> [UInt8] {
        let b = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return [] }
            if b[i + 1] == 0xDA { return Array(b[i...]) }
            i += 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
        }
        return []
    }
}

/// Runs a command and returns (status, stdout, stderr).
@discardableResult
public func run(_ executable: String, _ args: [String]) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// `exiftool -s -s -s -TAG file` (the value only), or nil when exiftool is missing.
public func exiftool(_ tag: String, _ file: String, numeric: Bool = false) throws -> String {
    let (_, out, _) = try run("/usr/bin/exiftool", ["-s", "-s", "-s"] + (numeric ? ["-n"] : []) + ["-" + tag, file])
    return out.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Repository-relative paths and readers for the model tests (weights, TSV references).
public enum TestData {
    /// The repository root (the folder holding Tests/ and Weights/).
    public static let root = URL(fileURLWithPath: Fixture.root).deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/Fixtures/<name>`.
    public static func fixtures(_ name: String) -> URL { root.appendingPathComponent("Tests/Fixtures/\(name)") }
    /// A file in Weights/.
    public static func weights(_ name: String) -> String { root.appendingPathComponent("Weights/\(name)").path }

    /// Rows of a TSV with a header line, as dictionaries.
    public static func tsv(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let head = lines[0].split(separator: "\t").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(head, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
    }
}
