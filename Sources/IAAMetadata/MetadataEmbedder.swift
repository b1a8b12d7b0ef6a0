import Foundation
import IAACore

/// File formats the metadata layer knows, recognised by content (never by extension).
public enum MetadataFormat: String, Sendable, Codable {
    /// XMP embedded losslessly.
    case jpeg, png, webp
    /// Recognised, but XMP always goes to a sidecar (rewriting the IFDs or boxes of these is
    /// not a lossless splice).
    case tiff, heif
    /// Anything else: sidecar only.
    case other

    /// True when XMP can be embedded into the file itself.
    public var embeds: Bool { self == .jpeg || self == .png || self == .webp }

    static func detect(_ b: [UInt8]) -> MetadataFormat {
        if b.count >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF { return .jpeg }
        if b.count >= 8 && Array(b[0..<8]) == PNGContainer.signature { return .png }
        if b.count >= 12 && Array(b[0..<4]) == Array("RIFF".utf8) && Array(b[8..<12]) == Array("WEBP".utf8) { return .webp }
        if b.count >= 4 && (b[0..<4] == [0x49, 0x49, 0x2A, 0x00] || b[0..<4] == [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if b.count >= 12 && Array(b[4..<8]) == Array("ftyp".utf8) {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"].contains(brand) { return .heif }
        }
        return .other
    }
}

/// How sidecar files are named.
public enum SidecarNaming: String, Sendable, Codable, CaseIterable {
    /// `photo.jpg.xmp` (darktable, digiKam): unambiguous when a RAW and a JPEG share a base name.
    /// The default.
    case appendExtension
    /// `photo.xmp` (Lightroom, Capture One).
    case replaceExtension

    /// The sidecar path for `path`.
    public func sidecarPath(for path: String) -> String {
        switch self {
        case .appendExtension: return path + ".xmp"
        case .replaceExtension: return (path as NSString).deletingPathExtension + ".xmp"
        }
    }
}

/// Where the XMP goes.
public enum EmbedMode: Sendable, Equatable {
    /// Write a tagged copy at this path; the original is not touched. For formats that only
    /// take sidecars, the copy is byte-identical and the sidecar goes beside it.
    case copy(to: String)
    /// Rewrite the file atomically (temporary file, fsync, rename); permissions are kept.
    case inPlace
    /// Leave the file alone and write (or merge into) a sidecar.
    case sidecar(SidecarNaming)
}

/// What a write did.
public struct EmbedResult: Sendable, Equatable {
    /// The file that now holds the XMP: the image (embedded) or its sidecar.
    public let path: String
    /// True when the XMP went to a sidecar.
    public let isSidecar: Bool
    /// True when `xmp:Rating` was written (false when an existing rating was kept or the record
    /// has no aesthetic score).
    public let ratingWritten: Bool
}

/// Stores aesthetic records in photos without re-encoding a pixel: JPEG (APP1 XMP segment),
/// PNG (iTXt `XML:com.adobe.xmp`) and WebP (`XMP ` chunk) are spliced; TIFF, HEIF and others get
/// a sidecar. Every other byte of the file is kept.
public enum MetadataEmbedder {
    /// Writes `record` into `path` (see `EmbedMode`). An existing `xmp:Rating` is kept unless
    /// `overwriteRating` (default false). Throws one `IAAError` sentence naming the file; on any
    /// failure no file is changed.
    @discardableResult
    public static func embed(_ record: AestheticRecord, into path: String, mode: EmbedMode = .inPlace,
                             overwriteRating: Bool = false) throws -> EmbedResult {
        try record.validate()
        var ratingWritten = false
        let edit: (XMPPacket, String) throws -> XMPPacket = { packet, where_ in
            let merged = try packet.merging(record, overwriteRating: overwriteRating, path: where_)
            let hadRating = try packet.rating() != nil
            ratingWritten = record.impliedRating != nil && (overwriteRating || !hadRating)
            return merged
        }
        let r = try rewrite(path, mode: mode, edit)
        return EmbedResult(path: r.path, isSidecar: r.isSidecar, ratingWritten: ratingWritten)
    }

    /// Removes every `iaa` property (and nothing else) from the file's XMP, or from its sidecar
    /// for `.sidecar` mode. A file without any is left untouched (in place) or copied unchanged.
    @discardableResult
    public static func strip(_ path: String, mode: EmbedMode = .inPlace) throws -> EmbedResult {
        let r = try rewrite(path, mode: mode, stripping: true) { packet, where_ in try packet.strippingIAA(path: where_) }
        return EmbedResult(path: r.path, isSidecar: r.isSidecar, ratingWritten: false)
    }

    static func rewrite(_ path: String, mode: EmbedMode, stripping: Bool = false,
                        _ edit: (XMPPacket, String) throws -> XMPPacket) throws -> (path: String, isSidecar: Bool) {
        let bytes = try readFile(path)
        let format = MetadataFormat.detect(bytes)
        switch mode {
        case .sidecar(let naming):
            let side = naming.sidecarPath(for: path)
            try writeSidecar(side, stripping: stripping, edit)
            return (side, true)
        case .copy(let dest) where !format.embeds:
            if URL(fileURLWithPath: dest).standardized.path != URL(fileURLWithPath: path).standardized.path {
                try AtomicWrite.write(bytes, to: dest, permissionsFrom: path)
            }
            let side = SidecarNaming.appendExtension.sidecarPath(for: dest)
            try writeSidecar(side, stripping: stripping, edit)
            return (side, true)
        case .inPlace where !format.embeds:
            let side = SidecarNaming.appendExtension.sidecarPath(for: path)
            try writeSidecar(side, stripping: stripping, edit)
            return (side, true)
        case .copy, .inPlace:
            let dest: String
            if case .copy(let d) = mode { dest = d } else { dest = path }
            let out = try embedded(bytes, format: format, path: path, stripping: stripping, edit)
            if out == bytes && dest == path { return (path, false) } // nothing to change
            try AtomicWrite.write(out, to: dest, permissionsFrom: path)
            return (dest, false)
        }
    }

    /// The file's bytes with the edited packet spliced in.
    static func embedded(_ bytes: [UInt8], format: MetadataFormat, path: String, stripping: Bool = false,
                         _ edit: (XMPPacket, String) throws -> XMPPacket) throws -> [UInt8] {
        switch format {
        case .jpeg:
            let c = try JPEGContainer(bytes, path: path)
            let old = c.xmp
            if old == nil && stripping { return bytes }
            let new = try edit(old ?? XMPPacket.empty(), path)
            // Stray extra XMP segments lose their iaa properties too, so no stale copy survives.
            let extras = c.extraXMP
            let cleaned = try extras.map { try $0.strippingIAA(path: path) }
            if let old, new == old, cleaned == extras { return bytes }
            return try c.replacingXMP(with: new, others: cleaned)
        case .png:
            let c = try PNGContainer(bytes, path: path)
            let old = try c.xmp()
            if old == nil && stripping { return bytes }
            let new = try edit(old ?? XMPPacket.empty(), path)
            if let old, new == old { return bytes }
            return c.replacingXMP(with: new)
        case .webp:
            let c = try WebPContainer(bytes, path: path)
            let old = c.xmp()
            if old == nil && stripping { return bytes }
            let new = try edit(old ?? XMPPacket.empty(), path)
            if let old, new == old { return bytes }
            return try c.replacingXMP(with: new)
        case .tiff, .heif, .other:
            throw IAAError(.unsupportedFormat, path: path, "cannot hold embedded XMP here; use a sidecar")
        }
    }

    static func writeSidecar(_ side: String, stripping: Bool, _ edit: (XMPPacket, String) throws -> XMPPacket) throws {
        let existing = FileManager.default.fileExists(atPath: side)
        if stripping && !existing { return }
        let old = existing ? XMPPacket(bytes: try readFile(side)) : XMPPacket.empty(wrapped: false)
        let new = try edit(old.isBlank ? XMPPacket.empty(wrapped: false) : old, side)
        if existing && new == old { return }
        try AtomicWrite.write(new.bytes, to: side, permissionsFrom: existing ? side : nil)
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw IAAError(.notFound, path: path, "does not exist")
        }
        if isDir.boolValue { throw IAAError(.unreadable, path: path, "is a folder, not a file") }
        // Straight into one array (no Data round trip: files can be tens of megabytes).
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IAAError(.unreadable, path: path, "cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IAAError(.unreadable, path: path, "cannot be read (\(String(cString: strerror(errno))))") }
        let size = Int(st.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var got = 0
            while got < size {
                let n = read(fd, buf.baseAddress! + got, size - got)
                if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                if n == 0 { break }
                got += n
            }
            count = got
        }
        if failure != 0 { throw IAAError(.unreadable, path: path, "cannot be read (\(String(cString: strerror(failure))))") }
        guard bytes.count == size else { throw IAAError(.unreadable, path: path, "changed size while being read") }
        return bytes
    }

    /// `bytes` (a JPEG, PNG or WebP file in memory) with `record` spliced into its XMP, for
    /// callers that produce a file in memory and write it themselves. `path` only names the
    /// file in error messages. Throws `.unsupportedFormat` for formats that need a sidecar.
    public static func embedding(_ record: AestheticRecord, in bytes: [UInt8], path: String,
                                 overwriteRating: Bool = false) throws -> [UInt8] {
        try record.validate()
        return try embedded(bytes, format: MetadataFormat.detect(bytes), path: path) { packet, where_ in
            try packet.merging(record, overwriteRating: overwriteRating, path: where_)
        }
    }
}

/// Reads aesthetic records back from files and sidecars.
public enum MetadataReader {
    /// Where a record was found.
    public struct Found: Sendable, Equatable {
        /// The file holding the XMP (the image or a sidecar).
        public let path: String
        public let isSidecar: Bool
        public let record: AestheticRecord
        /// The file's `xmp:Rating`, if any (whoever set it).
        public let rating: Double?
    }

    /// The record stored in `path`, else in its sidecar (`photo.jpg.xmp`, then `photo.xmp`);
    /// nil when there is none. Throws one `IAAError` sentence for unreadable or damaged files.
    public static func read(_ path: String) throws -> AestheticRecord? { try find(path)?.record }

    /// Like `read`, with where the record was found and the file's star rating.
    public static func find(_ path: String) throws -> Found? {
        let bytes = try MetadataEmbedder.readFile(path)
        if let p = try embeddedPacket(bytes, path: path), let r = try p.record(path: path) {
            return Found(path: path, isSidecar: false, record: r, rating: try p.rating())
        }
        // A sidecar path given directly.
        if MetadataFormat.detect(bytes) == .other, path.lowercased().hasSuffix(".xmp") {
            let p = XMPPacket(bytes: bytes)
            if let r = try p.record(path: path) { return Found(path: path, isSidecar: true, record: r, rating: try p.rating()) }
            return nil
        }
        for naming in SidecarNaming.allCases {
            let side = naming.sidecarPath(for: path)
            guard side != path, FileManager.default.fileExists(atPath: side) else { continue }
            let p = XMPPacket(bytes: try MetadataEmbedder.readFile(side))
            if let r = try p.record(path: side) { return Found(path: side, isSidecar: true, record: r, rating: try p.rating()) }
        }
        return nil
    }

    /// The embedded XMP packet of a JPEG, PNG or WebP file, if any.
    public static func embeddedPacket(_ path: String) throws -> XMPPacket? {
        try embeddedPacket(try MetadataEmbedder.readFile(path), path: path)
    }

    static func embeddedPacket(_ bytes: [UInt8], path: String) throws -> XMPPacket? {
        switch MetadataFormat.detect(bytes) {
        case .jpeg: return try JPEGContainer(bytes, path: path).xmp
        case .png: return try PNGContainer(bytes, path: path).xmp()
        case .webp: return try WebPContainer(bytes, path: path).xmp()
        default: return nil
        }
    }
}
