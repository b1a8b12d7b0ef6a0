import Foundation
import IAACore

/// The project's XMP namespace. F.740.4 defines no file binding; this one is the project's own
/// and is documented in docs/metadata.md. The URI is permanent: changing it would orphan every
/// file already tagged.
public enum IAANamespace {
    /// `http://ns.iaa-enhance.org/1.0/`
    public static let uri = "http://ns.iaa-enhance.org/1.0/"
    /// The preferred prefix, `iaa`.
    public static let prefix = "iaa"

    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let xmp = "http://ns.adobe.com/xap/1.0/"
}

/// How values are spelled in the packet.
public enum XMPValue {
    /// Real values are stored with this many decimals (scores are not more precise than that).
    public static let realDecimals = 4

    static func round(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }

    /// "7.25", "5", "0.1235": fixed-point, no exponent, no trailing zeros.
    static func real(_ v: Double) -> String {
        var s = String(format: "%.\(realDecimals)f", round(v))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// `2026-11-28T03:00:00Z`. Formatted with gmtime_r rather than ISO8601DateFormatter, whose
    /// first use loads ICU (tens of milliseconds per process, more than the whole tag).
    static func date(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec))
    }

    /// Parses XMP dates: full date-time with zone, optional fraction, or just a date.
    static func parseDate(_ s: String) -> Date? {
        let t = s.trimmingCharacters(in: .whitespaces)
        // Fast path for what we write: YYYY-MM-DDTHH:MM:SSZ.
        let u = Array(t.utf8)
        if u.count == 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A, u[16] == 0x3A, u[19] == 0x5A {
            func n(_ r: Range<Int>) -> Int? { Int(String(decoding: u[r], as: UTF8.self)) }
            if let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16), let se = n(17..<19),
               (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 61 {
                var tm = tm()
                tm.tm_year = Int32(y - 1900); tm.tm_mon = Int32(mo - 1); tm.tm_mday = Int32(d)
                tm.tm_hour = Int32(h); tm.tm_min = Int32(mi); tm.tm_sec = Int32(se)
                return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
            }
        }
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        // Most specific first; XMP allows a local time without a zone (read as UTC) and a bare date.
        let spellings: [ISO8601DateFormatter.Options] = [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
            [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate],
            [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withFractionalSeconds],
            [.withFullDate],
        ]
        for opts in spellings {
            f.formatOptions = opts
            if let d = f.date(from: t) { return d }
        }
        return nil
    }
}

/// An XMP packet (UTF-8 RDF/XML, with or without the `<?xpacket?>` wrapper), edited by
/// splicing so that everything outside the `iaa` properties — other namespaces, other
/// descriptions, comments, formatting — stays byte for byte.
public struct XMPPacket: Sendable, Equatable {
    /// The packet bytes, exactly as they will be stored.
    public let bytes: [UInt8]

    /// Wraps existing packet bytes (not checked until used).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The packet as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A new, empty packet. `wrapped` adds the `<?xpacket?>` wrapper and `padding` bytes of
    /// whitespace (room for later in-place edits; default 2048, Adobe's recommendation). Sidecar
    /// files use `wrapped: false`, which starts with an XML declaration instead.
    public static func empty(wrapped: Bool = true, padding: Int = 2048) -> XMPPacket {
        var s = wrapped
            ? "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
            : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += """
        <x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="iaa-enhance">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
         </rdf:RDF>
        </x:xmpmeta>

        """
        if wrapped {
            s += paddingText(padding)
            s += "<?xpacket end=\"w\"?>"
        }
        return XMPPacket(bytes: Array(s.utf8))
    }

    static func paddingText(_ n: Int) -> String {
        guard n > 0 else { return "" }
        // Lines of up to 100 bytes, as Adobe's toolkit pads.
        var s = ""
        var left = n
        while left > 0 {
            let line = min(left, 100)
            s += String(repeating: " ", count: line - 1) + "\n"
            left -= line
        }
        return s
    }

    // MARK: Reading

