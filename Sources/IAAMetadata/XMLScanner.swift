/// A small, strict XML scanner for XMP packets that remembers where every element and
/// attribute sits in the original bytes, so the packet can be edited by splicing: everything
/// not edited stays byte for byte. It handles what RDF/XML packets contain (processing
/// instructions, comments, CDATA, namespaces, both quote styles, character references) and
/// refuses DTDs (XMP forbids them; they are also the usual entity-expansion attack).
struct XMLScanner {
    struct Failure: Error { let message: String }

    /// An attribute: qualified name, unescaped value, and the byte range from the name to the
    /// closing quote.
    struct Attribute {
        let qname: String
        let value: String
        let range: Range<Int>
        var prefix: String { qname.split(separator: ":", maxSplits: 1).count == 2 ? String(qname.split(separator: ":")[0]) : "" }
        var local: String { qname.split(separator: ":", maxSplits: 1).last.map(String.init) ?? qname }
    }

    /// An element with its byte ranges. `children` are elements only; `text` is its direct
    /// character content, unescaped.
    final class Element {
        let qname: String
        var attributes: [Attribute] = []
        var startTag: Range<Int> = 0..<0
        var endTag: Range<Int>? // nil when self-closing
        var children: [Element] = []
        var text = ""
        weak var parent: Element?
        /// Namespace declarations on this element: prefix ("" for the default) → URI.
        var declarations: [String: String] = [:]

        init(qname: String) { self.qname = qname }

        var prefix: String { qname.contains(":") ? String(qname.split(separator: ":")[0]) : "" }
        var local: String { qname.split(separator: ":", maxSplits: 1).last.map(String.init) ?? qname }
        var range: Range<Int> { startTag.lowerBound..<(endTag?.upperBound ?? startTag.upperBound) }

        /// The URI bound to `prefix` here, looking up through the ancestors.
        func uri(forPrefix p: String) -> String? {
            var e: Element? = self
            while let x = e {
                if let u = x.declarations[p] { return u }
                e = x.parent
            }
            return p == "xml" ? "http://www.w3.org/XML/1998/namespace" : nil
        }

        /// This element's namespace URI.
        var namespace: String? { uri(forPrefix: prefix) }

        /// An attribute's namespace URI (unprefixed attributes have none).
        func namespace(of a: Attribute) -> String? { a.prefix.isEmpty ? nil : uri(forPrefix: a.prefix) }

        func attribute(_ ns: String, _ local: String) -> Attribute? {
            attributes.first { $0.local == local && namespace(of: $0) == ns && !$0.qname.hasPrefix("xmlns") }
        }

        /// All descendants, depth first.
        func descendants() -> [Element] { children.flatMap { [$0] + $0.descendants() } }
    }

    /// Parses `bytes` (UTF-8) into a synthetic document element whose children are the
    /// top-level elements.
    static func parse(_ bytes: [UInt8]) throws -> Element {
        var s = XMLScanner(bytes: bytes)
        return try s.run()
    }

    private let b: [UInt8]
    private var i = 0

    private init(bytes: [UInt8]) { b = bytes }

    private func fail(_ m: String) -> Failure { Failure(message: m + " at byte \(i)") }

    private func starts(_ s: String, at p: Int) -> Bool {
        let u = Array(s.utf8)
        return p + u.count <= b.count && Array(b[p..<(p + u.count)]) == u
    }

