import Foundation
import IAACore
import IAAEdits
import XCTest

final class EditChainTests: XCTestCase {
    func sample() throws -> EditChain {
        try EditChain([
            SharpenEdit(.init(amount: 80)),
            ExposureEdit(.init(ev: 0.5)),
            CropEdit(.init(x: 0.05, y: 0, width: 0.9, height: 1)),
            ToneEdit(.init(contrast: 20, shadows: 15.25)),
            LookEdit(.init(look: "warm-fade", amount: 0.3)),
        ])
    }

    func testCanonicalOrderAndExactEncoding() throws {
        let chain = try sample()
        XCTAssertEqual(chain.edits.map(\.kind), [.crop, .exposure, .tone, .look, .sharpen])
        XCTAssertEqual(chain.canonicalJSON,
            #"{"edits":{"crop":{"height":1,"width":0.9,"x":0.05,"y":0},"exposure":{"ev":0.5,"protect":0},"look":{"amount":0.3,"look":"warm-fade"},"#
            + #""sharpen":{"amount":80},"tone":{"blacks":0,"contrast":20,"highlights":0,"shadows":15.25,"whites":0}},"version":"iaa-recipe/1"}"#)
        XCTAssertEqual(chain.key.count, 64)
    }

    func testRoundTripAndKeyOrderIndependence() throws {
        let chain = try sample()
        XCTAssertEqual(try EditChain(jsonText: chain.canonicalJSON), chain)
        XCTAssertEqual(try EditChain(jsonText: chain.canonicalJSON).canonicalJSON, chain.canonicalJSON)
        // Same recipe, other key order, whitespace, number spellings and omitted defaults.
        let shuffled = """
        { "version" : "iaa-recipe/1",
          "edits": {
            "tone": { "shadows": 15.250, "contrast": 2e1 },
            "sharpen": {"amount": 80.0},
            "look": {"look": "warm-fade", "amount": 0.30},
            "exposure": {"ev": 0.5},
            "crop": {"y": 0, "x": 0.05, "height": 1.0, "width": 0.9000000001}
          }
        }
        """
        let other = try EditChain(jsonText: shuffled)
        XCTAssertEqual(other.canonicalJSON, chain.canonicalJSON)
        XCTAssertEqual(other.key, chain.key)
        XCTAssertEqual(other.prefixKeys, chain.prefixKeys)
        // Building it twice gives the same bytes.
        XCTAssertEqual(try sample().canonicalJSON, chain.canonicalJSON)
    }

    func testPrefixKeysAreKeysOfPrefixes() throws {
        let chain = try sample()
        let keys = chain.prefixKeys
        XCTAssertEqual(keys.count, 5)
        XCTAssertEqual(Set(keys).count, 5)
        XCTAssertEqual(keys[1], try EditChain([CropEdit(.init(x: 0.05, y: 0, width: 0.9, height: 1)), ExposureEdit(.init(ev: 0.5))]).key)
        XCTAssertEqual(keys.last, chain.key)
        // Changing a later edit keeps the earlier prefix keys.
        let changed = try chain.setting(ToneEdit(.init(contrast: 21)))
        XCTAssertEqual(Array(changed.prefixKeys.prefix(2)), Array(keys.prefix(2)))
        XCTAssertNotEqual(changed.prefixKeys[2], keys[2])
    }

    func testValidationMessages() {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try EditChain([ExposureEdit(.init(ev: 9))]) },
                       "Expected a number between -3 and 3 for exposure.ev but received 9.")
        XCTAssertEqual(message { try EditChain([ToneEdit(.init(shadows: -100.5))]) },
                       "Expected a number between -100 and 100 for tone.shadows but received -100.5.")
        XCTAssertEqual(message { try EditChain([ExposureEdit(.init(ev: .nan))]) },
                       "Expected a number between -3 and 3 for exposure.ev but received nan.")
        XCTAssertEqual(message { try EditChain([ExposureEdit(.init(ev: 1)), ExposureEdit(.init(ev: 2))]) },
                       "Expected at most one exposure edit in a chain but received two.")
        XCTAssertEqual(message { try EditChain(jsonText: #"{"version":"iaa-recipe/1","edits":{"exposure":{"ev":4}}}"#) },
                       "Expected a number between -3 and 3 for exposure.ev but received 4.")
        XCTAssertTrue(message { try EditChain(jsonText: #"{"version":"iaa-recipe/1","edits":{"exposure":{"stops":1}}}"#) }
            .hasPrefix("Unknown parameter exposure.stops"))
        XCTAssertTrue(message { try EditChain(jsonText: #"{"version":"iaa-recipe/1","edits":{"vignette":{}}}"#) }
            .hasPrefix("Unknown edit \"vignette\""))
        XCTAssertEqual(message { try EditChain(jsonText: #"{"version":"iaa-recipe/2","edits":{}}"#) },
                       "Expected recipe version \"iaa-recipe/1\" but received \"iaa-recipe/2\".")
        XCTAssertEqual(message { try EditChain(jsonText: #"{"version":"iaa-recipe/1","edits":{"exposure":{"ev":"1"}}}"#) },
                       "Expected a number for exposure.ev.")
    }

    func testNumbersAreRoundedToTheCanonicalPrecision() throws {
        let a = try EditChain([ExposureEdit(.init(ev: 0.1 + 0.2))])
        XCTAssertEqual(a.canonicalJSON, #"{"edits":{"exposure":{"ev":0.3,"protect":0}},"version":"iaa-recipe/1"}"#)
        // A recipe written before the protect field existed still reads, with protect 0.
        XCTAssertEqual(try EditChain(jsonText: #"{"edits":{"exposure":{"ev":0.3}},"version":"iaa-recipe/1"}"#), a)
        XCTAssertEqual((a.edit(.exposure)?.base as? ExposureEdit)?.params.ev, 0.3)
        XCTAssertEqual(CanonicalJSON.format(-0.0000001), "0")
        XCTAssertEqual(CanonicalJSON.format(1e-7), "0")
        XCTAssertEqual(CanonicalJSON.format(123456.5), "123456.5")
        XCTAssertEqual(CanonicalJSON.encode(.object(["b": .string("x\"\n"), "a": .array([.bool(true), .null])])),
                       #"{"a":[true,null],"b":"x\"\n"}"#)
    }

    func testHelpTextComesFromTheTables() {
        let help = EditKind.helpText
        XCTAssertTrue(help.contains("  exposure.ev [EV] -3 … 3 (default 0): Exposure change in stops; +1 doubles the light, −1 halves it."))
        for kind in EditKind.allCases { XCTAssertTrue(help.contains("\n\(kind.rawValue) — ") || help.hasPrefix("\(kind.rawValue) — "), "\(kind)") }
    }

    func testParameterTablesDescribeEveryNumericField() throws {
        var all: [ParameterInfo] = []
        for kind in EditKind.allCases { all += kind.type.parameterInfo }
        XCTAssertEqual(Set(all.map(\.id)).count, all.count)
        XCTAssertTrue(all.contains(ParameterInfo(id: "exposure.ev", unit: "EV", min: -3, max: 3, defaultValue: 0,
                                                 description: "Exposure change in stops; +1 doubles the light, −1 halves it.")))
        for p in all {
            XCTAssertLessThan(p.min, p.max, p.id)
            XCTAssertTrue((p.min...p.max).contains(p.defaultValue), p.id)
            XCTAssertFalse(p.description.isEmpty, p.id)
        }
    }
}
