import IAACore

/// The marker segments of a JPEG up to its first SOS. Everything from SOS on (entropy-coded
/// data, later markers, EOI and any trailer such as an MPF second image) is carried as one
/// opaque block, so the image data cannot change.
struct JPEGContainer {
    /// The standard XMP APP1 identifier (XMP spec part 3, 1.1.3).
    static let xmpHeader = Array("http://ns.adobe.com/xap/1.0/\u{0}".utf8)
    static let exifHeader: [UInt8] = Array("Exif".utf8) + [0, 0]
    /// Largest standard XMP packet an APP1 segment may hold (XMP spec part 3).
    static let maxPacket = 65502

    struct Segment {
        let marker: UInt8
        /// Byte range of the whole segment (marker, length, payload).
        let range: Range<Int>
        /// Byte range of the payload (after the two length bytes).
        let payload: Range<Int>
    }

    let bytes: [UInt8]
    let path: String
    var segments: [Segment] = []
    /// Where SOS starts; everything from here is copied verbatim.
    var dataStart = 0

    init(_ bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw IAAError(.unsupportedFormat, path: path, "is not a JPEG file (no SOI marker)")
        }
        var i = 2
        while true {
            guard i < bytes.count else {
                throw IAAError(.truncated, path: path, "is truncated: the JPEG ends before its image data (no SOS marker)")
            }
            guard bytes[i] == 0xFF else {
                throw IAAError(.corrupt, path: path, "has a damaged JPEG header (expected a marker at byte \(i), found 0x\(String(bytes[i], radix: 16)))")
            }
            // Fill bytes (0xFF 0xFF …) may precede a marker.
            var m = i + 1
            while m < bytes.count && bytes[m] == 0xFF { m += 1 }
            guard m < bytes.count else { throw IAAError(.truncated, path: path, "is truncated inside a JPEG marker") }
            let marker = bytes[m]
            if marker == 0xDA { dataStart = i; break }
            if marker == 0xD9 {
                throw IAAError(.corrupt, path: path, "has no image data (the JPEG ends at byte \(m + 1) before any scan)")
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) || marker == 0x00 {
                throw IAAError(.corrupt, path: path, "has a damaged JPEG header (unexpected marker 0x\(String(marker, radix: 16)) at byte \(m))")
            }
            guard m + 2 < bytes.count else { throw IAAError(.truncated, path: path, "is truncated inside a JPEG marker segment") }
            let len = Int(bytes[m + 1]) << 8 | Int(bytes[m + 2])
            guard len >= 2 else {
                throw IAAError(.corrupt, path: path, "has a JPEG marker segment with an impossible length (\(len)) at byte \(m)")
            }
            let end = m + 1 + len
            guard end <= bytes.count else {
                throw IAAError(.truncated, path: path, "is truncated: a JPEG marker segment at byte \(m) runs past the end of the file")
            }
            segments.append(Segment(marker: marker, range: i..<end, payload: (m + 3)..<end))
            i = end
        }
    }

    func has(_ s: Segment, prefix: [UInt8]) -> Bool {
        s.payload.count >= prefix.count && Array(bytes[s.payload.lowerBound..<(s.payload.lowerBound + prefix.count)]) == prefix
    }

    /// Standard XMP segments (normally one; Extended XMP segments have another header and are
    /// not matched).
    var xmpSegments: [Segment] { segments.filter { $0.marker == 0xE1 && has($0, prefix: Self.xmpHeader) } }

    /// The packet of the first standard XMP segment.
    var xmp: XMPPacket? {
        xmpSegments.first.map { XMPPacket(bytes: Array(bytes[($0.payload.lowerBound + Self.xmpHeader.count)..<$0.payload.upperBound])) }
    }

    /// The file with the first standard XMP segment replaced by `packet` (or, without one, a new
    /// segment inserted after the leading APP0/Exif-APP1 segments), and any further standard XMP
    /// segments (invalid, but seen in the wild) replaced by `others`, in order. Every other byte
    /// is kept.
    func replacingXMP(with packet: XMPPacket, others: [XMPPacket] = []) throws -> [UInt8] {
        let first = try segment(for: packet)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + first.count)
        let existing = xmpSegments
        if existing.isEmpty {
            var at = 2
            for s in segments {
                guard s.marker == 0xE0 || (s.marker == 0xE1 && has(s, prefix: Self.exifHeader)) else { break }
                at = s.range.upperBound
            }
            out += bytes[..<at]
            out += first
            out += bytes[at...]
            return out
        }
        var pos = 0
        for (k, s) in existing.enumerated() {
            out += bytes[pos..<s.range.lowerBound]
            if k == 0 { out += first } else if k - 1 < others.count { out += try segment(for: others[k - 1]) } else { out += bytes[s.range] }
            pos = s.range.upperBound
        }
        out += bytes[pos...]
        return out
    }

    /// One APP1 segment holding `packet`; refuses packets that do not fit.
    func segment(for packet: XMPPacket) throws -> [UInt8] {
        var p = packet
        if p.bytes.count > Self.maxPacket {
            p = p.adjustingPadding(toMatch: 0) // give up the padding before giving up
        }
        guard p.bytes.count <= Self.maxPacket else {
            throw IAAError(.tooLarge, path: path, "has an XMP packet of \(p.bytes.count) bytes after tagging, more than the \(Self.maxPacket) bytes a JPEG XMP segment can hold")
        }
        let payload = Self.xmpHeader + p.bytes
        let len = payload.count + 2
        return [0xFF, 0xE1, UInt8(len >> 8), UInt8(len & 0xFF)] + payload
    }

    /// The packets of the second and later standard XMP segments.
    var extraXMP: [XMPPacket] {
        xmpSegments.dropFirst().map { XMPPacket(bytes: Array(bytes[($0.payload.lowerBound + Self.xmpHeader.count)..<$0.payload.upperBound])) }
    }
}
