import Foundation
import IAACore

/// A minimal safetensors reader for the classical quality models' small weight files
/// (https://github.com/huggingface/safetensors: 8-byte little-endian header length, a JSON
/// header of `name → {dtype, shape, data_offsets}`, then the raw little-endian tensor bytes).
///
/// The whole file is hashed before anything is parsed: a file whose SHA-256 differs from the
/// one the model was validated with is refused, so a truncated download or a different model
/// never produces a plausible-looking score.
struct QualityWeights: Sendable {
    /// The file, as given (used in every error message).
    let path: String
    private let bytes: [UInt8]
    private let entries: [String: Entry]
    /// Offset of the first tensor byte (after the header).
    private let dataStart: Int

    struct Entry: Sendable {
        let dtype: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// Reads `path` and checks that its SHA-256 is `sha256` (lowercase hex).
    init(path: String, sha256: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw IAAError(.unreadable, path: path, "cannot be read")
            }
            throw IAAError(.notFound, path: path, "does not exist (model weights; set IAA_WEIGHTS_DIR to the Weights folder)")
        }
        let bytes = [UInt8](data)
        let digest = SHA256.hex(bytes)
        guard digest == sha256 else {
            throw IAAError(.badWeights, path: path,
                           "is not the expected model file (sha256 \(digest.prefix(12))…, expected \(sha256.prefix(12))…; it may be truncated or replaced)")
        }
        guard bytes.count >= 8 else { throw IAAError(.badWeights, path: path, "is truncated (no safetensors header)") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard headerLength > 0, headerLength <= bytes.count - 8 else {
            throw IAAError(.badWeights, path: path, "is truncated (header of \(headerLength) bytes in a \(bytes.count)-byte file)")
        }
        let header = Data(bytes[8..<(8 + headerLength)])
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw IAAError(.badWeights, path: path, "has an unreadable safetensors header")
        }
        var entries: [String: Entry] = [:]
        let dataStart = 8 + headerLength
        for (name, value) in json where name != "__metadata__" {
            guard let t = value as? [String: Any], let dtype = t["dtype"] as? String,
                  let shape = t["shape"] as? [Int], let offsets = t["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], dataStart + offsets[1] <= bytes.count else {
                throw IAAError(.badWeights, path: path, "has a malformed or truncated tensor entry `\(name)`")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: dataStart + offsets[0], end: dataStart + offsets[1])
        }
        self.bytes = bytes
        self.entries = entries
        self.dataStart = dataStart
    }

    /// The tensor `name` as Double values, checked to have exactly `shape`. F32 and F64 are
    /// accepted (F32 values convert exactly).
    func doubles(_ name: String, shape: [Int]) throws -> [Double] {
        guard let e = entries[name] else { throw IAAError(.badWeights, path: path, "lacks the tensor `\(name)`") }
        guard e.shape == shape else {
            throw IAAError(.badWeights, path: path, "has tensor `\(name)` of shape \(e.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        let width: Int
        switch e.dtype {
        case "F32": width = 4
        case "F64": width = 8
        default: throw IAAError(.badWeights, path: path, "has tensor `\(name)` of type \(e.dtype), expected F32 or F64")
        }
        guard e.end - e.begin == count * width else {
            throw IAAError(.badWeights, path: path, "has tensor `\(name)` with \(e.end - e.begin) bytes for \(count) values")
        }
        var out = [Double](repeating: 0, count: count)
        for i in 0..<count {
            var bits: UInt64 = 0
            let o = e.begin + i * width
            for b in 0..<width { bits |= UInt64(bytes[o + b]) << (8 * UInt64(b)) }
            out[i] = width == 4 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))) : Double(bitPattern: bits)
        }
        return out
    }

    /// The tensor `name` as Float values (the tensor must be F32: no silent narrowing).
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard entries[name]?.dtype == "F32" else {
            throw IAAError(.badWeights, path: path, "lacks the float32 tensor `\(name)`")
        }
        return try doubles(name, shape: shape).map { Float($0) }
    }
}