    /// The user-visible star rating (`xmp:Rating`), if the packet has one.
    public func rating() throws -> Double? {
        let doc = try parse()
        for d in descriptions(doc) {
            if let a = d.attribute(IAANamespace.xmp, "Rating") { return Double(a.value.trimmingCharacters(in: .whitespaces)) }
            if let e = d.children.first(where: { $0.local == "Rating" && $0.namespace == IAANamespace.xmp }) {
                return Double(e.text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return nil
    }

    /// True if the packet holds any property in the `iaa` namespace.
    public func hasIAAProperties() throws -> Bool { !iaaProperties(try parse()).isEmpty }

    /// Reads every `iaa` property back into a record; nil when the packet has none.
    /// Throws `IAAError(.corrupt)` when one of them holds a value outside its documented type
    /// or range (`path` names the file in that sentence).
    public func record(path: String? = nil) throws -> AestheticRecord? {
        let doc = try parse(path: path)
        let props = iaaProperties(doc)
        if props.isEmpty { return nil }
        func bad(_ name: String, _ value: String, _ what: String) -> IAAError {
            IAAError(.corrupt, path: path, "has an iaa:\(name) value \"\(value)\" that is not \(what)")
        }
        var r = AestheticRecord(standard: nil, assessedAt: nil)
        func real(_ p: Property, _ range: ClosedRange<Double>) throws -> Double {
            guard let v = Double(p.value.trimmingCharacters(in: .whitespacesAndNewlines)), v.isFinite, range.contains(v) else {
                throw bad(p.name, p.value, "a number between \(range.lowerBound) and \(range.upperBound)")
            }
            return v
        }
        let attributesByName = Dictionary(uniqueKeysWithValues: F7404Attribute.allCases.map { ($0.rawValue, $0) })
        let attributesByScore = Dictionary(uniqueKeysWithValues: F7404Attribute.allCases.map { ($0.scorePropertyName, $0) })
        for p in props {
            if let a = attributesByName[p.name] {
                guard let l = Int(p.value.trimmingCharacters(in: .whitespacesAndNewlines)), a.levels.contains(l) else {
                    throw bad(p.name, p.value, "a level between \(a.levels.lowerBound) and \(a.levels.upperBound)")
                }
                r.levels[a] = l
            } else if let a = attributesByScore[p.name] {
                r.scores[a] = try real(p, 0...10)
            } else {
                switch p.name {
                case "AestheticScore": r.aestheticScore = try real(p, 1...10)
                case "AestheticScoreSpread": r.aestheticSpread = try real(p, 0...4.5)
                case "OverallScore": r.overallScore = try real(p, 1...10)
                case "TechnicalScore": r.technicalScore = try real(p, 0...10)
                case "ScoreBefore": r.scoreBefore = try real(p, 1...10)
                case "ScoreAfter": r.scoreAfter = try real(p, 1...10)
                case "Standard": r.standard = p.value
                case "Recipe": r.recipe = p.value
                case "AssessedAt":
                    guard let d = XMPValue.parseDate(p.value) else { throw bad(p.name, p.value, "an ISO 8601 date") }
                    r.assessedAt = d
                case "Models": r.models = p.models
                default: break // a field from a later version of the binding: ignored, kept in the file
                }
            }
        }
        return r
    }

    // MARK: Editing

    /// The packet with `record` stored in the `iaa` namespace: every earlier `iaa` property is
    /// removed (wherever and however it was written) and one new `rdf:Description` holding the
    /// record is added. `xmp:Rating` is set to `record.impliedRating` unless the packet already
    /// has a rating and `overwriteRating` is false. The `<?xpacket?>` padding shrinks or grows so
    /// the packet keeps its size when it can.
    public func merging(_ record: AestheticRecord, overwriteRating: Bool, path: String? = nil) throws -> XMPPacket {
        try record.validate()
        let source = isBlank ? XMPPacket.empty() : self
        let doc = try source.parse(path: path)
        guard let rdf = XMPPacket.rdfElement(doc) else {
            throw IAAError(.corrupt, path: path, "has an XMP packet without an rdf:RDF element")
        }
        var removals = source.iaaRemovals(doc)
        let existingRating = source.ratingNodes(doc)
        let stars = record.impliedRating
        var writeRating = stars != nil
        if !existingRating.isEmpty {
            if overwriteRating && stars != nil {
                removals += existingRating
            } else {
                writeRating = false
            }
        }
        var edits = source.removalEdits(doc, removals)
        // The new description goes last inside rdf:RDF.
        let rdfPrefix = rdf.prefix
        let useRDF = rdfPrefix.isEmpty ? "rdf" : rdfPrefix
        let declareRDF = rdfPrefix.isEmpty || rdf.uri(forPrefix: rdfPrefix) != IAANamespace.rdf
        // XMP requires every description to describe the same resource: reuse its rdf:about.
        let about = source.descriptions(doc).lazy.compactMap { $0.attribute(IAANamespace.rdf, "about")?.value }.first ?? ""
        let desc = XMPPacket.description(record, rating: writeRating ? stars : nil, about: about, rdfPrefix: useRDF, declareRDF: declareRDF)
        if let end = rdf.endTag {
            // Right after the last property, before the whitespace that indents </rdf:RDF>.
            let at = source.extendBackOverSpace(end).lowerBound
            edits.append(Edit(range: at..<at, text: desc))
        } else {
            // <rdf:RDF .../> — reopen it.
            let tag = String(decoding: source.bytes[rdf.startTag], as: UTF8.self)
            let open = String(tag.dropLast(2)).trimmingCharacters(in: .whitespaces) + ">"
            edits.append(Edit(range: rdf.startTag, text: open + desc + "\n</\(rdf.qname)>"))
        }
        return try source.applying(edits, path: path)
    }

    /// The packet without any `iaa` property or `iaa` namespace declaration; everything else
    /// (including `xmp:Rating`) is kept. Returns an identical packet when there is nothing to strip.
    public func strippingIAA(path: String? = nil) throws -> XMPPacket {
        if isBlank { return self }
        let doc = try parse(path: path)
        let removals = iaaRemovals(doc)
        if removals.isEmpty && !hasIAADeclaration(doc) { return self }
        return try applying(removalEdits(doc, removals), path: path)
    }

    // MARK: Internals

    var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0 } }

    func parse(path: String? = nil) throws -> XMLScanner.Element {
        if bytes.count >= 2 && (bytes[0] == 0xFE && bytes[1] == 0xFF || bytes[0] == 0xFF && bytes[1] == 0xFE) {
            throw IAAError(.unsupportedFormat, path: path, "has a UTF-16 XMP packet, which iaa-enhance does not edit")
        }
        do {
            return try XMLScanner.parse(bytes)
        } catch let f as XMLScanner.Failure {
            throw IAAError(.corrupt, path: path, "has an XMP packet that is not well-formed XML (\(f.message))")
        }
    }

    static func rdfElement(_ doc: XMLScanner.Element) -> XMLScanner.Element? {
        ([doc] + doc.descendants()).first { $0.local == "RDF" && $0.namespace == IAANamespace.rdf }
    }

    func descriptions(_ doc: XMLScanner.Element) -> [XMLScanner.Element] {
        guard let rdf = XMPPacket.rdfElement(doc) else { return [] }
        return rdf.children.filter { $0.local == "Description" && $0.namespace == IAANamespace.rdf }
    }

    /// One `iaa` property as found in the packet.
    struct Property {
        let name: String
        let value: String
        var models: [ModelInfo] = []
    }

    func iaaProperties(_ doc: XMLScanner.Element) -> [Property] {
        var out: [Property] = []
        for d in descriptions(doc) {
            for a in d.attributes where !a.qname.hasPrefix("xmlns") && d.namespace(of: a) == IAANamespace.uri {
                out.append(Property(name: a.local, value: a.value))
            }
            for e in d.children where e.namespace == IAANamespace.uri {
                var p = Property(name: e.local, value: e.text.trimmingCharacters(in: .whitespacesAndNewlines))
                if let c = e.children.first(where: { $0.namespace == IAANamespace.rdf && ["Seq", "Bag", "Alt"].contains($0.local) }) {
                    p.models = c.children.filter { $0.local == "li" }.compactMap(XMPPacket.model)
                }
                out.append(p)
            }
        }
        return out
    }

    /// A model from an `rdf:li`, in any of RDF's three struct spellings.
    static func model(_ li: XMLScanner.Element) -> ModelInfo? {
        func field(_ e: XMLScanner.Element, _ n: String) -> String? {
            if let a = e.attribute(IAANamespace.uri, n) { return a.value }
            return e.children.first { $0.local == n && $0.namespace == IAANamespace.uri }?.text
        }
        let holder = li.children.first { $0.local == "Description" && $0.namespace == IAANamespace.rdf } ?? li
        guard let n = field(holder, "Name"), let v = field(holder, "Version") else { return nil }
        return ModelInfo(name: n, version: v)
    }

    /// Something to delete: an attribute or an element property of a description.
    enum Node {
        case attribute(XMLScanner.Attribute, in: XMLScanner.Element)
        case element(XMLScanner.Element)
    }

    func iaaRemovals(_ doc: XMLScanner.Element) -> [Node] {
        var out: [Node] = []
        for d in descriptions(doc) {
            for a in d.attributes where !a.qname.hasPrefix("xmlns") && d.namespace(of: a) == IAANamespace.uri {
                out.append(.attribute(a, in: d))
            }
            for e in d.children where e.namespace == IAANamespace.uri { out.append(.element(e)) }
        }
        return out
    }

    func ratingNodes(_ doc: XMLScanner.Element) -> [Node] {
        var out: [Node] = []
        for d in descriptions(doc) {
            for a in d.attributes where a.local == "Rating" && !a.qname.hasPrefix("xmlns") && d.namespace(of: a) == IAANamespace.xmp {
                out.append(.attribute(a, in: d))
            }
            for e in d.children where e.local == "Rating" && e.namespace == IAANamespace.xmp { out.append(.element(e)) }
        }
        return out
    }

    func hasIAADeclaration(_ doc: XMLScanner.Element) -> Bool {
        doc.descendants().contains { $0.declarations.values.contains(IAANamespace.uri) }
    }

    struct Edit {
        let range: Range<Int>
        let text: String
    }

    /// Edits deleting `nodes`; a description left without properties is deleted whole, and
    /// declarations of the iaa URI go too once nothing in the packet uses it.
    func removalEdits(_ doc: XMLScanner.Element, _ nodes: [Node]) -> [Edit] {
        var edits: [Edit] = []
        var removedIn: [ObjectIdentifier: (XMLScanner.Element, Int)] = [:]
        var deletedDescriptions = Set<ObjectIdentifier>()
        for n in nodes {
            let d: XMLScanner.Element
            switch n {
            case .attribute(_, let x): d = x
            case .element(let e): d = e.parent!
            }
            removedIn[ObjectIdentifier(d), default: (d, 0)].1 += 1
        }
        for (_, (d, count)) in removedIn {
            let props = d.attributes.filter { a in
                !(a.qname.hasPrefix("xmlns") || a.qname == "xml:lang" ||
                  (d.namespace(of: a) == IAANamespace.rdf && ["about", "ID", "nodeID"].contains(a.local)))
            }.count + d.children.count
            if props == count {
                deletedDescriptions.insert(ObjectIdentifier(d))
                edits.append(Edit(range: extendBackOverSpace(d.range), text: ""))
            }
        }
        for n in nodes {
            switch n {
            case .attribute(let a, let d):
                if !deletedDescriptions.contains(ObjectIdentifier(d)) {
                    edits.append(Edit(range: extendBackOverSpace(a.range), text: ""))
                }
            case .element(let e):
                if !deletedDescriptions.contains(ObjectIdentifier(e.parent!)) {
                    edits.append(Edit(range: extendBackOverSpace(e.range), text: ""))
                }
            }
        }
        // Drop iaa declarations once no iaa-namespaced name is left outside the deleted ranges.
        let deleted = edits.map(\.range)
        func isDeleted(_ r: Range<Int>) -> Bool { deleted.contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound } }
        let all = doc.descendants()
        let stillUsed = all.contains { e in
            (e.namespace == IAANamespace.uri && !isDeleted(e.startTag))
                || e.attributes.contains { !$0.qname.hasPrefix("xmlns") && e.namespace(of: $0) == IAANamespace.uri && !isDeleted($0.range) }
        }
        if !stillUsed {
            for e in all where !isDeleted(e.startTag) {
                for a in e.attributes where a.qname.hasPrefix("xmlns") && a.value == IAANamespace.uri {
                    edits.append(Edit(range: extendBackOverSpace(a.range), text: ""))
                }
            }
        }
        return edits
    }

