import Foundation
import IAACore
import IAAImaging
@testable import IAAModels

/// Paths and reference values shared by the quality tests.
enum QualityFixtures {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("Tests/Fixtures")
    static let brisqueWeights = repo.appendingPathComponent("Weights/brisque_live.safetensors").path
    static let niqeWeights = repo.appendingPathComponent("Weights/niqe_pristine.safetensors").path

    /// One row of Tests/Fixtures/quality/reference.tsv (written by Tools/quality_reference.py).
    struct Reference {
        let file: String
        let width: Int
        let height: Int
        let rgbSHA256: String
        let brisque: Double
        let brisqueIPP: Double
        let niqe: Double
        var path: String { fixtures.appendingPathComponent(file).path }
    }

    static let references: [Reference] = {
        let text = try! String(contentsOf: fixtures.appendingPathComponent("quality/reference.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            return Reference(file: f[0], width: Int(f[1])!, height: Int(f[2])!, rgbSHA256: f[3],
                             brisque: Double(f[4])!, brisqueIPP: Double(f[5])!, niqe: Double(f[6])!)
        }
    }()

    /// One row of Tests/Fixtures/quality/reference_crops.tsv: scores of an odd-sized crop.
    struct CropReference {
        let file: String
        let x: Int, y: Int, width: Int, height: Int
        let brisque: Double
        let niqe: Double
    }

    static let cropReferences: [CropReference] = {
        let text = try! String(contentsOf: fixtures.appendingPathComponent("quality/reference_crops.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            return CropReference(file: f[0], x: Int(f[1])!, y: Int(f[2])!, width: Int(f[3])!, height: Int(f[4])!,
                                 brisque: Double(f[5])!, niqe: Double(f[7])!)
        }
    }()

    /// The crop a `CropReference` describes, cut from the verified decode of its photo.
    static func decode(_ crop: CropReference) throws -> RGBImage {
        guard let ref = references.first(where: { $0.file == crop.file }) else { fatalError("\(crop.file) has no reference row") }
        let full = try decode(ref)
        var p = [UInt8]()
        p.reserveCapacity(crop.width * crop.height * 3)
        for y in crop.y..<(crop.y + crop.height) {
            let start = (y * full.width + crop.x) * 3
            p += full.pixels[start..<(start + crop.width * 3)]
        }
        return RGBImage(width: crop.width, height: crop.height, pixels: p)
    }

    /// Decodes a fixture with the project's decoder and checks it is pixel-identical to what
    /// the Python reference scored (same SHA-256 of the RGB bytes).
    static func decode(_ ref: Reference) throws -> RGBImage {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let hit = decoded[ref.file] { return hit }
        let image = try Photo(path: ref.path).proxy(longSide: 100_000)
        precondition(image.width == ref.width && image.height == ref.height, "\(ref.file): size differs from the reference")
        precondition(SHA256.hex(image.pixels) == ref.rgbSHA256, "\(ref.file): decoded pixels differ from the reference's")
        decoded[ref.file] = image
        return image
    }

    // Verified decodes, shared by the BRISQUE and NIQE tests (hashing is slow in debug builds).
    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var decoded: [String: RGBImage] = [:]

    /// Adds zero-mean Gaussian noise (σ in 8-bit steps), deterministic for a seed.
    static func noisy(_ image: RGBImage, sigma: Double, seed: UInt64) -> RGBImage {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        var out = image
        for i in 0..<out.pixels.count {
            let g = (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
            out.pixels[i] = UInt8(max(0, min(255, (Double(out.pixels[i]) + sigma * g).rounded())))
        }
        return out
    }
}
