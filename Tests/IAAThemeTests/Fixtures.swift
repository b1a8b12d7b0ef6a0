import Foundation
import IAACore
import IAAImaging

/// Paths to the committed test fixtures and weights (relative to this file, so tests run from
/// any working directory and without ../shared).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var theme: URL { root.appendingPathComponent("Tests/Fixtures/theme") }
    static var photos: URL { root.appendingPathComponent("Tests/Fixtures/photos") }
    static func weights(_ name: String) -> String { root.appendingPathComponent("Weights/\(name)").path }

    /// Decodes an image file with IAAImaging to upright 8-bit sRGB.
    static func decode(_ url: URL) throws -> RGBImage {
        try RGBCodec.decode([UInt8](Data(contentsOf: url)))
    }

    /// Rows of a TSV with a header line, as dictionaries.
    static func tsv(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let head = lines[0].split(separator: "\t").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(head, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
    }
}
