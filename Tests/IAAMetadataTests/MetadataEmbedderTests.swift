import Foundation
import XCTest
import IAACore
@testable import IAAMetadata

/// Embedding into real camera files, checked with exiftool and exiv2 as independent readers.
final class MetadataEmbedderTests: XCTestCase {
    static let jpegs = ["nikon_gps.jpg", "canon_icc.jpg", "canon_makernote.jpg", "orientation_8.jpg", "lightroom_rated.jpg"]
    static let pngs = ["p3_icc.png", "p3_xmp_rated.png"]
    static let webps = ["hopper_vp8.webp", "transparent_vp8x.webp", "alpha_vp8l.webp"]
    /// Ratings the users set in the fixtures (kept unless overwriteRating).
    static let userRatings: [String: Double] = ["lightroom_rated.jpg": 4, "p3_xmp_rated.png": 2]

    static var hasVipsCLI: Bool { (try? Support.run("vips", ["--version"]).status) == 0 }

    // MARK: Independent readers see every field

    /// Checks that exiftool and exiv2 both read back exactly `r` (and `rating`) from `path`.
    func assertReadersAgree(_ path: String, _ r: AestheticRecord, rating: Double?, file: StaticString = #filePath, line: UInt = #line) throws {
        let n = r.normalized
        let et = try Support.exiftoolIAA(path)
        let ex = try Support.exiv2IAA(path)
        func num(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue ?? (v as? String).flatMap(Double.init) }
        for a in F7404Attribute.allCases {
            XCTAssertEqual(num(et[a.rawValue]).map { Int($0) }, n.levels[a], "exiftool \(a.rawValue) in \(path)", file: file, line: line)
            XCTAssertEqual(ex["Xmp.iaa.\(a.rawValue)"].flatMap { Int($0) }, n.levels[a], "exiv2 \(a.rawValue) in \(path)", file: file, line: line)
            XCTAssertEqual(num(et[a.scorePropertyName]), n.scores[a], "exiftool \(a.scorePropertyName)", file: file, line: line)
            XCTAssertEqual(ex["Xmp.iaa.\(a.scorePropertyName)"].flatMap(Double.init), n.scores[a], "exiv2 \(a.scorePropertyName)", file: file, line: line)
        }
        let reals: [(String, Double?)] = [("AestheticScore", n.aestheticScore), ("AestheticScoreSpread", n.aestheticSpread),
                                          ("TechnicalScore", n.technicalScore), ("ScoreBefore", n.scoreBefore), ("ScoreAfter", n.scoreAfter)]
        for (k, v) in reals {
            XCTAssertEqual(num(et[k]), v, "exiftool \(k)", file: file, line: line)
            XCTAssertEqual(ex["Xmp.iaa.\(k)"].flatMap(Double.init), v, "exiv2 \(k)", file: file, line: line)
        }
        XCTAssertEqual(et["Recipe"] as? String, n.recipe, "exiftool Recipe", file: file, line: line)
        XCTAssertEqual(ex["Xmp.iaa.Recipe"], n.recipe, "exiv2 Recipe", file: file, line: line)
        XCTAssertEqual(et["Standard"] as? String, n.standard, file: file, line: line)
        XCTAssertEqual(ex["Xmp.iaa.Standard"], n.standard, file: file, line: line)
        let iso = n.assessedAt.map(XMPValue.date)
        XCTAssertEqual(ex["Xmp.iaa.AssessedAt"], iso, "exiv2 AssessedAt", file: file, line: line)
        // exiftool prints dates as "YYYY:MM:DD HH:MM:SSZ".
        let etDate = (et["AssessedAt"] as? String).map { s -> String in
            var c = Array(s); if c.count > 10 { c[4] = "-"; c[7] = "-"; c[10] = "T" }; return String(c)
        }
        XCTAssertEqual(etDate, iso, "exiftool AssessedAt", file: file, line: line)
        let etModels = (et["Models"] as? [[String: Any]] ?? []).map { ModelInfo(name: "\($0["Name"] ?? "")", version: "\($0["Version"] ?? "")") }
        XCTAssertEqual(etModels, n.models, "exiftool Models", file: file, line: line)
        let exModels = (0..<n.models.count).map { i in
            ModelInfo(name: ex["Xmp.iaa.Models[\(i + 1)]/iaa:Name"] ?? "", version: ex["Xmp.iaa.Models[\(i + 1)]/iaa:Version"] ?? "")
        }
        XCTAssertEqual(exModels, n.models, "exiv2 Models", file: file, line: line)
        XCTAssertNil(ex["Xmp.iaa.Models[\(n.models.count + 1)]/iaa:Name"], file: file, line: line)
        XCTAssertEqual(num(et["Rating"]), rating, "exiftool xmp:Rating", file: file, line: line)
        XCTAssertEqual(ex["Xmp.xmp.Rating"].flatMap(Double.init), rating, "exiv2 xmp:Rating", file: file, line: line)
        // Our own reader too.
        XCTAssertEqual(try MetadataReader.read(path), n, file: file, line: line)
    }

