import CExif
import CVips
import CVipsShim
import Foundation
import IAACore

/// What a photo's header and metadata say, without decoding pixels.
public struct PhotoInfo: Sendable, Codable, Equatable {
    public var path: String
    public var fileSize: Int
    public var format: PhotoFormat
    /// Stored (not upright) size in pixels.
    public var storedWidth: Int
    public var storedHeight: Int
    /// EXIF orientation 1…8 (1 when absent).
    public var orientation: Int
    /// Bands including alpha.
    public var bands: Int
    public var hasAlpha: Bool
    /// Bits per sample: 8, 16, 32 …
    public var bitsPerSample: Int
    /// libvips' interpretation: srgb, cmyk, b-w, rgb16, grey16, …
    public var colourSpace: String
    /// Number of pages or frames (GIF, multi-page TIFF, HEIF); only the first is processed.
    public var pages: Int
    /// ICC profile description, if one is embedded.
    public var iccProfile: String?
    public var iccBytes: Int
    public var exifBytes: Int
    public var xmpBytes: Int
    public var iptcBytes: Int
    /// Camera fields read from EXIF with libexif (empty when none).
    public var camera: [String: String]
    /// Namespace URIs declared in the embedded XMP packet, by prefix.
    public var xmpNamespaces: [String: String]
    /// A note when the file extension does not match the content (the content wins).
    public var extensionMismatch: String?

    /// Upright width (after applying orientation).
    public var width: Int { orientation >= 5 ? storedHeight : storedWidth }
    /// Upright height (after applying orientation).
    public var height: Int { orientation >= 5 ? storedWidth : storedHeight }

    init(path: String, fileSize: Int, format: PhotoFormat, header: VipsRef) {
        self.path = path
        self.fileSize = fileSize
        self.format = format
        storedWidth = header.width
        storedHeight = header.height
        let o = header.int("orientation") ?? 1
        orientation = (1...8).contains(o) ? o : 1
        bands = header.bands
        hasAlpha = header.hasAlpha
        bitsPerSample = Int(vips_format_sizeof(header.format)) * 8
        colourSpace = vips_enum_nick(vips_interpretation_get_type(), Int32(header.interpretation.rawValue))
            .map { String(cString: $0) } ?? "unknown"
        pages = header.int("n-pages") ?? 1
        let icc = header.blob("icc-profile-data")
        iccBytes = icc?.count ?? 0
        iccProfile = icc.flatMap(Self.iccDescription)
        let exif = header.blob("exif-data")
        exifBytes = exif?.count ?? 0
        camera = exif.map(Self.cameraFields) ?? [:]
        let xmp = header.blob("xmp-data")
        xmpBytes = xmp?.count ?? 0
        xmpNamespaces = xmp.map { Self.namespaces(in: $0) } ?? [:]
        iptcBytes = header.blob("iptc-data")?.count ?? 0
        let ext = (path as NSString).pathExtension.lowercased()
        if !ext.isEmpty, !format.extensions.contains(ext) {
            extensionMismatch = "named .\(ext) but contains \(format.rawValue.uppercased()) data"
        }
    }

    /// The `desc` tag of an ICC profile (v2 `desc` or v4 `mluc`), best effort.
    static func iccDescription(_ icc: [UInt8]) -> String? {
        guard icc.count >= 132 else { return nil }
        func be32(_ o: Int) -> Int { Int(icc[o]) << 24 | Int(icc[o + 1]) << 16 | Int(icc[o + 2]) << 8 | Int(icc[o + 3]) }
        let count = be32(128)
        guard count < 200 else { return nil }
        for i in 0..<count {
            let e = 132 + 12 * i
            guard e + 12 <= icc.count else { return nil }
            let sig = String(decoding: icc[e..<e + 4], as: UTF8.self)
            let off = be32(e + 4), len = be32(e + 8)
            guard sig == "desc", off >= 0, len > 12, off + len <= icc.count else { continue }
            let type = String(decoding: icc[off..<off + 4], as: UTF8.self)
            if type == "desc" {
                let n = be32(off + 8)
                guard n > 0, off + 12 + n <= icc.count else { return nil }
                return String(decoding: icc[(off + 12)..<(off + 12 + n)].prefix { $0 != 0 }, as: UTF8.self)
            }
            if type == "mluc" {
                let recs = be32(off + 8)
                guard recs > 0, off + 28 <= icc.count else { return nil }
                let slen = be32(off + 20), soff = be32(off + 24)
                guard off + soff + slen <= icc.count else { return nil }
                var units: [UInt16] = []
                var j = off + soff
                while j + 1 < off + soff + slen { units.append(UInt16(icc[j]) << 8 | UInt16(icc[j + 1])); j += 2 }
                return String(decoding: units, as: UTF16.self)
            }
        }
        return nil
    }