    private func find(_ s: String, from p: Int) -> Int? {
        let u = Array(s.utf8)
        guard !u.isEmpty, b.count >= u.count else { return nil }
        var k = p
        while k + u.count <= b.count {
            if b[k] == u[0] && Array(b[k..<(k + u.count)]) == u { return k }
            k += 1
        }
        return nil
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isNameByte(_ c: UInt8) -> Bool {
        // ASCII name characters plus any non-ASCII UTF-8 byte.
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == 0x5F || c == 0x2D || c == 0x2E || c == 0x3A || c >= 0x80
    }

    private mutating func name() throws -> String {
        let start = i
        while i < b.count && Self.isNameByte(b[i]) { i += 1 }
        guard i > start else { throw fail("expected a name") }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private mutating func skipSpace() { while i < b.count && Self.isSpace(b[i]) { i += 1 } }

    private mutating func run() throws -> Element {
        let doc = Element(qname: "#document")
        var stack: [Element] = [doc]
        while i < b.count {
            if b[i] != 0x3C { // text
                let start = i
                while i < b.count && b[i] != 0x3C { i += 1 }
                let raw = String(decoding: b[start..<i], as: UTF8.self)
                stack.last!.text += try Self.unescape(raw)
                continue
            }
            if starts("<?", at: i) {
                guard let e = find("?>", from: i + 2) else { throw fail("unterminated processing instruction") }
                i = e + 2
            } else if starts("<!--", at: i) {
                guard let e = find("-->", from: i + 4) else { throw fail("unterminated comment") }
                i = e + 3
            } else if starts("<![CDATA[", at: i) {
                guard let e = find("]]>", from: i + 9) else { throw fail("unterminated CDATA section") }
                stack.last!.text += String(decoding: b[(i + 9)..<e], as: UTF8.self)
                i = e + 3
            } else if starts("<!", at: i) {
                throw fail("a DTD or declaration is not allowed in XMP")
            } else if starts("</", at: i) {
                let start = i
                i += 2
                let n = try name()
                skipSpace()
                guard i < b.count, b[i] == 0x3E else { throw fail("malformed end tag </\(n)") }
                i += 1
                guard stack.count > 1, stack.last!.qname == n else { throw fail("unexpected end tag </\(n)>") }
                stack.last!.endTag = start..<i
                stack.removeLast()
            } else {
                let start = i
                i += 1
                let e = Element(qname: try name())
                e.parent = stack.last
                var selfClosing = false
                while true {
                    let hadSpace = i < b.count && Self.isSpace(b[i])
                    skipSpace()
                    guard i < b.count else { throw fail("unterminated start tag <\(e.qname)") }
                    if b[i] == 0x3E { i += 1; break }
                    if starts("/>", at: i) { i += 2; selfClosing = true; break }
                    guard hadSpace else { throw fail("expected a space before an attribute in <\(e.qname)") }
                    let aStart = i
                    let an = try name()
                    skipSpace()
                    guard i < b.count, b[i] == 0x3D else { throw fail("expected = after attribute \(an)") }
                    i += 1
                    skipSpace()
                    guard i < b.count, b[i] == 0x22 || b[i] == 0x27 else { throw fail("expected a quoted value for \(an)") }
                    let q = b[i]
                    i += 1
                    let vStart = i
                    while i < b.count && b[i] != q { i += 1 }
                    guard i < b.count else { throw fail("unterminated value of \(an)") }
                    let value = try Self.unescape(String(decoding: b[vStart..<i], as: UTF8.self))
                    i += 1
                    if e.attributes.contains(where: { $0.qname == an }) { throw fail("duplicate attribute \(an)") }
                    e.attributes.append(Attribute(qname: an, value: value, range: aStart..<i))
                    if an == "xmlns" { e.declarations[""] = value }
                    else if an.hasPrefix("xmlns:") { e.declarations[String(an.dropFirst(6))] = value }
                }
                e.startTag = start..<i
                stack.last!.children.append(e)
                if !selfClosing { stack.append(e) }
            }
        }
        guard stack.count == 1 else { throw fail("element <\(stack.last!.qname)> is not closed") }
        return doc
    }

    /// Replaces the five predefined entities and character references.
    static func unescape(_ s: String) throws -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { throw Failure(message: "unterminated entity reference") }
            let ent = rest[rest.index(after: amp)..<semi]
            switch ent {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var code: UInt32?
                if ent.hasPrefix("#x") || ent.hasPrefix("#X") { code = UInt32(ent.dropFirst(2), radix: 16) }
                else if ent.hasPrefix("#") { code = UInt32(ent.dropFirst(1)) }
                guard let c = code, let scalar = Unicode.Scalar(c) else { throw Failure(message: "unknown entity &\(ent);") }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// Escapes text for element content or a double-quoted attribute value.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#xD;" // keep CR through XML line-end normalization
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
