import XCTest
import IAACore
@testable import IAAModels

final class QualityWeightsTests: XCTestCase {
    private func temp(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "iaa-bad-\(UUID().uuidString).safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testTruncatedWeightsAreRefusedNamingTheFile() throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: QualityFixtures.brisqueWeights)))
        let path = try temp(Array(good.prefix(good.count - 100)))
        XCTAssertThrowsError(try Brisque(weightsPath: path)) { error in
            let e = error as? IAAError
            XCTAssertEqual(e?.kind, .badWeights)
            XCTAssertEqual(e?.path, path)
            XCTAssert(e?.description.contains("not the expected model file") ?? false, "\(error)")
        }
    }

    func testSwappedModelIsRefused() {
        XCTAssertThrowsError(try Niqe(weightsPath: QualityFixtures.brisqueWeights)) { error in
            XCTAssertEqual((error as? IAAError)?.kind, .badWeights)
        }
    }

    func testMissingWeightsAreNotFound() {
        XCTAssertThrowsError(try Brisque(weightsPath: "/nonexistent/brisque_live.safetensors")) { error in
            XCTAssertEqual((error as? IAAError)?.kind, .notFound)
        }
    }

    func testShapeCheckOnAWellFormedFile() throws {
        // A valid safetensors file with a wrong shape gets past the hash only if its hash is
        // the expected one, so exercise the parser directly with the file's own hash.
        let header = #"{"rho":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#
        var bytes = [UInt8](repeating: 0, count: 8)
        let h = Array(header.utf8)
        for i in 0..<8 { bytes[i] = UInt8((h.count >> (8 * i)) & 0xff) }
        bytes += h + [UInt8](repeating: 0, count: 16)
        let path = try temp(bytes)
        let w = try QualityWeights(path: path, sha256: SHA256.hex(bytes))
        XCTAssertThrowsError(try w.doubles("rho", shape: [1])) { error in
            XCTAssertEqual((error as? IAAError)?.kind, .badWeights)
            XCTAssert("\(error)".contains("shape"))
        }
        XCTAssertThrowsError(try w.doubles("alpha", shape: [1]))
    }

    func testLocateWeightsFindsTheRepositoryFolder() throws {
        let path = try WeightsLocator.path(of: Brisque.weightsFile)
        XCTAssert(path.hasSuffix("Weights/brisque_live.safetensors"))
    }
}
