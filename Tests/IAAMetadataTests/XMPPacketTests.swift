import Foundation
import XCTest
import IAACore
@testable import IAAMetadata

final class XMPPacketTests: XCTestCase {
    /// Padding is regenerated on edit; compare packets without it.
    func withoutPadding(_ p: XMPPacket) -> String {
        var s = p.text
        if let r = s.range(of: "<?xpacket end=") {
            let head = s[..<r.lowerBound].replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            s = head + "\n" + s[r.lowerBound...]
        }
        return s
    }

    func count(_ needle: String, in p: XMPPacket) -> Int { p.text.components(separatedBy: needle).count - 1 }
    /// xmp:Rating properties, element or attribute style.
    func ratings(_ p: XMPPacket) -> Int { count("<xmp:Rating>", in: p) + count("xmp:Rating=", in: p) }

    func testFreshPacketRoundTripsEveryField() throws {
        let r = Support.fullRecord()
        let p = try XMPPacket.empty().merging(r, overwriteRating: false)
        XCTAssertEqual(try p.record(), r.normalized)
        XCTAssertEqual(try p.rating(), Double(StarRating.stars(forAestheticScore: 6.1234)))
        let small = try XMPPacket.empty().merging(AestheticRecord(levels: [.focus: 3], aestheticScore: 5), overwriteRating: false)
        XCTAssertEqual(small.bytes.count, XMPPacket.empty().bytes.count, "padding absorbs the growth")
        XCTAssertTrue(p.text.contains("&lt;LIVE&gt; &amp; co"), "text is escaped")
    }

    func testAbsentAttributesAreNotWritten() throws {
        let r = AestheticRecord(levels: [.exposure: 2], aestheticScore: 5.2)
        let p = try XMPPacket.empty().merging(r, overwriteRating: false)
        XCTAssertTrue(p.text.contains("<iaa:Exposure>2</iaa:Exposure>"))
        for a in F7404Attribute.allCases where a != .exposure {
            XCTAssertFalse(p.text.contains("iaa:\(a.rawValue)>"), "\(a) was not assessed and must be absent")
        }
        XCTAssertFalse(p.text.contains("iaa:Recipe"))
        XCTAssertEqual(try p.record()?.levels, [.exposure: 2])
    }

    func testStarMappingMatchesTheDocumentedTable() {
        let cases: [(Double, Int)] = [(1, 1), (3.99, 1), (4.0, 2), (4.99, 2), (5.0, 3), (5.79, 3), (5.8, 4), (6.49, 4), (6.5, 5), (10, 5)]
        for (s, stars) in cases { XCTAssertEqual(StarRating.stars(forAestheticScore: s), stars, "score \(s)") }
        // Ordinary photos (AVA scores mostly 4.5–5.8) get 2–3 stars, not 5.
        let ordinary = stride(from: 4.5, to: 5.8, by: 0.05).map(StarRating.stars(forAestheticScore:))
        XCTAssertTrue(ordinary.allSatisfy { (2...3).contains($0) })
    }

    func testValidationNamesTheField() {
        var r = AestheticRecord(levels: [.exposure: 6])
        XCTAssertThrowsError(try r.validate()) { e in
            XCTAssertEqual((e as? IAAError)?.kind, .invalidArgument)
            XCTAssertTrue("\(e)".contains("Exposure"), "\(e)")
        }
        r = AestheticRecord(aestheticScore: 11)
        XCTAssertThrowsError(try r.validate())
        r = AestheticRecord(recipe: "{not json")
        XCTAssertThrowsError(try r.validate())
        r = AestheticRecord(levels: [.composition: 3, .sharpness: 5], scores: [.focus: 0], aestheticScore: 1)
        XCTAssertNoThrow(try r.validate())
    }

    /// A Lightroom packet (attribute style, xmp:Rating="4"): merging adds one description, keeps
    /// every other byte, keeps the user's rating; stripping restores the original.
    func testLightroomPacketMergeKeepsEverythingElse() throws {
        let bytes = Support.bytes(Support.fixture("lightroom_rated.jpg"))
        let c = try JPEGContainer(bytes, path: "lightroom_rated.jpg")
        let original = try XCTUnwrap(c.xmp)
        XCTAssertEqual(try original.rating(), 4)
        let once = try original.merging(Support.fullRecord(), overwriteRating: false)
        XCTAssertEqual(try once.rating(), 4, "the user's rating is kept")
        XCTAssertEqual(ratings(once), 1)
        XCTAssertEqual(once.bytes.count, original.bytes.count, "the padding absorbs the growth")
        let twice = try once.merging(Support.fullRecord(score: 4.2), overwriteRating: false)
        XCTAssertEqual(count(IAANamespace.uri, in: twice), 1, "one iaa description, never two")
        XCTAssertEqual(try twice.record()?.aestheticScore, 4.2)
        XCTAssertEqual(withoutPadding(try twice.strippingIAA()), withoutPadding(original))
        // Overwriting replaces the attribute-style rating with ours.
        let over = try twice.merging(Support.fullRecord(score: 6.7), overwriteRating: true)
        XCTAssertEqual(try over.rating(), 5)
        XCTAssertEqual(ratings(over), 1)
        XCTAssertFalse(over.text.contains("xmp:Rating=\"4\""))
    }

