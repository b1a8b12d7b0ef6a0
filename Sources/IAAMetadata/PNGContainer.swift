import IAACore

/// The chunks of a PNG. XMP lives in an uncompressed iTXt chunk with keyword
/// `XML:com.adobe.xmp` (XMP spec part 3, 1.1.5); every other chunk is copied byte for byte.
struct PNGContainer {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let keyword = Array("XML:com.adobe.xmp".utf8)

    struct Chunk {
        let type: String
        /// The whole chunk: length, type, data, CRC.
        let range: Range<Int>
        let data: Range<Int>
    }

    let bytes: [UInt8]
    let path: String
    var chunks: [Chunk] = []
    /// Bytes after IEND (kept as they are).
    var trailerStart: Int

    init(_ bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            throw IAAError(.unsupportedFormat, path: path, "is not a PNG file (bad signature)")
        }
        var i = 8
        var sawIEND = false
        while i < bytes.count && !sawIEND {
            guard i + 8 <= bytes.count else { throw IAAError(.truncated, path: path, "is truncated inside a PNG chunk header at byte \(i)") }
            let len = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard len <= 0x7FFF_FFFF else { throw IAAError(.corrupt, path: path, "has a PNG chunk with an impossible length at byte \(i)") }
            let typeBytes = bytes[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw IAAError(.corrupt, path: path, "has a damaged PNG chunk at byte \(i) (its type is not four letters)")
            }
            let end = i + 12 + len
            guard end <= bytes.count else {
                throw IAAError(.truncated, path: path, "is truncated: the PNG chunk \(String(decoding: typeBytes, as: UTF8.self)) at byte \(i) runs past the end of the file")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            chunks.append(Chunk(type: type, range: i..<end, data: (i + 8)..<(i + 8 + len)))
            if type == "IEND" { sawIEND = true }
            i = end
        }
        guard sawIEND else { throw IAAError(.truncated, path: path, "is truncated: the PNG has no IEND chunk") }
        guard chunks.first?.type == "IHDR" else { throw IAAError(.corrupt, path: path, "has no IHDR chunk first, so it is not a valid PNG") }
        trailerStart = i
    }

    func isXMP(_ c: Chunk) -> Bool {
        c.type == "iTXt" && c.data.count > Self.keyword.count
            && Array(bytes[c.data.lowerBound..<(c.data.lowerBound + Self.keyword.count)]) == Self.keyword
            && bytes[c.data.lowerBound + Self.keyword.count] == 0
    }

    func crcOK(_ c: Chunk) -> Bool {
        let stored = UInt32(bytes[c.data.upperBound]) << 24 | UInt32(bytes[c.data.upperBound + 1]) << 16
            | UInt32(bytes[c.data.upperBound + 2]) << 8 | UInt32(bytes[c.data.upperBound + 3])
        return CRC32.checksum(bytes[(c.range.lowerBound + 4)..<c.data.upperBound]) == stored
    }

    /// The packet of the first XMP iTXt chunk.
    func xmp() throws -> XMPPacket? {
        guard let c = chunks.first(where: isXMP) else { return nil }
        guard crcOK(c) else { throw IAAError(.corrupt, path: path, "has an XMP chunk with a wrong CRC (damaged data)") }
        // keyword \0, compression flag, method, language \0, translated keyword \0, text
        var k = c.data.lowerBound + Self.keyword.count + 1
        guard k + 2 <= c.data.upperBound else { throw IAAError(.corrupt, path: path, "has a truncated XMP iTXt chunk") }
        let compressed = bytes[k] != 0
        k += 2
        for _ in 0..<2 {
            while k < c.data.upperBound && bytes[k] != 0 { k += 1 }
            guard k < c.data.upperBound else { throw IAAError(.corrupt, path: path, "has a truncated XMP iTXt chunk") }
            k += 1
        }
        if compressed {
            throw IAAError(.unsupportedFormat, path: path, "has a compressed XMP chunk, which iaa-enhance does not edit (XMP in PNG must be stored uncompressed)")
        }
        return XMPPacket(bytes: Array(bytes[k..<c.data.upperBound]))
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let n = data.count
        let body = Array(type.utf8) + data
        let crc = CRC32.checksum(body[...])
        return [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + body
            + [UInt8(crc >> 24 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }

    /// The file with the XMP chunk replaced in place, or a new one inserted before the first
    /// IDAT. Every other byte is kept.
    func replacingXMP(with packet: XMPPacket) -> [UInt8] {
        let data = Self.keyword + [0, 0, 0, 0, 0] + packet.bytes
        let c = Self.chunk("iTXt", data)
        let range: Range<Int>
        if let old = chunks.first(where: isXMP) {
            range = old.range
        } else {
            let at = chunks.first { $0.type == "IDAT" || $0.type == "IEND" }!.range.lowerBound
            range = at..<at
        }
        return Array(bytes[..<range.lowerBound]) + c + Array(bytes[range.upperBound...])
    }
}

/// CRC-32 (ISO 3309 / PNG), table driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
