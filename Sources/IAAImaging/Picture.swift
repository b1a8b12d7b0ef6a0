import CVips
import CVipsShim
import Foundation
import IAACore

/// Output encodings.
public enum OutputFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, webp, tiff

    /// The format a path's extension names, if it is one we write.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg", "jpe", "jfif": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "tif", "tiff": self = .tiff
        default: return nil
        }
    }

    /// The usual extension.
    public var fileExtension: String {
        switch self { case .jpeg: "jpg"; case .png: "png"; case .webp: "webp"; case .tiff: "tif" }
    }
}

/// How to encode an output file.
public struct SaveOptions: Sendable, Hashable {
    /// JPEG/WebP quality, 1…100. Default 92.
    public var quality: Int = 92
    /// JPEG chroma subsampling: nil lets libvips choose (4:4:4 from quality 90 up), true forces
    /// 4:2:0, false forces 4:4:4.
    public var chromaSubsampling: Bool? = nil
    /// Progressive (interlaced) JPEG. Default false. Costs memory: libjpeg buffers the whole
    /// image's coefficients (so do optimised Huffman tables, which are therefore not used).
    public var progressive: Bool = false
    /// Lossless WebP. Default false.
    public var lossless: Bool = false
    /// Keep EXIF, XMP, IPTC and ICC. Default true; metadata is never stripped silently.
    public var keepMetadata: Bool = true

    public init() {}
}

/// A full-resolution image ready for rendering: upright, in the file's own colour space, with
/// all of the file's metadata attached. Pixels stream through libvips when it is saved.
///
/// A file-backed picture streams its pixels sequentially, so each render reads the file once;
/// saving it again re-opens the file (metadata set on it is kept).
public final class Picture: @unchecked Sendable {
    private(set) var ref: VipsRef
    /// Where it came from, for messages.
    public let sourcePath: String?
    private let reopen: (() throws -> VipsRef)?
    private var consumed = false
    private var blobs: [(String, [UInt8])] = []

    init(ref: VipsRef, sourcePath: String?, reopen: (() throws -> VipsRef)? = nil) {
        self.ref = ref
        self.sourcePath = sourcePath
        self.reopen = reopen
    }

    /// The image to render now: re-opened (with metadata changes re-applied) if an earlier
    /// render consumed the sequential stream.
    func fresh() throws -> VipsRef {
        if consumed, let reopen {
            ref = try reopen()
            for (name, bytes) in blobs {
                bytes.withUnsafeBytes { iaa_vips_set_blob_copy(ref.ptr, name, $0.baseAddress, $0.count) }
            }
            consumed = false
        }
        return ref
    }

    public var width: Int { ref.width }
    public var height: Int { ref.height }
    public var bands: Int { ref.bands }
    public var hasAlpha: Bool { ref.hasAlpha }

    /// The same picture widened to 16 bits per sample (v · 257, exact; profile and metadata
    /// kept), so that a render of it is exported at 16 bits: a reference for measuring the
    /// rounding of 8-bit renders. 16-bit pictures are returned as they are.
    public func widenedTo16Bits() throws -> Picture {
        if ref.format != VIPS_FORMAT_UCHAR { return self }
        let out = try VipsRef.make(sourcePath, "widened to 16 bits") { iaa_vips_colourspace(ref.ptr, VIPS_INTERPRETATION_RGB16, $0) }
        return Picture(ref: out, sourcePath: sourcePath)
    }

    /// Raw metadata blobs as attached (`exif-data`, `xmp-data`, `iptc-data`, `icc-profile-data`).
    public func metadataBlob(_ name: String) -> [UInt8]? { ref.blob(name) }

    /// Replaces or adds a metadata blob that savers write (e.g. `xmp-data`).
    public func setMetadataBlob(_ name: String, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { iaa_vips_set_blob_copy(ref.ptr, name, $0.baseAddress, $0.count) }
        blobs.removeAll { $0.0 == name }
        blobs.append((name, bytes))
    }