    // MARK: Containers: everything but our segment/chunk is byte for byte

    /// The file's structure without the parts a tag may change: JPEG segments other than the
    /// standard XMP one plus everything from SOS; PNG chunks other than the XMP iTXt; WebP chunks
    /// other than VP8X and XMP.
    func untouchableParts(_ bytes: [UInt8]) throws -> [[UInt8]] {
        switch MetadataFormat.detect(bytes) {
        case .jpeg:
            let c = try JPEGContainer(bytes, path: "x")
            return c.segments.filter { !($0.marker == 0xE1 && c.has($0, prefix: JPEGContainer.xmpHeader)) }.map { Array(bytes[$0.range]) }
                + [Array(bytes[c.dataStart...])]
        case .png:
            let c = try PNGContainer(bytes, path: "x")
            return c.chunks.filter { !c.isXMP($0) }.map { Array(bytes[$0.range]) } + [Array(bytes[c.trailerStart...])]
        case .webp:
            let c = try WebPContainer(bytes, path: "x")
            return c.chunks.filter { $0.fourCC != "VP8X" && $0.fourCC != "XMP " }.map { Array(bytes[$0.range]) }
        default:
            return [bytes]
        }
    }

    func testEmbedEveryFormatKeepsEverythingElseAndReadsBack() throws {
        let dir = try Support.tempDir(self)
        for name in Self.jpegs + Self.pngs + Self.webps {
            let path = try Support.copy(name, to: dir)
            let before = Support.bytes(path)
            let otherBefore = try Support.otherMetadata(path)
            let blocks = try Support.binaryBlocks(path)
            let pixelsBefore = Self.hasVipsCLI ? try Support.pixels(path, dir) : []

            let r = Support.fullRecord()
            let result = try MetadataEmbedder.embed(r, into: path, mode: .inPlace)
            XCTAssertEqual(result, EmbedResult(path: path, isSidecar: false, ratingWritten: Self.userRatings[name] == nil), name)
            let after = Support.bytes(path)
            XCTAssertNotEqual(before, after, name)

            try assertReadersAgree(path, r, rating: Self.userRatings[name] ?? Double(r.impliedRating!))
            XCTAssertEqual(try untouchableParts(after), try untouchableParts(before), "\(name): only the XMP segment/chunk may change")
            var otherAfter = try Support.otherMetadata(path)
            if name.hasSuffix(".webp") {
                // A simple WebP gains the VP8X header (same canvas size, now also stated there).
                otherAfter = otherAfter.filter { !$0.key.hasPrefix("RIFF:") }
                XCTAssertEqual(otherAfter, otherBefore.filter { !$0.key.hasPrefix("RIFF:") }, name)
            } else {
                XCTAssertEqual(otherAfter, otherBefore, "\(name): other metadata unchanged")
            }
            XCTAssertEqual(try Support.binaryBlocks(path), blocks, "\(name): EXIF/ICC/IPTC byte-identical")
            if Self.hasVipsCLI { XCTAssertEqual(try Support.pixels(path, dir), pixelsBefore, "\(name): same pixels") }
        }
    }

