import Foundation
import IAACore
import IAAImaging
import IAATestSupport

/// Paths to the committed test fixtures and weights (relative to this file, so tests run from
/// any working directory and without ../shared).
enum Fixtures {
    static var root: URL { TestData.root }
    static var theme: URL { TestData.fixtures("theme") }
    static var photos: URL { TestData.fixtures("photos") }
    static func weights(_ name: String) -> String { TestData.weights(name) }

    /// Decodes an image file with IAAImaging to upright 8-bit sRGB.
    static func decode(_ url: URL) throws -> RGBImage {
        try RGBCodec.decode([UInt8](Data(contentsOf: url)))
    }

    static func tsv(_ url: URL) throws -> [[String: String]] { try TestData.tsv(url) }
}
