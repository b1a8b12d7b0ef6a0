import CSHA256
/// SHA-256 (FIPS 180-4), used to verify weight files and to key caches. Small and dependency
/// free; throughput ~200 MB/s in release builds, plenty for a few MB of weights.
public struct SHA256: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0
    private let hardware: Bool

    /// Whether this CPU's SHA extensions compress the blocks (about 10× the Swift rounds; the
    /// weights are hashed at every model load).
    public static let hardwareAvailable: Bool = iaa_sha256_hw_available() == 1

    /// The round constants, from the C table the hardware rounds use too.
    private static let k: [UInt32] = withUnsafeBytes(of: iaa_sha256_k) { Array($0.bindMemory(to: UInt32.self)) }

    public init() { hardware = Self.hardwareAvailable }

    /// A hasher that uses the SHA extensions only if `hardware` is true and the CPU has them
    /// (for tests comparing both paths).
    public init(hardware: Bool) { self.hardware = hardware && Self.hardwareAvailable }

    /// Feeds bytes. Whole 64-byte blocks are compressed straight from the input; only a tail
    /// shorter than a block is buffered.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        length &+= UInt64(bytes.count)
        let handled: Bool? = bytes.withContiguousStorageIfAvailable { p in
            absorb(UnsafeRawBufferPointer(p))
            return true
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { absorb($0) }
        }
    }

    private mutating func absorb(_ input: UnsafeRawBufferPointer) {
        var offset = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, input.count)
            buffer.append(contentsOf: input[0..<take])
            offset = take
            if buffer.count == 64 {
                let block = buffer
                block.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (input.count - offset) / 64
        if blocks > 0 {
            compress(input.baseAddress! + offset, blocks: blocks)
            offset += 64 * blocks
        }
        if offset < input.count { buffer.append(contentsOf: input[offset...]) }
    }

    /// Finishes and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var pad: [UInt8] = [0x80]
        let rem = Int((length + 1) % 64)
        pad += [UInt8](repeating: 0, count: rem <= 56 ? 56 - rem : 120 - rem)
        for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        let saved = length
        update(pad)
        length = saved
        var out: [UInt8] = []
        for v in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
            out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        }
        return out
    }

    /// Hex digest of `bytes`.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return s.finalize().map { String(format2: $0) }.joined()
    }

    private mutating func compress(_ p: UnsafeRawPointer, blocks: Int) {
        if hardware {
            var state: [UInt32] = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
            state.withUnsafeMutableBufferPointer { iaa_sha256_hw_compress($0.baseAddress!, p.assumingMemoryBound(to: UInt8.self), blocks) }
            h = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
            return
        }
        for b in 0..<blocks { compressSoftware(p + 64 * b) }
    }

    private mutating func compressSoftware(_ p: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                let o = 4 * i
                w[i] = UInt32(p.load(fromByteOffset: o, as: UInt8.self)) << 24
                    | UInt32(p.load(fromByteOffset: o + 1, as: UInt8.self)) << 16
                    | UInt32(p.load(fromByteOffset: o + 2, as: UInt8.self)) << 8
                    | UInt32(p.load(fromByteOffset: o + 3, as: UInt8.self))
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = h
            SHA256.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ S1 &+ ch &+ k[i] &+ w[i]
                    let S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = S0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }

    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self.init([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
