import Foundation
import IAACore

/// A verified safetensors weight file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the raw little-endian data. Only F32 and F16 tensors are read (converted to Float).
///
/// The file's SHA-256 is checked against the expected value before any tensor is used, and every
/// failure (missing or truncated file, wrong hash, malformed header, missing tensor, wrong shape)
/// is an `IAAError(.badWeights)` naming the file.
public struct SafeTensors: Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Hashable {
        /// "F32" or "F16" (other dtypes are listed but cannot be read as floats).
        public let dtype: String
        /// Dimensions, outermost first.
        public let shape: [Int]
        /// First byte within the data section.
        public let begin: Int
        /// One past the last byte within the data section.
        public let end: Int
    }

    /// The file the tensors came from.
    public let path: String
    /// Header entries by tensor name.
    public let entries: [String: Entry]
    /// The free-form `__metadata__` strings of the header.
    public let metadata: [String: String]
    private let bytes: Data
    private let dataStart: Int

    /// Reads and verifies `path`. `sha256` is the expected lowercase hex digest of the whole file;
    /// pass `nil` only for files made at run time (tests), never for shipped weights.
    public init(path: String, sha256 expected: String?) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw IAAError(.badWeights, path: path, "weight file not found")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IAAError(.badWeights, path: path, "weight file cannot be read")
        }
        guard data.count >= 8 else {
            throw IAAError(.badWeights, path: path, "weight file is truncated (\(data.count) bytes, no safetensors header)")
        }
        let headerLength = data.withUnsafeBytes { raw -> UInt64 in
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = v << 8 | UInt64(raw[i]) }
            return v
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw IAAError(.badWeights, path: path, "weight file is truncated (header of \(headerLength) bytes announced, \(data.count - 8) present)")
        }
        let start = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<start))
        } catch {
            throw IAAError(.badWeights, path: path, "weight file has a malformed safetensors header")
        }
        guard let header = json as? [String: Any] else {
            throw IAAError(.badWeights, path: path, "weight file has a malformed safetensors header")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        var dataEnd = 0
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (info["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw IAAError(.badWeights, path: path, "weight file has a malformed header entry for tensor \"\(name)\"")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
            dataEnd = max(dataEnd, offsets[1])
        }
        guard start + dataEnd <= data.count else {
            throw IAAError(.badWeights, path: path, "weight file is truncated (\(data.count) bytes, the header needs \(start + dataEnd))")
        }
        if let expected {
            let actual = data.withUnsafeBytes { SHA256.hex(UnsafeRawBufferPointer($0)) }
            guard actual == expected.lowercased() else {
                throw IAAError(.badWeights, path: path, "weight file has the wrong SHA-256 (\(actual.prefix(12))…, expected \(expected.prefix(12))…); it is damaged or a different version — restore it from the repository")
            }
        }
        self.entries = entries
        self.metadata = metadata
        self.bytes = data
        self.dataStart = start
    }

    /// Tensor names in the file, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The tensor `name` as Float values in its stored (row-major) order; throws unless it
    /// exists with exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let e = entries[name] else {
            throw IAAError(.badWeights, path: path, "weight file lacks tensor \"\(name)\"")
        }
        guard e.shape == shape else {
            throw IAAError(.badWeights, path: path, "weight file has tensor \"\(name)\" with shape \(e.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        let width: Int
        switch e.dtype {
        case "F32": width = 4
        case "F16": width = 2
        default:
            throw IAAError(.badWeights, path: path, "weight file stores tensor \"\(name)\" as \(e.dtype), expected F32 or F16")
        }
        guard e.end - e.begin == count * width else {
            throw IAAError(.badWeights, path: path, "weight file gives tensor \"\(name)\" \(e.end - e.begin) bytes for \(count) \(e.dtype) values")
        }
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart + e.begin
            out.withUnsafeMutableBufferPointer { dst in
                if width == 4 {
                    for i in 0..<count {
                        dst[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                } else {
                    for i in 0..<count {
                        dst[i] = halfToFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                }
            }
        }
        return out
    }
}

/// IEEE 754 binary16 → binary32, exact (subnormals, infinities and NaN included).
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exp = Int(h >> 10) & 0x1f
    let mant = UInt32(h & 0x3ff)
    if exp == 0 {
        return Float(bitPattern: sign) + (sign != 0 ? -1 : 1) * Float(mant) * 0x1p-24
    }
    if exp == 31 {
        return Float(bitPattern: sign | 0x7f80_0000 | (mant << 13))
    }
    return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | mant << 13)
}
