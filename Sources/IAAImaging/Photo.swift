import CVips
import CVipsShim
import Foundation
import IAACore

/// How strictly files are decoded and how large they may be.
public struct DecodeOptions: Sendable, Hashable {
    /// Largest accepted image, in pixels (width × height of the first page). The default,
    /// 268 megapixels, admits 200 MP panoramas and refuses decompression bombs.
    public var pixelLimit: Int
    /// When true (the default) a truncated or corrupt file is an error, never a silently grey
    /// image: libvips' `fail_on` is set to `truncated` for every decode.
    public var strict: Bool

    public init(pixelLimit: Int = 268_435_456, strict: Bool = true) {
        self.pixelLimit = pixelLimit
        self.strict = strict
    }

    public static let `default` = DecodeOptions()
    var failOn: Int32 { strict ? 1 : 0 }
}

/// The container formats iaa-enhance reads. libvips can open more (PDF, SVG, FITS, …), but
/// those are not photographs and each extra parser is extra attack surface.
public enum PhotoFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, webp, tiff, gif, heif, jp2k, ppm

    init?(loader: String) {
        var l = loader.lowercased()
        if l.hasPrefix("vipsforeignload") { l.removeFirst("vipsforeignload".count) }
        if l.hasPrefix("ns") { l.removeFirst(2) }  // libnsgif
        switch true {
        case l.hasPrefix("jpeg"): self = .jpeg
        case l.hasPrefix("png"): self = .png
        case l.hasPrefix("webp"): self = .webp
        case l.hasPrefix("tiff"): self = .tiff
        case l.hasPrefix("gif"): self = .gif
        case l.hasPrefix("heif"): self = .heif
        case l.hasPrefix("jp2k"): self = .jp2k
        case l.hasPrefix("ppm"): self = .ppm
        default: return nil
        }
    }

    /// The format named by the file's first bytes, or nil if it is none of ours.
    public static func sniff(path: String) -> PhotoFormat? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        let b = [UInt8]((try? h.read(upToCount: 32)) ?? Data())
        return sniff(bytes: b)
    }

    /// The format named by a file's first bytes (at least 12 needed), or nil.
    public static func sniff(bytes b: [UInt8]) -> PhotoFormat? {
        func at(_ o: Int, _ s: [UInt8]) -> Bool { b.count >= o + s.count && Array(b[o..<o + s.count]) == s }
        func ascii(_ o: Int, _ s: String) -> Bool { at(o, Array(s.utf8)) }
        if at(0, [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if ascii(0, "GIF87a") || ascii(0, "GIF89a") { return .gif }
        if ascii(0, "RIFF") && ascii(8, "WEBP") { return .webp }
        if at(0, [0x49, 0x49, 0x2A, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2A])
            || at(0, [0x49, 0x49, 0x2B, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }
        if ascii(4, "ftyp") {
            let brands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis"]
            if brands.contains(where: { ascii(8, $0) }) { return .heif }
        }
        if at(0, [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || at(0, [0xFF, 0x4F, 0xFF, 0x51]) { return .jp2k }
        if b.count >= 2, b[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(b[1]) || b[1] == UInt8(ascii: "f") || b[1] == UInt8(ascii: "F") { return .ppm }
        return nil
    }

    /// File extensions conventionally used for the format (lowercase, no dot).
    public var extensions: [String] {
        switch self {
        case .jpeg: return ["jpg", "jpeg", "jpe", "jfif", "mpo"]
        case .png: return ["png"]
        case .webp: return ["webp"]
        case .tiff: return ["tif", "tiff"]
        case .gif: return ["gif"]
        case .heif: return ["heic", "heif", "avif", "hif"]
        case .jp2k: return ["jp2", "j2k", "jpx"]
        case .ppm: return ["ppm", "pgm", "pbm", "pnm", "pfm"]
        }
    }
}

/// An opened photo: its header has been read and checked, no pixel decoded yet. Proxies are
/// decoded on demand with shrink-on-load and cached, so every consumer shares one decode.
public final class Photo: @unchecked Sendable {
    /// The path as given.
    public let path: String
    /// What the header says.
    public let info: PhotoInfo
    public let options: DecodeOptions

    let header: VipsRef
    private let lock = NSLock()
    private var proxies: [Int: RGBImage] = [:]

    /// Opens `path`, reads its header and refuses what cannot be processed: missing files,
    /// unsupported formats, images over the pixel limit. Pixels are not decoded yet.
    public init(path: String, options: DecodeOptions = .default) throws {
        try Vips.ensureStarted()
        self.path = path
        self.options = options
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw IAAError(.notFound, path: path, "does not exist")
        }
        if isDir.boolValue { throw IAAError(.invalidArgument, path: path, "is a folder, not a photo") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw IAAError(.unreadable, path: path, "cannot be read (permission denied)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size == 0 { throw IAAError(.corrupt, path: path, "is empty (0 bytes)") }

        // Recognise the container by its magic bytes before libvips sniffs it: libvips would try
        // every loader it has (SVG, PDF, …), and some of those hang or crash on garbage.
        guard let sniffed = PhotoFormat.sniff(path: path) else {
            throw IAAError(.unsupportedFormat, path: path,
                           "is not an image in a format iaa-enhance reads (JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF)")
        }
        guard let loaderName = vips_foreign_find_load(path).map({ String(cString: $0) }) else {
            _ = Vips.takeError()
            throw IAAError(.unsupportedFormat, path: path,
                           "is not an image in a format iaa-enhance reads (JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF)")
        }
        guard let format = PhotoFormat(loader: loaderName) else {
            throw IAAError(.unsupportedFormat, path: path,
                           "is a \(Self.formatName(loaderName)) file, which iaa-enhance does not process (it reads JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF)")
        }
        let header = try VipsRef.make(path, "read") { iaa_vips_header(path, $0) }
        let pixels = header.width * header.height
        if pixels > options.pixelLimit {
            throw IAAError(.tooLarge, path: path,
                           "is \(header.width)×\(header.height) pixels (\(Self.megapixels(pixels)) MP), over the limit of \(Self.megapixels(options.pixelLimit)) MP (raise it with --max-megapixels)")
        }
        self.header = header
        self.info = PhotoInfo(path: path, fileSize: size, format: format, header: header)
    }

    static func formatName(_ loader: String) -> String {
        var l = loader
        for p in ["VipsForeignLoad"] where l.hasPrefix(p) { l.removeFirst(p.count) }
        for s in ["FileSource", "File", "Source", "Buffer"] where l.hasSuffix(s) { l.removeLast(s.count); break }
        return l.uppercased()
    }

    static func megapixels(_ n: Int) -> String { String(format: "%.1f", Double(n) / 1e6) }

    /// A `side` × `side` window of the file at full resolution (1:1 pixels, 8-bit sRGB, as
    /// stored: not rotated upright), or the whole image when it is smaller. Centred across and
    /// a fifth of the way down, so a sequential decode reads only the top of the file. For
    /// measurements a proxy averages away (noise); the orientation does not matter to them.
    public func detailWindow(side: Int) throws -> RGBImage {
        let w = min(side, info.storedWidth), h = min(side, info.storedHeight)
        let left = (info.storedWidth - w) / 2, top = min(info.storedHeight - h, max(0, info.storedHeight / 5 - h / 2))
        let ref = try VipsRef.make(path, "decoded") {
            iaa_vips_region(path, Int32(left), Int32(top), Int32(w), Int32(h), options.failOn, $0)
        }
        return try Self.readRGB(ref, path: path)
    }

    /// An upright, sRGB, 8-bit proxy whose long side is at most `longSide` (never upscaled).
    ///
    /// Decoded with shrink-on-load the first time; a later request for a smaller proxy is
    /// resampled from the cached one instead of decoding the file again.
    public func proxy(longSide: Int) throws -> RGBImage {
        precondition(longSide > 0)
        lock.lock(); defer { lock.unlock() }
        let target = min(longSide, max(info.width, info.height))
        if let hit = proxies[target] { return hit }
        if let source = proxies.filter({ $0.key > target }).min(by: { $0.key < $1.key })?.value {
            let small = try Self.downsample(source, longSide: target, path: path)
            proxies[target] = small
            return small
        }
        let kind: Int32 = info.format == .jpeg ? 1 : info.format == .webp ? 2 : 0
        let rgb = try VipsRef.make(path, "decoded") {
            iaa_vips_proxy(path, kind, Int32(info.storedWidth), Int32(info.storedHeight), Int32(target), options.failOn, $0)
        }
        let image = try Self.readRGB(rgb, path: path)
        proxies[target] = image
        return image
    }

    /// Decodes the whole image once (sequentially) to prove it is intact, without keeping
    /// its pixels: the strict check used before writing anything derived from a file.
    public func validate() throws {
        let full = try VipsRef.make(path, "decoded") { iaa_vips_open(path, options.failOn, 1, $0) }
        var avg = 0.0
        if iaa_vips_avg(full.ptr, &avg) != 0 {
            throw Vips.classify(path: path, what: "decoded", message: Vips.takeError())
        }
    }

    static func readRGB(_ ref: VipsRef, path: String?) throws -> RGBImage {
        precondition(ref.bands == 3 && ref.format == VIPS_FORMAT_UCHAR)
        var size = 0
        guard let mem = iaa_vips_write_to_memory(ref.ptr, &size) else {
            throw Vips.classify(path: path, what: "decoded", message: Vips.takeError())
        }
        defer { g_free(mem) }
        let count = ref.width * ref.height * 3
        guard size == count else {
            throw IAAError(.internalFailure, path: path, "decoded to \(size) bytes where \(count) were expected")
        }
        let pixels = Array(UnsafeBufferPointer(start: mem.assumingMemoryBound(to: UInt8.self), count: count))
        return RGBImage(width: ref.width, height: ref.height, pixels: pixels)
    }

    static func fromRGB(_ image: RGBImage) throws -> VipsRef {
        let ref = try image.pixels.withUnsafeBytes { raw in
            try VipsRef.make(nil, "wrapped") {
                iaa_vips_new_from_memory_copy(raw.baseAddress, raw.count, Int32(image.width), Int32(image.height), 3, VIPS_FORMAT_UCHAR, $0)
            }
        }
        return ref
    }

    /// Resamples an RGB image so that its long side is `longSide` (libvips' Lanczos3 `resize`).
    public static func downsample(_ image: RGBImage, longSide: Int, path: String? = nil) throws -> RGBImage {
        let long = max(image.width, image.height)
        if longSide >= long { return image }
        let src = try fromRGB(image)
        let scale = Double(longSide) / Double(long)
        let small = try VipsRef.make(path, "resized") { iaa_vips_resize(src.ptr, scale, $0) }
        return try readRGB(small, path: path)
    }
}
