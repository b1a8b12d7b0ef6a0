import IAATestSupport
import Foundation
import IAACore
import IAAImaging

/// Small degradations for CLI tests, through the imaging module.
enum RGBCodecBridge {
    static func decode(_ path: String) throws -> RGBImage { try Photo(path: path).proxy(longSide: 4096) }

    static func write(_ image: RGBImage, to path: String) throws { try RGBCodec.write(image, to: path) }

    /// Gaussian blur σ 3 px, then seeded Gaussian noise σ 15 levels.
    static func blurAndNoise(_ image: RGBImage) throws -> RGBImage {
        var out = try RGBCodec.gaussianBlur(image, sigma: 3)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        for i in 0..<out.pixels.count {
            let g = sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform())
            out.pixels[i] = UInt8(max(0, min(255, (Double(out.pixels[i]) + 15 * g).rounded())))
        }
        return out
    }
}