    /// Encodes to `path` atomically; the format follows `format` or, if nil, the extension.
    public func save(to path: String, format: OutputFormat? = nil, options: SaveOptions = SaveOptions()) throws {
        guard let format = format ?? OutputFormat(path: path) else {
            throw IAAError(.invalidArgument, path: path,
                           "has an extension iaa-enhance cannot write (use .jpg, .png, .webp or .tif)")
        }
        guard (1...100).contains(options.quality) else {
            throw IAAError(.invalidArgument, path: path, "Expected a quality between 1 and 100 but received \(options.quality)")
        }
        let ref = try fresh()
        consumed = true
        var image = ref
        // JPEG cannot carry alpha: flatten onto white, the usual page colour.
        if format == .jpeg, ref.hasAlpha {
            image = try VipsRef.make(sourcePath, "flattened") { out in
                var bg: [Double] = [255, 255, 255]
                let arr = vips_array_double_new(&bg, 3)
                defer { vips_area_unref(UnsafeMutablePointer<VipsArea>(OpaquePointer(arr))) }
                return iaa_vips_flatten_bg(ref.ptr, arr, out)
            }
        }
        let keep: Int32 = options.keepMetadata ? 1 : 0
        try AtomicFile.write(to: path) { tmp in
            let rc: Int32
            switch format {
            case .jpeg:
                let mode: Int32 = options.chromaSubsampling.map { $0 ? Int32(VIPS_FOREIGN_SUBSAMPLE_ON.rawValue) : Int32(VIPS_FOREIGN_SUBSAMPLE_OFF.rawValue) }
                    ?? Int32(VIPS_FOREIGN_SUBSAMPLE_AUTO.rawValue)
                rc = iaa_vips_jpegsave(image.ptr, tmp, Int32(options.quality), mode, options.progressive ? 1 : 0, keep)
            case .png: rc = iaa_vips_pngsave(image.ptr, tmp, 6, keep)
            case .webp: rc = iaa_vips_webpsave(image.ptr, tmp, Int32(options.quality), options.lossless ? 1 : 0, keep)
            case .tiff: rc = iaa_vips_tiffsave(image.ptr, tmp, keep)
            }
            if rc != 0 {
                let message = Vips.takeError()
                let e = Vips.classify(path: sourcePath, what: "decoded", message: message)
                // A decode failure surfacing during the streamed save is the input's fault.
                if e.kind == .truncated || (e.kind == .corrupt && sourcePath != nil && !message.lowercased().contains("save")) {
                    throw e
                }
                throw IAAError(.writeFailed, path: path, "could not be written (\(message))")
            }
        }
    }
}

extension Photo {
    /// Opens the full-resolution image for rendering: decoded strictly and sequentially
    /// (libvips streams it, so memory stays far below the decoded size), turned upright with
    /// the EXIF orientation reset to 1, in the file's own colour space and with its ICC, EXIF,
    /// XMP and IPTC attached. Only the first page of multi-page files.
    public func picture() throws -> Picture {
        let open = { [path, options, info] () throws -> VipsRef in
            // Orientations 1 and 2 (a horizontal mirror) can stream top to bottom; the others
            // need random access, which libvips backs with a temporary file for large images.
            let sequential: Int32 = info.orientation <= 2 ? 1 : 0
            let opened = try VipsRef.make(path, "decoded") { iaa_vips_open(path, options.failOn, sequential, $0) }
            var upright = opened
            if info.orientation != 1 {
                upright = try VipsRef.make(path, "rotated upright") { iaa_vips_autorot(opened.ptr, $0) }
            }
            // libvips' savers rebuild EXIF from the image fields: make the orientation explicit
            // so the written EXIF says 1 (the pixels are already upright).
            let out = try VipsRef.make(path, "copied") { iaa_vips_copy(upright.ptr, $0) }
            iaa_vips_set_int(out.ptr, "orientation", 1)
            return out
        }
        return Picture(ref: try open(), sourcePath: path, reopen: open)
    }
}
