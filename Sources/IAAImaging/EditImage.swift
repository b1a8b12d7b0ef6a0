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
///
/// Fast path (`colourLattice`, `colourTable`, `applying(_:)`): for RGB images (8 or 16 bits,
/// alpha allowed, no profile or an RGB one) the whole run of point edits, *with* the import
/// and export around it, is a function of the native pixel values alone. It is sampled by
/// running the same operations on a small lattice image that has the photo's own encoding
/// (profile, white) and applied as a 3D lookup table on the native pixels, so the edits have
/// one implementation and the full-resolution render never leaves the native space.
/// Sharpen and denoise work on native gamma-encoded values too (luma and Y'CbCr); on images
/// the table cannot serve (CMYK, grey) they run on a 16-bit sRGB rendition of the working image.
public final class EditImage: @unchecked Sendable {
    let native: VipsRef
    let working: VipsRef?
    /// The picture this came from, for metadata and messages; nil for proxies.
    let picture: Picture?
    /// Whether colour goes in and out through the native image's profile (pictures and
    /// lattices) rather than the proxy's fixed 8-bit sRGB.
    let managed: Bool
    /// Whether the native pixels themselves were changed (colour table, sharpen, denoise): the
    /// output then gets the treatment of a colour-edited one (sRGB profile when there was none).
    let nativeEdited: Bool

    init(native: VipsRef, working: VipsRef?, picture: Picture?, managed: Bool, nativeEdited: Bool) {
        self.native = native
        self.working = working
        self.picture = picture
        self.managed = managed
        self.nativeEdited = nativeEdited
    }

    private func with(native n: VipsRef? = nil, working w: VipsRef?, nativeEdited e: Bool? = nil) -> EditImage {
        EditImage(native: n ?? native, working: w, picture: picture, managed: managed, nativeEdited: e ?? nativeEdited)
    }

    /// Wraps an 8-bit sRGB proxy (pixels are copied into libvips).
    public convenience init(proxy: RGBImage) throws {
        try Vips.ensureStarted()
        self.init(native: try Photo.fromRGB(proxy), working: nil, picture: nil, managed: false, nativeEdited: false)
    }

    /// Wraps a full-resolution picture; nothing is computed until `rendered()` is saved.
    public convenience init(picture: Picture) {
        self.init(native: picture.ref, working: nil, picture: picture, managed: true, nativeEdited: false)
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
        if !managed {
            return try VipsRef.make(nil, "converted to scRGB") { iaa_edit_srgb8_to_scrgb(native.ptr, $0) }
        }
        return try VipsRef.make(path, "colour-managed into scRGB") { iaa_edit_import(native.ptr, $0) }
    }

