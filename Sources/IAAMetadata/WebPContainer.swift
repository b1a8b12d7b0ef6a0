import IAACore

/// The RIFF chunks of a WebP file. XMP lives in an `XMP ` chunk, allowed only in the extended
/// (VP8X) format with the XMP flag set; a simple VP8/VP8L file is converted to extended format
/// by adding a VP8X header chunk (canvas size from the bitstream). Image chunks are copied byte
/// for byte.
struct WebPContainer {
    struct Chunk {
        let fourCC: String
        /// The whole chunk including header and pad byte.
        let range: Range<Int>
        let data: Range<Int>
    }

    static let xmpFlag: UInt8 = 0x04
    static let alphaFlag: UInt8 = 0x10

    let bytes: [UInt8]
    let path: String
    var chunks: [Chunk] = []
    /// End of the RIFF payload; bytes after it are kept as they are.
    var riffEnd: Int

    init(_ bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WEBP".utf8) else {
            throw IAAError(.unsupportedFormat, path: path, "is not a WebP file (no RIFF/WEBP header)")
        }
        let riffSize = Self.le32(bytes, 4)
        riffEnd = 8 + riffSize
        guard riffSize >= 4, riffEnd <= bytes.count else {
            throw IAAError(.truncated, path: path, "is truncated: its RIFF header announces \(riffEnd) bytes but the file has \(bytes.count)")
        }
        var i = 12
        while i < riffEnd {
            guard i + 8 <= riffEnd else { throw IAAError(.corrupt, path: path, "has a damaged WebP chunk header at byte \(i)") }
            let fourCC = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = Self.le32(bytes, i + 4)
            let end = i + 8 + size + (size & 1)
            guard i + 8 + size <= riffEnd else {
                throw IAAError(.truncated, path: path, "is truncated: the WebP chunk '\(fourCC)' at byte \(i) runs past the end of the file")
            }
            chunks.append(Chunk(fourCC: fourCC, range: i..<min(end, riffEnd), data: (i + 8)..<(i + 8 + size)))
            i = end
        }
        guard let first = chunks.first, ["VP8 ", "VP8L", "VP8X"].contains(first.fourCC) else {
            throw IAAError(.corrupt, path: path, "has no VP8, VP8L or VP8X chunk first, so it is not a valid WebP")
        }
    }

    static func le32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
    }

    static func putLE32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
    static func putLE24(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF)] }

    static func chunk(_ fourCC: String, _ data: [UInt8]) -> [UInt8] {
        Array(fourCC.utf8) + putLE32(data.count) + data + (data.count & 1 == 1 ? [0] : [])
    }

    func xmp() -> XMPPacket? {
        chunks.first { $0.fourCC == "XMP " }.map { XMPPacket(bytes: Array(bytes[$0.data])) }
    }

    /// Canvas size and alpha of a simple (VP8 or VP8L) file, read from the bitstream header.
    func simpleCanvas(_ c: Chunk) throws -> (width: Int, height: Int, alpha: Bool) {
        let d = c.data
        if c.fourCC == "VP8 " {
            // 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (+2 scale bits).
            guard d.count >= 10, bytes[d.lowerBound + 3] == 0x9D, bytes[d.lowerBound + 4] == 0x01, bytes[d.lowerBound + 5] == 0x2A,
                  bytes[d.lowerBound] & 1 == 0 else {
                throw IAAError(.corrupt, path: path, "has a damaged VP8 bitstream header")
            }
            let w = (Int(bytes[d.lowerBound + 6]) | Int(bytes[d.lowerBound + 7]) << 8) & 0x3FFF
            let h = (Int(bytes[d.lowerBound + 8]) | Int(bytes[d.lowerBound + 9]) << 8) & 0x3FFF
            return (w, h, false)
        }
        // VP8L: signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used.
        guard d.count >= 5, bytes[d.lowerBound] == 0x2F else { throw IAAError(.corrupt, path: path, "has a damaged VP8L bitstream header") }
        let v = UInt32(bytes[d.lowerBound + 1]) | UInt32(bytes[d.lowerBound + 2]) << 8
            | UInt32(bytes[d.lowerBound + 3]) << 16 | UInt32(bytes[d.lowerBound + 4]) << 24
        return (Int(v & 0x3FFF) + 1, Int(v >> 14 & 0x3FFF) + 1, v >> 28 & 1 == 1)
    }

    /// The file with its XMP chunk replaced (or added at the end, where the container spec puts
    /// it), the VP8X XMP flag set, and the RIFF size fixed. A simple file gains a VP8X chunk.
    func replacingXMP(with packet: XMPPacket) throws -> [UInt8] {
        let xmpChunk = Self.chunk("XMP ", packet.bytes)
        var body: [UInt8] = [] // everything after "WEBP"
        body.reserveCapacity(riffEnd + xmpChunk.count + 32)
        let first = chunks[0]
        if first.fourCC == "VP8X" {
            guard first.data.count >= 10 else { throw IAAError(.corrupt, path: path, "has a damaged VP8X chunk") }
            var header = Array(bytes[first.range])
            header[8] |= Self.xmpFlag
            body += header
        } else {
            let (w, h, alpha) = try simpleCanvas(first)
            guard w > 0, h > 0 else { throw IAAError(.corrupt, path: path, "has a WebP bitstream with a zero canvas size") }
            let flags = Self.xmpFlag | (alpha ? Self.alphaFlag : 0)
            body += Self.chunk("VP8X", [flags, 0, 0, 0] + Self.putLE24(w - 1) + Self.putLE24(h - 1))
            body += bytes[first.range]
        }
        var replaced = false
        for c in chunks.dropFirst() {
            if c.fourCC == "XMP " {
                if !replaced { body += xmpChunk; replaced = true }
                continue // a second XMP chunk would be a duplicate
            }
            body += bytes[c.range]
            // A final chunk without its pad byte (the RIFF ended early) gets one, so ours stays aligned.
            if c.range.count & 1 == 1 { body.append(0) }
        }
        if !replaced { body += xmpChunk }
        let riff = Array("RIFF".utf8) + Self.putLE32(body.count + 4) + Array("WEBP".utf8)
        return riff + body + Array(bytes[riffEnd...])
    }
}
