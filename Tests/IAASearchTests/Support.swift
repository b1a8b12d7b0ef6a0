import Foundation
import IAACore
import IAAImaging
import IAASearch

/// Shared fixtures: one enhancer (models load once), fixture photos as small proxies, and the
/// pixel arithmetic used to degrade them (linear light, independent of the edits).
enum Support {
    static let enhancer: Enhancer = try! Enhancer.standard()

    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let c = url.appendingPathComponent("Fixtures").path
            if FileManager.default.fileExists(atPath: c) { return c }
        }
        fatalError("Tests/Fixtures not found")
    }()

    /// Small proxies keep the debug-build judge fast; the search logic is size-independent.
    static let proxySide = 192

    static func photo(_ name: String) throws -> RGBImage {
        try Photo(path: fixtures + "/photos/" + name).proxy(longSide: proxySide)
    }

    static func options(budget: Int = 14, seed: UInt64 = 0, geometry: Bool = false) -> EnhanceOptions {
        EnhanceOptions(geometry: geometry, search: SearchOptions(budget: budget, seed: seed), proxyLongSide: proxySide)
    }

    /// Multiplies linear light per channel (exposure, casts), clipped at white.
    static func gains(_ img: RGBImage, _ r: Double, _ g: Double, _ b: Double) -> RGBImage {
        var out = img
        let k = [r, g, b]
        for i in 0..<img.pixels.count {
            let v = min(1, ColorScience.linearize(Double(img.pixels[i]) / 255) * k[i % 3])
            out.pixels[i] = UInt8((ColorScience.encode(v) * 255).rounded())
        }
        return out
    }
}
