import IAACore
import XCTest

final class ColorScienceTests: XCTestCase {
    /// Sharma, Wu & Dalal (2005) CIEDE2000 test data, a few of the 34 pairs.
    func testCIEDE2000AgainstSharmaData() {
        let pairs: [((Double, Double, Double), (Double, Double, Double), Double)] = [
            ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
            ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
            ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
            ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
            ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
            ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
            ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
            ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
        ]
        for (a, b, expected) in pairs {
            let d = ColorScience.deltaE2000((a.0, a.1, a.2), (b.0, b.1, b.2))
            XCTAssertEqual(d, expected, accuracy: 1e-4)
        }
    }

    func testLabOfPrimaries() {
        let white = ColorScience.lab(r: 255, g: 255, b: 255)
        XCTAssertEqual(white.L, 100, accuracy: 0.01)
        XCTAssertEqual(white.a, 0, accuracy: 0.01)
        XCTAssertEqual(white.b, 0, accuracy: 0.01)
        let red = ColorScience.lab(r: 255, g: 0, b: 0)  // D65 reference values
        XCTAssertEqual(red.L, 53.24, accuracy: 0.05)
        XCTAssertEqual(red.a, 80.09, accuracy: 0.1)
        XCTAssertEqual(red.b, 67.20, accuracy: 0.1)
    }

    func testEncodeInvertsLinearize() {
        for v in stride(from: 0.0, through: 1.0, by: 0.05) {
            XCTAssertEqual(ColorScience.encode(ColorScience.linearize(v)), v, accuracy: 1e-12)
        }
    }
}
