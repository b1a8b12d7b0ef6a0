import Foundation
import IAACore
import IAAModels
import XCTest

/// Damaged or mismatched weight files must fail with one sentence naming the file.
final class WeightsTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "iaa-weights-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func expectBadWeights(_ path: String, _ text: String, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let e = error as? IAAError else { return XCTFail("\(error)", line: line) }
            XCTAssertEqual(e.kind, .badWeights, line: line)
            XCTAssertEqual(e.path, path, line: line)
            XCTAssertTrue(e.description.contains(text), e.description, line: line)
        }
    }

    func testTruncatedNIMAWeights() throws {
        let real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.weights(NIMA.entry.weightsFile)))
        let p = dir + "/nima.safetensors"
        try real.prefix(real.count / 2).write(to: URL(fileURLWithPath: p))
        expectBadWeights(p, "truncated") { _ = try NIMA(weightsAt: p) }
    }

    func testAlteredNIMAWeightsFailTheHash() throws {
        var real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.weights(NIMA.entry.weightsFile)))
        real[real.count - 5] ^= 0x40  // one flipped bit in the dense bias
        let p = dir + "/nima.safetensors"
        try real.write(to: URL(fileURLWithPath: p))
        expectBadWeights(p, "wrong SHA-256") { _ = try NIMA(weightsAt: p) }
    }

    func testWrongShapeIsNamed() throws {
        // A well-formed file whose conv1 has 16 filters instead of 32.
        let p = dir + "/small.safetensors"
        let values = [Float](repeating: 0.5, count: 16 * 3 * 3 * 3)
        let header = #"{"conv1.weight":{"dtype":"F32","shape":[16,3,3,3],"data_offsets":[0,\#(values.count * 4)]}}"#
        var bytes: [UInt8] = []
        var n = UInt64(header.utf8.count)
        for _ in 0..<8 { bytes.append(UInt8(n & 0xff)); n >>= 8 }
        bytes += Array(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        expectBadWeights(p, "\"conv1.weight\" with shape [16, 3, 3, 3], expected [32, 3, 3, 3]") {
            _ = try NIMA(weightsAt: p, sha256: SHA256.hex(bytes))
        }
    }

    func testLocatorFindsTheRepositoryWeights() throws {
        let path = try WeightsLocator.path(of: NIMA.entry.weightsFile)
        XCTAssertTrue(path.hasSuffix("Weights/nima_mobilenet_ava.safetensors"), path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testEnvironmentVariableOverridesTheSearch() throws {
        defer { unsetenv(WeightsLocator.environmentVariable) }
        setenv(WeightsLocator.environmentVariable, dir, 1)
        XCTAssertThrowsError(try WeightsLocator.path(of: YuNet.entry.weightsFile)) { error in
            XCTAssertTrue((error as? IAAError)?.description.contains("IAA_WEIGHTS_DIR points to \(self.dir!)") ?? false, "\(error)")
        }
        let weightsDir = Fixtures.root.appendingPathComponent("Weights").path
        setenv(WeightsLocator.environmentVariable, weightsDir, 1)
        XCTAssertEqual(try WeightsLocator.path(of: YuNet.entry.weightsFile), weightsDir + "/" + YuNet.entry.weightsFile)
    }

    /// The uniform entry point: any registered model loads from its registry row.
    func testRegisteredModelLoads() throws {
        let yunet = try YuNet.load()
        XCTAssertTrue(yunet.detect(RGBImage(width: 64, height: 64, fill: (0, 0, 0))).isEmpty)
    }

    func testLocatorReportsAMissingFile() {
        XCTAssertThrowsError(try WeightsLocator.path(of: "no_such_model.safetensors")) { error in
            let e = error as? IAAError
            XCTAssertEqual(e?.kind, .badWeights)
            XCTAssertTrue(e?.description.contains("IAA_WEIGHTS_DIR") ?? false)
        }
    }

    /// Every registry row points to a committed file under 20 MB with a well-formed hash (the
    /// hash itself is verified by every model load in the other tests).
    func testEveryRegisteredWeightFileIsPresent() throws {
        XCTAssertEqual(Set(ModelRegistry.all.map(\.name)).count, ModelRegistry.all.count, "duplicate names")
        for entry in ModelRegistry.all {
            let path = try entry.weightsPath()
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            XCTAssertLessThan(size, 20_000_000, entry.name)
            XCTAssertEqual(entry.sha256.count, 64, entry.name)
            XCTAssertTrue(entry.sha256.allSatisfy { "0123456789abcdef".contains($0) }, entry.name)
        }
    }
}