    /// Camera fields read with libexif from a raw EXIF block (with or without "Exif\0\0").
    static func cameraFields(_ exif: [UInt8]) -> [String: String] {
        let wanted: [(String, ExifTag)] = [
            ("make", EXIF_TAG_MAKE), ("model", EXIF_TAG_MODEL), ("lens", EXIF_TAG_LENS_MODEL),
            ("dateTimeOriginal", EXIF_TAG_DATE_TIME_ORIGINAL), ("exposureTime", EXIF_TAG_EXPOSURE_TIME),
            ("fNumber", EXIF_TAG_FNUMBER), ("iso", EXIF_TAG_ISO_SPEED_RATINGS),
            ("focalLength", EXIF_TAG_FOCAL_LENGTH), ("software", EXIF_TAG_SOFTWARE),
            ("gpsLatitude", ExifTag(rawValue: 0x0002)), ("gpsLongitude", ExifTag(rawValue: 0x0004)),
        ]
        var data = exif
        if !data.starts(with: Array("Exif".utf8)) { data = Array("Exif\0\0".utf8) + data }
        guard let ed = data.withUnsafeBufferPointer({ exif_data_new_from_data($0.baseAddress, UInt32($0.count)) }) else { return [:] }
        defer { exif_data_unref(ed) }
        var out: [String: String] = [:]
        let t = ed.pointee.ifd
        let contents: [(ExifIfd, UnsafeMutablePointer<ExifContent>?)] = [
            (EXIF_IFD_0, t.0), (EXIF_IFD_EXIF, t.2), (EXIF_IFD_GPS, t.3),
        ]
        for (name, tag) in wanted {
            // GPS tags share numbers with IFD0 ones; read GPS names from the GPS IFD only.
            for (ifd, content) in contents where name.hasPrefix("gps") == (ifd == EXIF_IFD_GPS) {
                guard let content, let entry = exif_content_get_entry(content, tag) else { continue }
                var buf = [CChar](repeating: 0, count: 256)
                if let v = exif_entry_get_value(entry, &buf, 255) {
                    let s = String(cString: v).trimmingCharacters(in: .whitespacesAndNewlines)
                    if !s.isEmpty { out[name] = s }
                }
                break
            }
        }
        return out
    }

    /// `xmlns:prefix="uri"` declarations in an XMP packet.
    static func namespaces(in xmp: [UInt8]) -> [String: String] {
        let text = String(decoding: xmp, as: UTF8.self)
        var out: [String: String] = [:]
        var rest = text[...]
        while let r = rest.range(of: "xmlns:") {
            rest = rest[r.upperBound...]
            guard let eq = rest.firstIndex(of: "=") else { break }
            let prefix = rest[..<eq].trimmingCharacters(in: .whitespaces)
            var after = rest[rest.index(after: eq)...].drop { $0 == " " }
            guard let quote = after.first, quote == "\"" || quote == "'" else { continue }
            after = after.dropFirst()
            guard let end = after.firstIndex(of: quote) else { break }
            if !prefix.isEmpty, prefix.count < 64, !prefix.contains(" ") { out[prefix] = String(after[..<end]) }
            rest = after[end...]
        }
        return out
    }
}