    /// Extends a range backwards over the whitespace before it, so a deletion leaves no blank line.
    func extendBackOverSpace(_ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        while lo > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[lo - 1]) { lo -= 1 }
        return lo..<r.upperBound
    }

    /// Applies non-overlapping edits (nested ones are dropped: the outer deletion covers them),
    /// then restores the packet size from the padding when there is an `<?xpacket end?>` trailer.
    func applying(_ edits: [Edit], path: String?) throws -> XMPPacket {
        let ordered = edits.sorted { ($0.range.lowerBound, -$0.range.upperBound) < ($1.range.lowerBound, -$1.range.upperBound) }
        var sorted: [Edit] = []
        for e in ordered {
            if let last = sorted.last, e.range.lowerBound < last.range.upperBound { continue } // inside an earlier deletion
            sorted.append(e)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4096)
        var pos = 0
        for e in sorted {
            out += bytes[pos..<e.range.lowerBound]
            out += Array(e.text.utf8)
            pos = e.range.upperBound
        }
        out += bytes[pos...]
        let result = XMPPacket(bytes: out).adjustingPadding(toMatch: bytes.count)
        _ = try result.parse(path: path) // never hand back a packet we cannot read ourselves
        return result
    }

    /// Grows or shrinks the whitespace before `<?xpacket end=` so the packet is `size` bytes
    /// long, as far as the padding allows.
    func adjustingPadding(toMatch size: Int) -> XMPPacket {
        let trailer = Array("<?xpacket end=".utf8)
        guard bytes.count >= trailer.count else { return self }
        var t = bytes.count - trailer.count
        while t >= 0 && Array(bytes[t..<(t + trailer.count)]) != trailer { t -= 1 }
        guard t > 0 else { return self }
        var padStart = t
        while padStart > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[padStart - 1]) { padStart -= 1 }
        // Keep one newline after the closing tag, then the padding.
        let head = Array(bytes[..<padStart]) + [0x0A]
        let tail = Array(bytes[t...])
        let pad = max(0, size - head.count - tail.count)
        return XMPPacket(bytes: head + Array(XMPPacket.paddingText(pad).utf8) + tail)
    }

    /// The rdf:Description holding a record (and the rating, when given).
    static func description(_ r: AestheticRecord, rating: Int?, about: String, rdfPrefix: String, declareRDF: Bool) -> String {
        let p = IAANamespace.prefix
        var s = "\n  <\(rdfPrefix):Description \(rdfPrefix):about=\"\(XMLScanner.escape(about))\""
        if declareRDF { s += "\n    xmlns:\(rdfPrefix)=\"\(IAANamespace.rdf)\"" }
        s += "\n    xmlns:\(p)=\"\(IAANamespace.uri)\""
        if rating != nil { s += "\n    xmlns:xmp=\"\(IAANamespace.xmp)\"" }
        s += ">"
        func prop(_ name: String, _ value: String) { s += "\n   <\(p):\(name)>\(XMLScanner.escape(value))</\(p):\(name)>" }
        if let rating { s += "\n   <xmp:Rating>\(rating)</xmp:Rating>" }
        if let v = r.aestheticScore { prop("AestheticScore", XMPValue.real(v)) }
        if let v = r.aestheticSpread { prop("AestheticScoreSpread", XMPValue.real(v)) }
        if let v = r.overallScore { prop("OverallScore", XMPValue.real(v)) }
        if let v = r.technicalScore { prop("TechnicalScore", XMPValue.real(v)) }
        for a in F7404Attribute.allCases {
            if let l = r.levels[a] { prop(a.propertyName, String(l)) }
            if let v = r.scores[a] { prop(a.scorePropertyName, XMPValue.real(v)) }
        }
        if let v = r.scoreBefore { prop("ScoreBefore", XMPValue.real(v)) }
        if let v = r.scoreAfter { prop("ScoreAfter", XMPValue.real(v)) }
        if let v = r.recipe { prop("Recipe", v) }
        if !r.models.isEmpty {
            s += "\n   <\(p):Models>\n    <\(rdfPrefix):Seq>"
            for m in r.models {
                s += "\n     <\(rdfPrefix):li \(rdfPrefix):parseType=\"Resource\">"
                s += "\n      <\(p):Name>\(XMLScanner.escape(m.name))</\(p):Name>"
                s += "\n      <\(p):Version>\(XMLScanner.escape(m.version))</\(p):Version>"
                s += "\n     </\(rdfPrefix):li>"
            }
            s += "\n    </\(rdfPrefix):Seq>\n   </\(p):Models>"
        }
        if let v = r.standard { prop("Standard", v) }
        if let v = r.assessedAt { prop("AssessedAt", XMPValue.date(v)) }
        s += "\n  </\(rdfPrefix):Description>"
        return s
    }
}