    private func colour(_ what: String, _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> EditImage {
        let w = try importedWorking()
        let out = try VipsRef.make(path, what) { body(w.ptr, $0) }
        return with(working: out)
    }

    private func geometry(_ what: String, _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> EditImage {
        let n = try VipsRef.make(path, what) { body(native.ptr, $0) }
        let w = try working.map { w in try VipsRef.make(path, what) { body(w.ptr, $0) } }
        return with(native: n, working: w)
    }

    /// A neighbourhood operation on gamma-encoded RGB (sharpen, denoise): on the native pixels
    /// when they are RGB and no colour edit is pending, otherwise on a 16-bit sRGB rendition
    /// of the working image, converted back to scRGB (one implementation for every input).
    private func detail(_ what: String, _ body: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> EditImage {
        if working == nil, nativeIsRGB {
            let n = try VipsRef.make(path, what) { body(native.ptr, $0) }
            return with(native: n, working: nil, nativeEdited: true)
        }
        let w = try importedWorking()
        let rgb16 = try VipsRef.make(path, what) { iaa_edit_colourspace(w.ptr, VIPS_INTERPRETATION_RGB16, $0) }
        let done = try VipsRef.make(path, what) { body(rgb16.ptr, $0) }
        let back = try VipsRef.make(path, what) { iaa_edit_colourspace(done.ptr, VIPS_INTERPRETATION_scRGB, $0) }
        return with(working: back)
    }

    /// Whether the native pixels are RGB that the colour table and the native detail
    /// operations understand: 8 or 16 bits, three colour bands (plus alpha), with no profile
    /// (sRGB) or an RGB one.
    var nativeIsRGB: Bool {
        let format = native.format
        guard format == VIPS_FORMAT_UCHAR || format == VIPS_FORMAT_USHORT else { return false }
        guard native.bands == 3 || (native.bands == 4 && native.hasAlpha) else { return false }
        if let icc = native.blob("icc-profile-data") {
            // ICC header: data colour space signature at bytes 16…19.
            return icc.count >= 20 && Array(icc[16..<20]) == Array("RGB ".utf8)
        }
        let i = native.interpretation
        return format == VIPS_FORMAT_UCHAR ? i == VIPS_INTERPRETATION_sRGB : i == VIPS_INTERPRETATION_RGB16
    }

    // MARK: Colour table (the point edits as one 3D lookup table on native values)

    /// Lattice nodes per axis of the colour table: 33³ = 35 937 samples, spaced 8 levels apart
    /// in 8-bit terms (see docs/enhance.md for the accuracy against the direct pipeline).
    public static let colourTableSize = 33

    /// Whether colour edits on this image can be baked into a colour table (RGB, 8 or 16
    /// bits, no colour edit applied yet).
    public var canUseColourTable: Bool { working == nil && nativeIsRGB }

    /// A lattice of `size`³ RGB nodes encoded like this image (16-bit, with this image's ICC
    /// profile, or sRGB without one), to apply colour edits to and then read back with
    /// `colourTable()`. Nil when this image cannot use a colour table.
    public func colourLattice(size: Int = EditImage.colourTableSize) throws -> EditImage? {
        guard canUseColourTable else { return nil }
        let lattice = try VipsRef.make(path, "sampled") { iaa_lut3d_lattice(Int32(size), $0) }
        if let icc = native.blob("icc-profile-data") {
            icc.withUnsafeBytes { iaa_vips_set_blob_copy(lattice.ptr, "icc-profile-data", $0.baseAddress, $0.count) }
        }
        return EditImage(native: lattice, working: nil, picture: picture, managed: true, nativeEdited: false)
    }

    /// The colour edits applied to a lattice from `colourLattice`, exported back into the
    /// lattice's encoding at 16 bits and read as a table. Nil when no colour edit ran.
    public func colourTable() throws -> ColourTable? {
        guard let working else { return nil }
        let n = Int(native.width)
        let out = try VipsRef.make(path, "colour-managed back to its profile") { iaa_edit_export(working.ptr, native.ptr, $0) }
        guard out.bands == 3, out.format == VIPS_FORMAT_USHORT, out.width == n, out.height == n * n else {
            throw IAAError(.internalFailure, path: path, "colour table came back as \(out.bands) bands of \(out.width)×\(out.height)")
        }
        var size = 0
        guard let mem = iaa_vips_write_to_memory(out.ptr, &size) else {
            throw Vips.classify(path: path, what: "colour-managed", message: Vips.takeError())
        }
        defer { g_free(mem) }
        let count = n * n * n * 3
        precondition(size == count * 2)
        return ColourTable(size: n, values: Array(UnsafeBufferPointer(start: mem.assumingMemoryBound(to: UInt16.self), count: count)))
    }

    /// Maps the native pixels through `table` (tetrahedral interpolation; alpha kept).
    public func applying(_ table: ColourTable) throws -> EditImage {
        precondition(canUseColourTable)
        let n = try VipsRef.make(path, "colour-mapped") { out in
            table.values.withUnsafeBufferPointer { iaa_lut3d_apply(native.ptr, $0.baseAddress, Int32(table.size), out) }
        }
        return with(native: n, working: nil, nativeEdited: true)
    }

    // MARK: Colour operations

    /// Multiplies linear light by 2^`ev` (scRGB), with a shoulder that keeps white at white as
    /// `protect` (0…1) grows: x ↦ 2^ev·x / (1 + protect·(2^ev − 1)·x).
    public func exposure(ev: Double, protect: Double = 0) throws -> EditImage {
        try colour("exposed") { iaa_edit_exposure($0, pow(2, ev), protect, $1) }
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

    /// Edge-preserving smoothing on Y'CbCr of the gamma-encoded RGB (BT.709 weights, values
    /// scaled to 0…100, which tracks L*): Y' moves by `amountL` towards its bilateral mean (5×5
    /// at most, spatial sigma `sigmaL` pixels, range weight exp(−(ΔY'/edge)²)); Cb and Cr
    /// towards a blur of `sigmaAB` pixels by `amountAB`. One pass, no colour conversion.
    public func denoise(sigmaL: Double, amountL: Double, edge: Double, sigmaAB: Double, amountAB: Double) throws -> EditImage {
        try detail("denoised") { iaa_edit_luma_denoise($0, sigmaL, amountL, edge, sigmaAB, amountAB, $1) }
    }

    /// Unsharp mask on luma (BT.709 weights on the gamma-encoded RGB, 0…100), the detail
    /// added equally to R', G' and B': libvips `sharpen`'s curve (slope `m1` inside ±`x1`,
    /// `m2` outside, at most +`y2` / −`y3`), Gaussian `sigma` in pixels. One pass.
    public func sharpen(sigma: Double, x1: Double, m1: Double, m2: Double, y2: Double = 10, y3: Double = 20) throws -> EditImage {
        try detail("sharpened") { iaa_edit_luma_sharpen($0, sigma, x1, m1, m2, y2, y3, $1) }
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
        return with(native: n, working: w)
    }

    /// The pixels as an 8-bit sRGB image (for proxies; out-of-gamut values are clipped).
    public func rgbImage() throws -> RGBImage {
        guard let working else {
            if !managed { return try Photo.readRGB(native, path: path) }
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
        let out: VipsRef
        if let working {
            let exported = try VipsRef.make(path, "colour-managed back to its profile") { iaa_edit_export(working.ptr, native.ptr, $0) }
            out = try VipsRef.make(path, "copied") { iaa_vips_copy(exported.ptr, $0) }
        } else if nativeEdited {
            // Colour table, sharpen or denoise on the native pixels: still in the file's own
            // profile; a file without one says it is sRGB, as an exported one does.
            out = try VipsRef.make(path, "copied") { iaa_vips_copy(native.ptr, $0) }
            if out.blob("icc-profile-data") == nil {
                var len = 0
                if let srgb = iaa_edit_srgb_profile(&len) { iaa_vips_set_blob_copy(out.ptr, "icc-profile-data", srgb, len) }
            }
        } else {
            return Picture(ref: native, sourcePath: picture.sourcePath)
        }
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
    /// Every pixel as CIE Lab (D65), colour-managed through the embedded profile like the
    /// edits' import, upright, alpha dropped: `3 · width · height` floats, row-major. For
    /// accuracy measurements (ΔE between renders); decodes the whole image into memory.
    public func labPixels() throws -> (width: Int, height: Int, lab: [Float]) {
        let opened = try VipsRef.make(path, "decoded") { iaa_vips_open(path, options.failOn, 0, $0) }
        let upright = try VipsRef.make(path, "rotated upright") { iaa_vips_autorot(opened.ptr, $0) }
        let scrgb = try VipsRef.make(path, "colour-managed into scRGB") { iaa_edit_import(upright.ptr, $0) }
        let lab = try VipsRef.make(path, "converted to Lab") { iaa_edit_colourspace(scrgb.ptr, VIPS_INTERPRETATION_LAB, $0) }
        let float = try VipsRef.make(path, "converted to Lab") { iaa_vips_cast(lab.ptr, VIPS_FORMAT_FLOAT, $0) }
        var size = 0
        guard let mem = iaa_vips_write_to_memory(float.ptr, &size) else {
            throw Vips.classify(path: path, what: "decoded", message: Vips.takeError())
        }
        defer { g_free(mem) }
        let count = float.width * float.height * 3
        precondition(size == count * 4)
        return (float.width, float.height, Array(UnsafeBufferPointer(start: mem.assumingMemoryBound(to: Float.self), count: count)))
    }

    /// The alpha band, upright, as 8-bit samples (16-bit alpha divided by 257), or nil
    /// without alpha. For tests that check alpha survives a render.
    public func alphaSamples() throws -> [UInt8]? {
        let opened = try VipsRef.make(path, "decoded") { iaa_vips_open(path, options.failOn, 0, $0) }
        guard opened.hasAlpha else { return nil }
        let upright = try VipsRef.make(path, "rotated upright") { iaa_vips_autorot(opened.ptr, $0) }
        let alpha = try VipsRef.make(path, "read") { iaa_vips_alpha8(upright.ptr, $0) }
        var size = 0
        guard let mem = iaa_vips_write_to_memory(alpha.ptr, &size) else {
            throw Vips.classify(path: path, what: "decoded", message: Vips.takeError())
        }
        defer { g_free(mem) }
        return Array(UnsafeBufferPointer(start: mem.assumingMemoryBound(to: UInt8.self), count: size))
    }

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

/// A 3D colour lookup table: `size`³ lattice nodes, each an RGB triple of 16-bit values in the
/// image's own encoding, red-major (node (r, g, b) at `3 · ((r · size + g) · size + b)`).
/// Made by `EditImage.colourTable()`, applied by `EditImage.applying(_:)`.
public struct ColourTable: Sendable, Hashable {
    /// Nodes per axis.
    public let size: Int
    /// `3 · size³` values, 0…65535.
    public let values: [UInt16]

    public init(size: Int, values: [UInt16]) {
        precondition(size >= 2 && values.count == 3 * size * size * size)
        self.size = size
        self.values = values
    }
}
