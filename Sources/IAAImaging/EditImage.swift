import CVips
import CVipsShim
import Foundation
import IAACore

/// An image going through the candidate edits: an opaque handle on a libvips pipeline, the
/// same type for a small in-memory proxy and for a full-resolution `Picture`.
///
/// It holds two images: the *native* one (the proxy's 8-bit sRGB, or the picture's own
/// colour space, depth, alpha and metadata), on which geometry works, and — from the first
/// colour edit on — the *working* one, float pixels without alpha in whichever space the last
/// operation used (scRGB, Lab, LCh, LabS; libvips converts between them on demand). Geometry
/// is applied to both, so the native image can always give the alpha, profile and depth back
/// at the end. Values are immutable: every operation returns a new `EditImage`, which lets the
/// edit chain cache any prefix and share it between candidates.
///
/// Colour management (the decision, documented once here): edits happen in linear-light
/// scRGB and the CIE spaces derived from it (D65), which can hold colours outside sRGB, so a
/// Display P3 or Adobe RGB photo is imported through its embedded ICC profile without
/// clipping its gamut and is exported back *into the same profile* (same depth, alpha kept):
/// a P3 input stays a P3-tagged output. A file without a profile is treated as sRGB and
/// written with libvips' built-in sRGB profile attached, so the output says what it is.
/// A chain with geometry only never leaves the native space: no colour round trip at all.
public final class EditImage: @unchecked Sendable {
    let native: VipsRef
    let working: VipsRef?
    /// The picture this came from, for metadata and messages; nil for proxies.
    let picture: Picture?

    init(native: VipsRef, working: VipsRef?, picture: Picture?) {
        self.native = native
        self.working = working
        self.picture = picture
    }

    /// Wraps an 8-bit sRGB proxy (pixels are copied into libvips).
    public convenience init(proxy: RGBImage) throws {
        try Vips.ensureStarted()
        self.init(native: try Photo.fromRGB(proxy), working: nil, picture: nil)
    }

    /// Wraps a full-resolution picture; nothing is computed until `rendered()` is saved.
    public convenience init(picture: Picture) {
        self.init(native: picture.ref, working: nil, picture: picture)
    }

    /// Current size in pixels.
    public var width: Int { native.width }
    public var height: Int { native.height }
    /// The longer side in pixels (operations scale their radii by it).
    public var longSide: Int { max(width, height) }
    /// Whether a colour edit has run (so output needs the colour round trip).
    public var hasColourEdits: Bool { working != nil }

    private var path: String? { picture?.sourcePath }

    private func importedWorking() throws -> VipsRef {
        if let working { return working }
        if picture == nil {
            return try VipsRef.make(nil, "converted to scRGB") { iaa_edit_srgb8_to_scrgb(native.ptr, $0) }
        }
        return try VipsRef.make(path, "colour-managed into scRGB") { iaa_edit_import(native.ptr, $0) }
    }