    /// Someone else's spelling of our namespace: another prefix, attribute style, spread over two
    /// descriptions, one shared with Dublin Core. All of it is replaced; dc stays.
    func testForeignSpellingsOfOurNamespaceAreReplaced() throws {
        let src = """
        <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:aes='http://ns.iaa-enhance.org/1.0/'
            aes:Composition='1' aes:AestheticScore="3.5"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Tëst &amp; title</rdf:li></rdf:Alt></dc:title></rdf:Description>
        <rdf:Description rdf:about=""><aes2:Exposure xmlns:aes2="http://ns.iaa-enhance.org/1.0/">5</aes2:Exposure></rdf:Description>
        <!-- a comment --><rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>
        </rdf:RDF></x:xmpmeta>
        <?xpacket end="w"?>
        """
        let p = XMPPacket(bytes: Array(src.utf8))
        XCTAssertEqual(try p.record()?.levels, [.composition: 1, .exposure: 5])
        let r = AestheticRecord(levels: [.colour: 3], aestheticScore: 5.5)
        let m = try p.merging(r, overwriteRating: false)
        let back = try XCTUnwrap(m.record())
        XCTAssertEqual(back.levels, [.colour: 3])
        XCTAssertEqual(back.aestheticScore, 5.5)
        XCTAssertFalse(m.text.contains("aes:"), m.text)
        XCTAssertFalse(m.text.contains("aes2"), m.text)
        XCTAssertTrue(m.text.contains("<rdf:li xml:lang=\"x-default\">Tëst &amp; title</rdf:li>"))
        XCTAssertTrue(m.text.contains("<!-- a comment --><rdf:Description rdf:about=\"\" xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\" tiff:Orientation=\"6\"/>"))
        XCTAssertEqual(count(IAANamespace.uri, in: m), 1)
        let s = try m.strippingIAA()
        XCTAssertNil(try s.record())
        XCTAssertFalse(s.text.contains(IAANamespace.uri))
        XCTAssertEqual(try s.rating(), 3, "strip keeps xmp:Rating")
        XCTAssertTrue(s.text.contains("xmlns:dc='http://purl.org/dc/elements/1.1/'"))
    }

    func testNewDescriptionDescribesTheSameResource() throws {
        let src = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='uuid:faf5bdd5-ba3d-11da-ad31-d33d75182f1b' xmlns:dc='http://purl.org/dc/elements/1.1/' dc:format='image/jpeg'/></rdf:RDF>"
        let m = try XMPPacket(bytes: Array(src.utf8)).merging(AestheticRecord(aestheticScore: 5), overwriteRating: false)
        XCTAssertEqual(count("rdf:about=\"uuid:faf5bdd5-ba3d-11da-ad31-d33d75182f1b\"", in: m), 1, m.text)
        XCTAssertEqual(try m.record()?.aestheticScore, 5)
    }

    func testDatesRoundTripInEveryXMPSpelling() {
        let t = Date(timeIntervalSince1970: 1_795_834_800) // 2026-11-28T03:00:00Z
        XCTAssertEqual(XMPValue.date(t), "2026-11-28T03:00:00Z")
        XCTAssertEqual(XMPValue.parseDate("2026-11-28T03:00:00Z"), t)
        XCTAssertEqual(XMPValue.parseDate("2026-11-28T04:00:00+01:00"), t)
        XCTAssertEqual(XMPValue.parseDate("2026-11-28T03:00:00.000Z"), t)
        XCTAssertEqual(XMPValue.parseDate("2026-11-28T03:00:00"), t, "no zone: read as UTC")
        XCTAssertNil(XMPValue.parseDate("2026-13-28T03:00:00Z"))
        XCTAssertNil(XMPValue.parseDate("yesterday"))
    }

    func testStripWithoutOurNamespaceIsIdentity() throws {
        let p = XMPPacket(bytes: Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:Rating=\"3\"/></rdf:RDF></x:xmpmeta>".utf8))
        XCTAssertEqual(try p.strippingIAA(), p)
    }

    func testMalformedPacketsAreRefusedClearly() {
        for bad in ["<x:xmpmeta><rdf:RDF>", "<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:other>",
                    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x/>", "<a b='1' b='2'/>", "<a>&bogus;</a>"] {
            XCTAssertThrowsError(try XMPPacket(bytes: Array(bad.utf8)).merging(AestheticRecord(aestheticScore: 5), overwriteRating: false, path: "p.jpg")) { e in
                XCTAssertEqual((e as? IAAError)?.kind, .corrupt, bad)
                XCTAssertTrue("\(e)".hasPrefix("p.jpg: "), "\(e)")
            }
        }
        // Valid XML but no rdf:RDF: nowhere to put properties.
        XCTAssertThrowsError(try XMPPacket(bytes: Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".utf8)).merging(AestheticRecord(aestheticScore: 5), overwriteRating: false))
    }

    func testOutOfRangeStoredValueIsReportedNotInvented() {
        let src = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description iaa:Exposure='9' xmlns:iaa='http://ns.iaa-enhance.org/1.0/'/></rdf:RDF>"
        XCTAssertThrowsError(try XMPPacket(bytes: Array(src.utf8)).record(path: "x.jpg")) { e in
            XCTAssertEqual("\(e)", "x.jpg: has an iaa:Exposure value \"9\" that is not a level between 1 and 5.")
        }
    }
}
