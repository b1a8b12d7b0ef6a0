import Foundation
import IAACore
import IAANeural
import XCTest

/// Writes a safetensors file (F32 unless `half`), the format the Python converters produce.
func writeSafeTensors(_ tensors: [(String, [Int], [Float])], to path: String, half: Bool = false) throws -> String {
    var header: [String: Any] = [:]
    var data: [UInt8] = []
    for (name, shape, values) in tensors {
        let begin = data.count
        for v in values {
            if half {
                let h = Float16(v).bitPattern
                data += [UInt8(h & 0xff), UInt8(h >> 8)]
            } else {
                let b = v.bitPattern
                data += [UInt8(b & 0xff), UInt8((b >> 8) & 0xff), UInt8((b >> 16) & 0xff), UInt8(b >> 24)]
            }
        }
        header[name] = ["dtype": half ? "F16" : "F32", "shape": shape, "data_offsets": [begin, data.count]]
    }
    let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    var bytes: [UInt8] = []
    var n = UInt64(json.count)
    for _ in 0..<8 { bytes.append(UInt8(n & 0xff)); n >>= 8 }
    bytes += json + data
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return SHA256.hex(bytes)
}

final class SafeTensorsTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "iaa-safetensors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func assertBadWeights(_ path: String, contains text: String, _ body: () throws -> Void,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? IAAError else { return XCTFail("not an IAAError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, .badWeights, file: file, line: line)
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.description.contains(text), "\(e.description)", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix(path), file: file, line: line)
        }
    }

    func testReadsF32AndF16() throws {
        let p32 = dir + "/a.safetensors", p16 = dir + "/b.safetensors"
        let values: [Float] = [1, -2.5, 0.125, 65504, 3e-6, 0]
        let h32 = try writeSafeTensors([("w", [2, 3], values), ("b", [1], [7])], to: p32)
        let h16 = try writeSafeTensors([("w", [2, 3], values)], to: p16, half: true)
        let a = try SafeTensors(path: p32, sha256: h32)
        XCTAssertEqual(try a.tensor("w", shape: [2, 3]), values)
        XCTAssertEqual(try a.tensor("b", shape: [1]), [7])
        XCTAssertEqual(a.names, ["b", "w"])
        let b = try SafeTensors(path: p16, sha256: h16)
        let got = try b.tensor("w", shape: [2, 3])
        for (g, v) in zip(got, values) { XCTAssertEqual(g, Float(Float16(v))) }
    }

    func testWrongHash() throws {
        let p = dir + "/w.safetensors"
        _ = try writeSafeTensors([("w", [2], [1, 2])], to: p)
        assertBadWeights(p, contains: "wrong SHA-256") {
            _ = try SafeTensors(path: p, sha256: String(repeating: "0", count: 64))
        }
    }

    func testTruncatedFile() throws {
        let p = dir + "/t.safetensors"
        _ = try writeSafeTensors([("w", [4], [1, 2, 3, 4])], to: p)
        let full = try Data(contentsOf: URL(fileURLWithPath: p))
        for keep in [3, 20, full.count - 1] {
            try full.prefix(keep).write(to: URL(fileURLWithPath: p))
            assertBadWeights(p, contains: "truncated") { _ = try SafeTensors(path: p, sha256: SHA256.hex(full.prefix(keep))) }
        }
    }

    func testMissingTensorAndWrongShape() throws {
        let p = dir + "/m.safetensors"
        let h = try writeSafeTensors([("w", [2, 3], [Float](repeating: 1, count: 6))], to: p)
        let st = try SafeTensors(path: p, sha256: h)
        assertBadWeights(p, contains: "lacks tensor \"bias\"") { _ = try st.tensor("bias", shape: [3]) }
        assertBadWeights(p, contains: "shape [2, 3], expected [3, 2]") { _ = try st.tensor("w", shape: [3, 2]) }
    }

    func testMissingFile() {
        let p = dir + "/none.safetensors"
        assertBadWeights(p, contains: "not found") { _ = try SafeTensors(path: p, sha256: nil) }
    }

    func testMalformedHeader() throws {
        let p = dir + "/h.safetensors"
        var bytes: [UInt8] = [4, 0, 0, 0, 0, 0, 0, 0]
        bytes += Array("nope".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        assertBadWeights(p, contains: "malformed") { _ = try SafeTensors(path: p, sha256: nil) }
    }
}