    func testWebPBecomesExtendedWithCorrectCanvas() throws {
        let dir = try Support.tempDir(self)
        for (name, w, h) in [("hopper_vp8.webp", 128, 128), ("alpha_vp8l.webp", 256, 192)] {
            let path = try Support.copy(name, to: dir)
            try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5.5), into: path)
            let b = Support.bytes(path)
            XCTAssertEqual(WebPContainer.le32(b, 4), b.count - 8, "RIFF size")
            let c = try WebPContainer(b, path: path)
            XCTAssertEqual(c.chunks.map(\.fourCC).first, "VP8X")
            XCTAssertEqual(c.chunks.map(\.fourCC).last, "XMP ")
            let vp8x = Array(b[c.chunks[0].data])
            XCTAssertEqual(vp8x[0] & WebPContainer.xmpFlag, WebPContainer.xmpFlag)
            XCTAssertEqual(vp8x[0] & WebPContainer.alphaFlag, name.contains("alpha") ? WebPContainer.alphaFlag : 0)
            XCTAssertEqual(Int(vp8x[4]) | Int(vp8x[5]) << 8 | Int(vp8x[6]) << 16, w - 1)
            XCTAssertEqual(Int(vp8x[7]) | Int(vp8x[8]) << 8 | Int(vp8x[9]) << 16, h - 1)
            XCTAssertEqual(try Support.text("exiftool", ["-s3", "-ImageSize", path]).trimmingCharacters(in: .whitespacesAndNewlines), "\(w)x\(h)")
        }
    }

    func testTaggingTwiceLeavesOnePacketWithTheLatestValues() throws {
        let dir = try Support.tempDir(self)
        for name in ["nikon_gps.jpg", "p3_icc.png", "transparent_vp8x.webp"] {
            let path = try Support.copy(name, to: dir)
            try MetadataEmbedder.embed(Support.fullRecord(score: 6.9), into: path)
            let size = Support.bytes(path).count
            let second = AestheticRecord(levels: [.focus: 2], aestheticScore: 4.4, models: [ModelInfo(name: "NIMA", version: "2")])
            try MetadataEmbedder.embed(second, into: path)
            XCTAssertEqual(Support.bytes(path).count, size, "\(name): the padding absorbed the change")
            let packet = try XCTUnwrap(MetadataReader.embeddedPacket(path))
            XCTAssertEqual(packet.text.components(separatedBy: IAANamespace.uri).count - 1, 1, name)
            // The rating we wrote the first time is now "existing": kept without overwriteRating.
            try assertReadersAgree(path, second, rating: 5)
            try MetadataEmbedder.embed(second, into: path, overwriteRating: true)
            try assertReadersAgree(path, second, rating: 2)
            let b = Support.bytes(path)
            if name.hasSuffix(".jpg") {
                let c = try JPEGContainer(b, path: path)
                XCTAssertEqual(c.xmpSegments.count, 1)
            } else if name.hasSuffix(".png") {
                let c = try PNGContainer(b, path: path)
                XCTAssertEqual(c.chunks.filter(c.isXMP).count, 1)
            } else {
                XCTAssertEqual(try WebPContainer(b, path: path).chunks.filter { $0.fourCC == "XMP " }.count, 1)
            }
        }
    }

    func testExistingRatingSurvivesUnlessOverwritten() throws {
        let dir = try Support.tempDir(self)
        for (name, stars) in Self.userRatings {
            let path = try Support.copy(name, to: dir)
            let r = AestheticRecord(aestheticScore: 4.5) // 2 stars
            XCTAssertFalse(try MetadataEmbedder.embed(r, into: path).ratingWritten)
            XCTAssertEqual(try MetadataReader.find(path)?.rating, stars)
            XCTAssertTrue(try MetadataEmbedder.embed(r, into: path, overwriteRating: true).ratingWritten)
            XCTAssertEqual(try MetadataReader.find(path)?.rating, 2)
            XCTAssertEqual(try Support.exiv2IAA(path)["Xmp.xmp.Rating"], "2")
        }
    }

    func testStripRemovesOnlyOurNamespace() throws {
        let dir = try Support.tempDir(self)
        for name in ["lightroom_rated.jpg", "nikon_gps.jpg", "p3_xmp_rated.png", "hopper_vp8.webp"] {
            let path = try Support.copy(name, to: dir)
            let otherBefore = try Support.otherMetadata(path)
            let ratingBefore = try Support.exiftoolIAA(path)["Rating"]
            try MetadataEmbedder.embed(Support.fullRecord(), into: path)
            let tagged = Support.bytes(path)
            try MetadataEmbedder.strip(path)
            XCTAssertNil(try MetadataReader.read(path), name)
            let et = try Support.exiftoolIAA(path)
            XCTAssertEqual(Set(et.keys).subtracting(["Rating"]), [], "\(name): no iaa field left")
            if let r = ratingBefore { XCTAssertEqual("\(et["Rating"]!)", "\(r)", "\(name): user rating kept") }
            XCTAssertEqual(try Support.otherMetadata(path).filter { !$0.key.hasPrefix("RIFF:") }, otherBefore.filter { !$0.key.hasPrefix("RIFF:") }, "\(name): other metadata unchanged")
            XCTAssertFalse(try XCTUnwrap(MetadataReader.embeddedPacket(path)).text.contains(IAANamespace.uri))
            XCTAssertEqual(try untouchableParts(Support.bytes(path)), try untouchableParts(tagged))
        }
        // A file without XMP is left exactly as it is.
        let plain = try Support.copy("canon_makernote.jpg", to: dir)
        try MetadataEmbedder.strip(plain)
        XCTAssertEqual(Support.bytes(plain), Support.bytes(Support.fixture("canon_makernote.jpg")))
    }

    func testCopyModeLeavesTheOriginalAlone() throws {
        let dir = try Support.tempDir(self)
        let src = try Support.copy("canon_icc.jpg", to: dir)
        let dest = dir + "/out.jpg"
        let r = Support.fullRecord()
        XCTAssertEqual(try MetadataEmbedder.embed(r, into: src, mode: .copy(to: dest)).path, dest)
        XCTAssertEqual(Support.bytes(src), Support.bytes(Support.fixture("canon_icc.jpg")))
        try assertReadersAgree(dest, r, rating: 4)
        XCTAssertNil(try MetadataReader.read(src))
    }

    func testSidecarsBothNamingsAndMerge() throws {
        let dir = try Support.tempDir(self)
        let photo = try Support.copy("nikon_gps.jpg", to: dir)
        let r = Support.fullRecord()
        let res = try MetadataEmbedder.embed(r, into: photo, mode: .sidecar(.appendExtension))
        XCTAssertEqual(res, EmbedResult(path: photo + ".xmp", isSidecar: true, ratingWritten: true))
        XCTAssertEqual(Support.bytes(photo), Support.bytes(Support.fixture("nikon_gps.jpg")), "original untouched")
        try assertReadersAgree(photo + ".xmp", r, rating: 4)
        XCTAssertEqual(try MetadataReader.find(photo)?.path, photo + ".xmp")
        XCTAssertEqual(try MetadataReader.read(photo), r.normalized)

        // Lightroom naming, merged into an existing sidecar that has the user's own data.
        let photo2 = try Support.copy("canon_icc.jpg", to: dir, as: "IMG_0002.jpg")
        let lr = dir + "/IMG_0002.xmp"
        let existing = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:darktable="http://darktable.sf.net/"
            xmp:Rating="1" darktable:history_end="3"/>
         </rdf:RDF>
        </x:xmpmeta>
        """
        try Data(existing.utf8).write(to: URL(fileURLWithPath: lr))
        try MetadataEmbedder.embed(r, into: photo2, mode: .sidecar(.replaceExtension))
        try assertReadersAgree(lr, r, rating: 1)
        XCTAssertEqual(try MetadataReader.read(photo2), r.normalized)
        XCTAssertTrue(try String(contentsOfFile: lr, encoding: .utf8).contains("darktable:history_end=\"3\""))
        try MetadataEmbedder.strip(photo2, mode: .sidecar(.replaceExtension))
        XCTAssertNil(try MetadataReader.read(photo2))
        XCTAssertTrue(try String(contentsOfFile: lr, encoding: .utf8).contains("darktable:history_end=\"3\""))
    }

    func testTIFFGoesToASidecar() throws {
        let dir = try Support.tempDir(self)
        let tiff = dir + "/scan.tif"
        // A minimal valid TIFF header; its content is never parsed, only recognised.
        let header: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0]
        try Data(header).write(to: URL(fileURLWithPath: tiff))
        let res = try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5.1), into: tiff)
        XCTAssertEqual(res.path, tiff + ".xmp")
        XCTAssertTrue(res.isSidecar)
        XCTAssertEqual(Support.bytes(tiff), header)
        XCTAssertEqual(try MetadataReader.read(tiff)?.aestheticScore, 5.1)
    }

    func testInPlaceKeepsPermissions() throws {
        let dir = try Support.tempDir(self)
        let path = try Support.copy("orientation_8.jpg", to: dir)
        chmod(path, 0o600)
        try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5), into: path)
        var st = stat()
        stat(path, &st)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(AtomicWrite.temporaryMarker) }
        XCTAssertEqual(leftovers, [])
    }

    func testOversizedPacketIsRefusedForJPEGAndNothingChanges() throws {
        let dir = try Support.tempDir(self)
        let path = try Support.copy("canon_icc.jpg", to: dir)
        let big = "{\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}"
        XCTAssertThrowsError(try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5, recipe: big), into: path)) { e in
            XCTAssertEqual((e as? IAAError)?.kind, .tooLarge)
            XCTAssertTrue("\(e)".hasPrefix(path + ": "), "\(e)")
            XCTAssertTrue("\(e)".contains("65502"), "\(e)")
        }
        XCTAssertEqual(Support.bytes(path), Support.bytes(Support.fixture("canon_icc.jpg")))
        // PNG and sidecars have no such limit.
        let png = try Support.copy("p3_icc.png", to: dir)
        try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5, recipe: big), into: png)
        XCTAssertEqual(try MetadataReader.read(png)?.recipe, big)
    }

    /// Damaged files: either tagged without touching anything else, or refused with one sentence
    /// naming the file and left byte-identical.
    func testMalformedFilesAreTaggedSafelyOrRefused() throws {
        let dir = try Support.tempDir(self)
        let expectations: [String: IAAError.Kind?] = [
            "bad_truncated_scan.jpg": nil, "bad_truncated_app14.jpg": .corrupt, "bad_junk_header.jpg": .corrupt,
            "bad_exif_loop.jpg": nil, "bad_exif_huge_tag.jpg": .truncated, "bad_exif_no_xres.jpg": nil,
            "bad_cut_in_header.jpg": .truncated, "bad_cut.png": .truncated,
        ]
        for (name, refusal) in expectations.sorted(by: { $0.key < $1.key }) {
            let path = try Support.copy(name, to: dir)
            let before = Support.bytes(path)
            let r = Support.fullRecord()
            do {
                try MetadataEmbedder.embed(r, into: path)
                XCTAssertNil(refusal, "\(name) should have been refused")
                XCTAssertEqual(try untouchableParts(Support.bytes(path)), try untouchableParts(before), "\(name): nothing else changed")
                XCTAssertEqual(try MetadataReader.read(path), r.normalized, name)
                XCTAssertEqual(try Support.exiv2IAA(path)["Xmp.iaa.AestheticScore"], XMPValue.real(r.aestheticScore!), name)
            } catch let e as IAAError {
                XCTAssertEqual(e.kind, refusal, "\(name): \(e)")
                XCTAssertEqual(e.path, path)
                XCTAssertTrue(e.description.hasPrefix(path + ": ") && e.description.hasSuffix("."), e.description)
                XCTAssertFalse(e.description.dropLast().contains(". "), "one sentence: \(e.description)")
                XCTAssertEqual(Support.bytes(path), before, "\(name): refused files are untouched")
            }
        }
    }

    func testMissingFileAndNotAnImage() throws {
        XCTAssertThrowsError(try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5), into: "/nonexistent/x.jpg")) { e in
            XCTAssertEqual((e as? IAAError)?.kind, .notFound)
        }
        XCTAssertThrowsError(try MetadataReader.read("/nonexistent/x.jpg"))
    }
}

/// Unusual but real JPEG layouts.
final class JPEGLayoutTests: XCTestCase {
    func testExtendedXMPSegmentsAreLeftAlone() throws {
        let dir = try Support.tempDir(self)
        let path = try Support.copy("canon_icc.jpg", to: dir)
        // exiftool moves a property too big for the main packet into Extended XMP segments.
        let long = String(repeating: "A long caption. ", count: 6000)
        try Support.run("exiftool", ["-q", "-overwrite_original", "-XMP-dc:Description=" + long, path])
        let before = Support.bytes(path)
        let c0 = try JPEGContainer(before, path: path)
        let extHeader = Array("http://ns.adobe.com/xmp/extension/\u{0}".utf8)
        let extended = c0.segments.filter { $0.marker == 0xE1 && c0.has($0, prefix: extHeader) }.map { Array(before[$0.range]) }
        XCTAssertGreaterThan(extended.count, 1, "the fixture needs Extended XMP")
        let r = Support.fullRecord()
        try MetadataEmbedder.embed(r, into: path)
        let after = Support.bytes(path)
        let c1 = try JPEGContainer(after, path: path)
        XCTAssertEqual(c1.segments.filter { $0.marker == 0xE1 && c1.has($0, prefix: extHeader) }.map { Array(after[$0.range]) }, extended)
        XCTAssertEqual(try Support.text("exiftool", ["-s3", "-XMP-dc:Description", path]).trimmingCharacters(in: .whitespacesAndNewlines),
                       long.trimmingCharacters(in: .whitespaces))
        XCTAssertEqual(try MetadataReader.read(path), r.normalized)
        XCTAssertEqual(try Support.exiv2IAA(path)["Xmp.iaa.Standard"], AestheticRecord.standardIdentifier)
    }

    /// Fields written by exiftool through the project's config are read, then replaced as ours.
    func testFieldsWrittenByExiftoolAreReadAndReplaced() throws {
        let dir = try Support.tempDir(self)
        let path = try Support.copy("nikon_gps.jpg", to: dir)
        try Support.run("exiftool", ["-config", Support.exiftoolConfig, "-q", "-overwrite_original", "-XMP-iaa:Exposure=2",
                                     "-XMP-iaa:ExposureScore=3.25", "-XMP-iaa:Models={Name=NIMA,Version=idealo-0.07}",
                                     "-XMP-iaa:Models+={Name=BRISQUE,Version=1}", "-XMP-iaa:AssessedAt=2026:11:28 03:00:00Z", path])
        let r = try XCTUnwrap(MetadataReader.read(path))
        XCTAssertEqual(r.levels, [.exposure: 2])
        XCTAssertEqual(r.scores, [.exposure: 3.25])
        XCTAssertEqual(r.models, [ModelInfo(name: "NIMA", version: "idealo-0.07"), ModelInfo(name: "BRISQUE", version: "1")])
        XCTAssertEqual(r.assessedAt, Date(timeIntervalSince1970: 1_795_834_800))
        let mine = AestheticRecord(levels: [.focus: 3], aestheticScore: 5.5)
        try MetadataEmbedder.embed(mine, into: path)
        XCTAssertEqual(try MetadataReader.read(path), mine.normalized)
        XCTAssertEqual(try Support.exiftoolIAA(path).keys.sorted(), ["AestheticScore", "AssessedAt", "Focus", "Rating", "Standard"])
    }

    func testBrokenXMPInARealFileIsRefusedAndTheFileUntouched() throws {
        let dir = try Support.tempDir(self)
        let path = dir + "/broken-xmp.jpg"
        let src = Support.bytes(Support.fixture("canon_icc.jpg"))
        let broken = try JPEGContainer(src, path: path).replacingXMP(with: XMPPacket(bytes: Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>".utf8)))
        try Data(broken).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try MetadataEmbedder.embed(AestheticRecord(aestheticScore: 5), into: path)) { e in
            XCTAssertEqual((e as? IAAError)?.kind, .corrupt)
            XCTAssertTrue("\(e)".hasPrefix(path + ": has an XMP packet that is not well-formed XML"), "\(e)")
        }
        XCTAssertEqual(Support.bytes(path), broken)
    }

    func testSecondStandardXMPSegmentLosesStaleIAAProperties() throws {
        let dir = try Support.tempDir(self)
        let path = dir + "/two-xmp.jpg"
        let src = Support.bytes(Support.fixture("canon_icc.jpg"))
        let stale = try XMPPacket.empty().merging(AestheticRecord(levels: [.focus: 1], aestheticScore: 2), overwriteRating: false)
        let one = try JPEGContainer(src, path: path).replacingXMP(with: XMPPacket.empty())
        // Append a second standard XMP segment right after the first.
        let c = try JPEGContainer(one, path: path)
        let at = c.xmpSegments[0].range.upperBound
        let two = Array(one[..<at]) + (try c.segment(for: stale)) + Array(one[at...])
        try Data(two).write(to: URL(fileURLWithPath: path))
        try MetadataEmbedder.embed(AestheticRecord(levels: [.focus: 3], aestheticScore: 7), into: path)
        let after = try JPEGContainer(Support.bytes(path), path: path)
        XCTAssertEqual(after.xmpSegments.count, 2, "the stray segment is kept, only cleaned")
        XCTAssertEqual(try after.xmp?.record()?.levels, [.focus: 3])
        XCTAssertNil(try after.extraXMP[0].record())
    }
}
