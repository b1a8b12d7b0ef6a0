import IAATestSupport
import Foundation
import XCTest
import IAAMetadata
@testable import IAACLI

/// `read` is not registered in the root command yet; its output is tested directly.
final class ReadCommandTests: XCTestCase {
    func testTextAndJSONOfAStoredRecord() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/metadata/canon_icc.jpg").standardized.path
        let dir = NSTemporaryDirectory() + "iaa-read-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let photo = dir + "/p.jpg"
        try FileManager.default.copyItem(atPath: fixture, toPath: photo)
        XCTAssertEqual(ReadCommand.text(file: photo, try MetadataReader.find(photo)), "\(photo)\n  no iaa-enhance record")

        let r = AestheticRecord(levels: [.exposure: 2], scores: [.exposure: 3.5], aestheticScore: 5.25, aestheticSpread: 1.5,
                                models: [ModelInfo(name: "NIMA", version: "1")], assessedAt: Date(timeIntervalSince1970: 0))
        try MetadataEmbedder.embed(r, into: photo, mode: .sidecar(.appendExtension))
        let found = try MetadataReader.find(photo)
        let text = ReadCommand.text(file: photo, found)
        XCTAssertTrue(text.contains("stored in        \(photo).xmp (sidecar)"), text)
        XCTAssertTrue(text.contains("rating           ★★★ (3.00)"), text)
        XCTAssertTrue(text.contains("aesthetic        5.25 ± 1.50 / 10 (implies 3 stars)"), text)
        XCTAssertTrue(text.contains("Exposure         2/5 slightly underexposed  (score 3.50)"), text)
        XCTAssertTrue(text.contains("assessed         1970-01-01T00:00:00Z"), text)

        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let json = try JSONSerialization.jsonObject(with: encoder.encode(ReadJSON(file: photo, found: found))) as? [String: Any]
        XCTAssertEqual(json?["sidecar"] as? Bool, true)
        XCTAssertEqual(json?["rating"] as? Double, 3)
        XCTAssertEqual((json?["record"] as? [String: Any])?["aestheticScore"] as? Double, 5.25)
    }
}
