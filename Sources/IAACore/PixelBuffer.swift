/// Pixel buffers shared by every analysis module. They carry no libvips type, so the neural
/// engine, the assessment factors and the tests can use them without linking libvips.

/// An interleaved RGB image with 8-bit sRGB-encoded samples (row-major, `R G B R G B …`).
///
/// This is the analysis proxy format: every decoded photo reaches the factors and models as one
/// of these, upright, colour-managed to sRGB, alpha flattened.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels (> 0).
    public let width: Int
    /// Height in pixels (> 0).
    public let height: Int
    /// `width * height * 3` samples, 0…255, sRGB transfer curve.
    public var pixels: [UInt8]

    /// Creates an image; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) samples for \(width)×\(height)×3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image of one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8)) {
        var p = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: p.count, by: 3) { p[i] = fill.0; p[i + 1] = fill.1; p[i + 2] = fill.2 }
        self.init(width: width, height: height, pixels: p)
    }

    /// The sample triple at (x, y).
    @inlinable public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Number of pixels.
    public var pixelCount: Int { width * height }
}

/// A single-channel float image (row-major), used for luminance, maps and feature planes.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height` values; the unit depends on the producer (documented there).
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height,
                     "GrayImage: \(pixels.count) values for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: Float = 0) {
        self.init(width: width, height: height, pixels: [Float](repeating: fill, count: width * height))
    }

    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

extension RGBImage {
    /// Rec. 601 luma on the encoded values (what BRISQUE, NIQE and JPEG use), 0…255.
    public func luma601() -> GrayImage {
        var out = [Float](repeating: 0, count: pixelCount)
        pixels.withUnsafeBufferPointer { p in
            for i in 0..<pixelCount {
                out[i] = 0.299 * Float(p[3 * i]) + 0.587 * Float(p[3 * i + 1]) + 0.114 * Float(p[3 * i + 2])
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }
}
