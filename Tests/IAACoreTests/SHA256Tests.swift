import IAACore
import XCTest

final class SHA256Tests: XCTestCase {
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testIncrementalEqualsOneShot() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var s = SHA256()
        s.update(data[0..<3]); s.update(data[3..<130]); s.update(data[130...])
        XCTAssertEqual(s.finalize().map { String(format: "%02x", $0) }.joined(), SHA256.hex(data))
    }

    /// The SHA-extension path and the Swift rounds agree on every length around block and
    /// padding boundaries, fed whole and in uneven pieces.
    func testHardwareAndSoftwareAgree() {
        var rng: UInt64 = 0x1234_5678
        func byte() -> UInt8 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: rng >> 56) }
        let data = (0..<5000).map { _ in byte() }
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4999] {
            var hw = SHA256(hardware: true), sw = SHA256(hardware: false)
            hw.update(data[0..<n])
            var i = 0
            while i < n { let j = min(n, i + 1 + i % 37); sw.update(data[i..<j]); i = j }
            XCTAssertEqual(hw.finalize(), sw.finalize(), "length \(n)")
        }
        if !SHA256.hardwareAvailable { print("SHA extensions not available here: compared the Swift path with itself") }
    }
}
