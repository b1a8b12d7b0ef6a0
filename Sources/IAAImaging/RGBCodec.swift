import CVips
import CVipsShim
import Foundation
import IAACore

/// In-memory encode/decode and a few resampling helpers for analysis buffers. Used by tests
/// (controlled degradations: JPEG quality ladders, rotations, blur) and by visual outputs.
public enum RGBCodec {
    /// Encodes to JPEG (quality 1…100), PNG, WebP or TIFF bytes.
    public static func encode(_ image: RGBImage, as format: OutputFormat, quality: Int = 92) throws -> [UInt8] {
        try Vips.ensureStarted()
        let ref = try Photo.fromRGB(image)
        var buf: UnsafeMutableRawPointer? = nil
        var len = 0
        guard iaa_vips_save_buffer(ref.ptr, "." + format.fileExtension, Int32(quality), &buf, &len) == 0, let buf else {
            throw IAAError(.writeFailed, path: nil, "could not encode \(format.rawValue) (\(Vips.takeError()))")
        }
        defer { g_free(buf) }
        return Array(UnsafeRawBufferPointer(start: buf, count: len))
    }

    /// Decodes bytes (any readable format) strictly to upright 8-bit sRGB.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        try Vips.ensureStarted()
        return try bytes.withUnsafeBytes { raw in
            let opened = try VipsRef.make(nil, "decoded") { iaa_vips_open_buffer(raw.baseAddress, raw.count, 1, $0) }
            let upright = try VipsRef.make(nil, "rotated upright") { iaa_vips_autorot(opened.ptr, $0) }
            let rgb = try VipsRef.make(nil, "converted") { iaa_vips_to_srgb8_flat(upright.ptr, 255, 255, 255, $0) }
            return try Photo.readRGB(rgb, path: nil)
        }
    }

    /// Writes an analysis image (heat map, overlay …) to a PNG/JPEG file atomically.
    public static func write(_ image: RGBImage, to path: String, quality: Int = 92) throws {
        guard let format = OutputFormat(path: path) else {
            throw IAAError(.invalidArgument, path: path, "has an extension iaa-enhance cannot write (use .jpg, .png, .webp or .tif)")
        }
        try AtomicFile.write(encode(image, as: format, quality: quality), to: path)
    }

    /// Rotates by `degrees` (counter-clockwise positive is libvips' convention: clockwise
    /// positive), bilinear, keeping the full rotated extent with black corners.
    public static func rotate(_ image: RGBImage, degrees: Double) throws -> RGBImage {
        let ref = try Photo.fromRGB(image)
        let out = try VipsRef.make(nil, "rotated") { iaa_vips_rotate(ref.ptr, degrees, $0) }
        let cast = try VipsRef.make(nil, "cast") { iaa_vips_cast(out.ptr, VIPS_FORMAT_UCHAR, $0) }
        return try Photo.readRGB(cast, path: nil)
    }

    /// Gaussian blur with standard deviation `sigma` pixels.
    public static func gaussianBlur(_ image: RGBImage, sigma: Double) throws -> RGBImage {
        let ref = try Photo.fromRGB(image)
        let out = try VipsRef.make(nil, "blurred") { iaa_vips_gaussblur(ref.ptr, sigma, $0) }
        let cast = try VipsRef.make(nil, "cast") { iaa_vips_cast(out.ptr, VIPS_FORMAT_UCHAR, $0) }
        return try Photo.readRGB(cast, path: nil)
    }

    /// Resamples so that the long side is `longSide` (Lanczos3; never upsamples).
    public static func resize(_ image: RGBImage, longSide: Int) throws -> RGBImage {
        try Photo.downsample(image, longSide: longSide)
    }
}
