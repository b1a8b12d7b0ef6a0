import IAATestSupport
import Foundation
import IAACLI
import IAACore
import XCTest

final class OutputNamingTests: XCTestCase {
    func testDefaultIsBesideTheInput() throws {
        XCTAssertEqual(try OutputNaming(output: nil).destination(for: "/a/b/photo.jpg"), "/a/b/photo.enhanced.jpg")
        XCTAssertEqual(try OutputNaming(output: nil, suffix: "tagged").destination(for: "/a/p.webp"), "/a/p.tagged.webp")
        // Formats we read but do not write become JPEG.
        XCTAssertEqual(try OutputNaming(output: nil).destination(for: "/a/IMG_1.HEIC"), "/a/IMG_1.enhanced.jpg")
    }

    func testFolderAndFileOutputs() throws {
        XCTAssertEqual(try OutputNaming(output: "/out/").destination(for: "/a/photo.jpg"), "/out/photo.jpg")
        XCTAssertEqual(try OutputNaming(output: "/a/").destination(for: "/a/photo.jpg"), "/a/photo.enhanced.jpg")
        XCTAssertEqual(try OutputNaming(output: "/x/final.png").destination(for: "/a/photo.jpg"), "/x/final.png")
        XCTAssertThrowsError(try OutputNaming(output: "/x/final.bmp").destination(for: "/a/photo.jpg"))
    }

    func testNeverOverwritesTheInputUnlessAsked() throws {
        XCTAssertThrowsError(try OutputNaming(output: "/a/photo.jpg").destination(for: "/a/photo.jpg")) {
            XCTAssertTrue("\($0)".contains("--in-place"))
        }
        XCTAssertEqual(try OutputNaming(output: nil, inPlace: true).destination(for: "/a/photo.jpg"), "/a/photo.jpg")
    }

    func testValidation() {
        XCTAssertThrowsError(try OutputNaming(output: "/x/one.jpg").validate(inputCount: 2))
        XCTAssertNoThrow(try OutputNaming(output: "/x/").validate(inputCount: 2))
        XCTAssertThrowsError(try OutputNaming(output: "/x/", inPlace: true).validate(inputCount: 1))
    }
}