    private func colour(_ what: String, _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> EditImage {
        let w = try importedWorking()
        let out = try VipsRef.make(path, what) { body(w.ptr, $0) }
        return EditImage(native: native, working: out, picture: picture)
    }

    private func geometry(_ what: String, _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> EditImage {
        let n = try VipsRef.make(path, what) { body(native.ptr, $0) }
        let w = try working.map { w in try VipsRef.make(path, what) { body(w.ptr, $0) } }
        return EditImage(native: n, working: w, picture: picture)
    }

    // MARK: Colour operations

    /// Multiplies linear light by 2^`ev` (scRGB).
    public func exposure(ev: Double) throws -> EditImage {
        try colour("exposed") { iaa_edit_exposure($0, pow(2, ev), $1) }
    }

    /// Applies a 3×3 matrix (row-major) to linear sRGB values (scRGB): `out = M · rgb`.
    public func linearTransform(_ matrix: [Double]) throws -> EditImage {
        precondition(matrix.count == 9)
        return try colour("colour-transformed") { a, b in matrix.withUnsafeBufferPointer { iaa_edit_recomb3(a, $0.baseAddress, b) } }
    }

    /// Number of entries of every lookup table passed to the Lab/LCh operations: 65 536
    /// samples over the domain (`ushort` indices, so the clamp at both ends is free).
    public static let lutSize = 65_536

    /// Maps L* through `lut` (``lutSize`` values sampled evenly over 0…`maxLightness`; larger
    /// L* clamp to the last entry). a* and b* are unchanged (Lab).
    public func lightnessCurve(_ lut: [Float], maxLightness: Double) throws -> EditImage {
        precondition(lut.count == Self.lutSize)
        return try colour("tone-mapped") { a, b in lut.withUnsafeBufferPointer { iaa_edit_tone_lut(a, $0.baseAddress, Int32($0.count), maxLightness, b) } }
    }

    /// Chroma scaling at constant L* and hue (LCh's C and h, computed from a* and b*):
    /// `C' = C · (gain + vibrance · chromaWeight(C) · hueWeight(cos(h − referenceHue)))`.
    public struct ChromaScale: Sendable {
        /// Uniform factor (1: unchanged).
        public var gain: Double
        /// Extra factor, weighted by the two LUTs (0: none).
        public var vibrance: Double
        /// ``EditImage/lutSize`` samples of C over 0…`maxChroma` (used when vibrance ≠ 0).
        public var chromaWeights: [Float]
        public var maxChroma: Double
        /// ``EditImage/lutSize`` samples of cos(h − referenceHue) over −1…1.
        public var hueWeights: [Float]
        /// Degrees (LCh hue).
        public var referenceHue: Double

        public init(gain: Double, vibrance: Double, chromaWeights: [Float], maxChroma: Double,
                    hueWeights: [Float], referenceHue: Double) {
            precondition(chromaWeights.count == EditImage.lutSize && hueWeights.count == EditImage.lutSize)
            self.gain = gain; self.vibrance = vibrance; self.chromaWeights = chromaWeights
            self.maxChroma = maxChroma; self.hueWeights = hueWeights; self.referenceHue = referenceHue
        }
    }

    /// One pass over Lab, per pixel: an optional L* curve (`lightness`, ``lutSize`` samples over
    /// 0…`maxLightness`), then an optional chroma scaling, then optional a*/b* offsets by the
    /// new L* (`offsets`, LUTs like `lightness`). Fused because a graph of small libvips
    /// operations costs more in per-operation setup than in arithmetic on a proxy.
    public func labPointwise(lightness: [Float]?, maxLightness: Double, chroma: ChromaScale?,
                             offsets: (da: [Float], db: [Float])?) throws -> EditImage {
        precondition(lightness.map { $0.count == Self.lutSize } ?? true)
        precondition(offsets.map { $0.da.count == Self.lutSize && $0.db.count == Self.lutSize } ?? true)
        func withOptional<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
            guard let a else { return body(nil) }
            return a.withUnsafeBufferPointer { body($0.baseAddress) }
        }
        return try colour("graded") { input, out in
            withOptional(lightness) { l in
                withOptional(chroma?.chromaWeights) { wc in
                    withOptional(chroma?.hueWeights) { wh in
                        withOptional(offsets?.da) { da in
                            withOptional(offsets?.db) { db in
                                iaa_edit_lab_pointwise(input, l, maxLightness, chroma == nil ? 0 : 1, chroma?.gain ?? 1,
                                                       chroma?.vibrance ?? 0, wc, chroma?.maxChroma ?? 1, wh,
                                                       chroma?.referenceHue ?? 0, da, db, out)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Edge-preserving smoothing (Lab): L* moves towards a Gaussian blur of `sigmaL` pixels by
    /// `amountL · exp(−(g/edge)²)` (g: |∂x| + |∂y| of the blurred L*, L* per pixel); a* and
    /// b* towards a blur of `sigmaAB` pixels by `amountAB`.
    public func denoise(sigmaL: Double, amountL: Double, edge: Double, sigmaAB: Double, amountAB: Double) throws -> EditImage {
        try colour("denoised") { iaa_edit_denoise($0, sigmaL, amountL, edge, sigmaAB, amountAB, $1) }
    }

    /// libvips' `sharpen` on LabS (unsharp mask on L* with separate slopes for flat, `m1`, and
    /// detailed, `m2`, areas split at `x1` L* units; Gaussian `sigma` in pixels).
    public func sharpen(sigma: Double, x1: Double, m1: Double, m2: Double) throws -> EditImage {
        try colour("sharpened") { iaa_edit_sharpen($0, sigma, x1, m1, m2, $1) }
    }

    // MARK: Geometry

    /// Keeps the rectangle at (`left`, `top`) of `width` × `height` pixels.
    public func crop(left: Int, top: Int, width: Int, height: Int) throws -> EditImage {
        guard left >= 0, top >= 0, width >= 1, height >= 1, left + width <= self.width, top + height <= self.height else {
            throw IAAError(.invalidArgument, path: path, "cannot be cropped to \(width)×\(height) at (\(left), \(top)) inside \(self.width)×\(self.height)")
        }
        return try geometry("cropped") { iaa_vips_extract_area($0, Int32(left), Int32(top), Int32(width), Int32(height), $1) }
    }

    /// Rotates by `degreesClockwise` (bilinear) and keeps the centred `width` × `height`
    /// rectangle of the rotated image.
    public func rotate(degreesClockwise: Double, width: Int, height: Int) throws -> EditImage {
        try geometry("rotated") { iaa_edit_rotate_crop($0, degreesClockwise, Int32(width), Int32(height), $1) }
    }

    // MARK: Output

    /// Computes every pixel into memory, so that the result can be cached and reused
    /// without recomputing its pipeline (proxies only: a full picture would not fit).
    public func materialized() throws -> EditImage {
        let n = try VipsRef.make(path, "computed") { iaa_edit_copy_memory(native.ptr, $0) }
        let w = try working.map { w in try VipsRef.make(path, "computed") { iaa_edit_copy_memory(w.ptr, $0) } }
        return EditImage(native: n, working: w, picture: picture)
    }

    /// The pixels as an 8-bit sRGB image (for proxies; out-of-gamut values are clipped).
    public func rgbImage() throws -> RGBImage {
        guard let working else {
            if picture == nil { return try Photo.readRGB(native, path: path) }
            let srgb = try VipsRef.make(path, "converted to sRGB") { iaa_vips_to_srgb8_flat(native.ptr, 255, 255, 255, $0) }
            return try Photo.readRGB(srgb, path: path)
        }
        let out = try VipsRef.make(path, "converted to sRGB") { iaa_edit_to_srgb8(working.ptr, $0) }
        return try Photo.readRGB(out, path: path)
    }

    /// The edited full-resolution picture, ready for `Picture.save` (which streams the whole
    /// pipeline once): back in the source's ICC profile and depth with its alpha (see the
    /// type's documentation), with the source's EXIF, XMP and IPTC and orientation 1.
    public func rendered() throws -> Picture {
        guard let picture else {
            throw IAAError(.invalidArgument, path: nil, "a proxy edit cannot be rendered as a full-resolution picture")
        }
        guard let working else { return Picture(ref: native, sourcePath: picture.sourcePath) }
        let exported = try VipsRef.make(path, "colour-managed back to its profile") { iaa_edit_export(working.ptr, native.ptr, $0) }
        let out = try VipsRef.make(path, "copied") { iaa_vips_copy(exported.ptr, $0) }
        for name in ["exif-data", "xmp-data", "iptc-data"] {
            if let blob = picture.ref.blob(name) {
                blob.withUnsafeBytes { iaa_vips_set_blob_copy(out.ptr, name, $0.baseAddress, $0.count) }
            }
        }
        iaa_vips_set_int(out.ptr, "orientation", 1)
        return Picture(ref: out, sourcePath: picture.sourcePath)
    }
}

extension Photo {
    /// Like `picture()`, but decoded with random access, as edit rendering needs: rotation
    /// (straighten, and EXIF orientations 5–8) reads the source out of order, which a
    /// sequential decode refuses ("out of order read"), and the edits' graphs read their
    /// input several times, which on a sequential source means re-decoding (a 14 MP render
    /// measured 15.7 s sequential against 4.7 s random access). libvips holds the decoded
    /// image in memory, or in a temporary file when it is over 100 MB, during the render.
    public func pictureForEditing() throws -> Picture {
        let opened = try VipsRef.make(path, "decoded") { iaa_vips_open(path, options.failOn, 0, $0) }
        var upright = opened
        if info.orientation != 1 {
            upright = try VipsRef.make(path, "rotated upright") { iaa_vips_autorot(opened.ptr, $0) }
        }
        let out = try VipsRef.make(path, "copied") { iaa_vips_copy(upright.ptr, $0) }
        iaa_vips_set_int(out.ptr, "orientation", 1)
        return Picture(ref: out, sourcePath: path)
    }
}
