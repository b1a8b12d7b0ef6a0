import Foundation
import IAACore
import XCTest

final class AtomicWriteTests: XCTestCase {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "iaa-atomic-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testWritesAndReplaces() throws {
        let dir = try tempDir()
        let path = dir + "/a.bin"
        try AtomicWrite.write([1, 2, 3], to: path)
        XCTAssertEqual([UInt8](FileManager.default.contents(atPath: path)!), [1, 2, 3])
        try AtomicWrite.write([4], to: path)
        XCTAssertEqual([UInt8](FileManager.default.contents(atPath: path)!), [4])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.bin"])
    }

    func testFailureLeavesDestinationAndNoTemporaryFile() throws {
        let dir = try tempDir()
        let path = dir + "/keep.jpg"
        try AtomicWrite.write([9, 9], to: path)
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicWrite.write(to: path) { tmp in
            XCTAssertTrue(tmp.hasSuffix(".jpg"), "the temporary file keeps the extension")
            XCTAssertTrue(tmp.contains(AtomicWrite.temporaryMarker))
            FileManager.default.createFile(atPath: tmp, contents: Data([1]))
            throw Boom()
        }) { e in XCTAssertEqual((e as? IAAError)?.kind, .writeFailed) }
        XCTAssertEqual([UInt8](FileManager.default.contents(atPath: path)!), [9, 9])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["keep.jpg"])
    }

    func testMissingFolderIsOneClearSentence() {
        XCTAssertThrowsError(try AtomicWrite.write([1], to: "/nonexistent-folder-iaa/x.jpg")) { e in
            XCTAssertEqual((e as? IAAError)?.kind, .writeFailed)
            XCTAssertTrue("\(e)".hasPrefix("/nonexistent-folder-iaa/x.jpg: "), "\(e)")
        }
    }

    func testPermissionsCopiedFromSource() throws {
        let dir = try tempDir()
        let path = dir + "/p.jpg"
        try AtomicWrite.write([1], to: path)
        chmod(path, 0o640)
        try AtomicWrite.write([2], to: path, permissionsFrom: path)
        var st = stat()
        stat(path, &st)
        XCTAssertEqual(st.st_mode & 0o777, 0o640)
    }
}
