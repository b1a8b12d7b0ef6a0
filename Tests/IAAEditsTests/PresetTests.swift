import Foundation
import IAACore
import IAAEdits
import XCTest

final class PresetTests: XCTestCase {
    func testEveryBundledPresetParsesAndValidates() throws {
        let looks = try LookLibrary.bundled()
        let presets = try Preset.bundled(looks: looks)
        XCTAssertEqual(Set(presets.keys), ["natural", "vivid", "portrait", "landscape", "night", "bw"])
        for (id, p) in presets {
            XCTAssertFalse(p.description.isEmpty, id)
            XCTAssertEqual(Set(p.weights.keys), Set(Preset.factorIDs), id)
            XCTAssertGreaterThan(p.searchSpace.count, 5, id)
            // The look's amount range, when there is a look, renders.
            if let look = p.look { XCTAssertNoThrow(try EditChain([LookEdit(.init(look: look.id, amount: look.amount.max))]).validate(looks: looks)) }
        }
        XCTAssertEqual(presets["bw"]?.look?.id, "bw-classic")
        XCTAssertFalse(presets["bw"]!.searchSpace.contains { $0.parameter.id.hasPrefix("colour.") })
        XCTAssertEqual(presets["natural"]?.ranges["exposure.ev"], .init(min: -2, max: 2.5))
        XCTAssertEqual(presets["natural"]?.taste, 0)
    }

    func testEveryBundledLookValidates() throws {
        let looks = try LookLibrary.bundled()
        XCTAssertTrue(looks.looks.keys.contains("teal-orange"))
        for look in looks.looks.values { XCTAssertNoThrow(try look.validate(path: nil)) }
    }

    func testInvalidPresetsAreRefusedWithTheFileNamed() throws {
        let looks = try LookLibrary.bundled()
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weights = Preset.factorIDs.map { "\"\($0)\": 0.1" }.joined(separator: ",")
        func check(_ ranges: String, look: String = "", _ expected: String) throws {
            let path = dir + "/broken.json"
            let text = #"{"version":"iaa-preset/1","id":"broken","description":"x","ranges":{\#(ranges)},"weights":{\#(weights)}\#(look)}"#
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try Preset(path: path, looks: looks)) { e in
                XCTAssertEqual("\(e)", "\(path): \(expected).")
            }
        }
        try check(#""exposure.ev":{"min":-5,"max":1}"#, "Expected ranges.exposure.ev within -3 and 3 but received -5 to 1")
        try check(#""exposure.ev":{"min":0.5,"max":1}"#, "Expected ranges.exposure.ev to contain the identity value 0 but received 0.5 to 1")
        try check(#""exposure.stops":{"min":0,"max":1}"#, "Unknown parameter \"exposure.stops\" in ranges (known: \(EditKind.allCases.flatMap { $0.type.parameterInfo }.map(\.id).sorted().joined(separator: ", ")))")
        try check("", look: #","look":{"id":"sepia","amount":{"min":0,"max":1}}"#,
                  "Unknown look \"sepia\" (available: \(looks.looks.keys.sorted().joined(separator: ", ")))")
    }
}
