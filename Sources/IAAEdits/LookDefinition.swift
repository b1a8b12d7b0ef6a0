import Foundation
import IAACore

/// A colour-grading look, read from `Presets/looks/<id>.json`: split toning of shadows and
/// highlights, an optional lightness curve and an optional saturation change. A look is data;
/// `LookEdit` applies one with an amount.
public struct LookDefinition: Codable, Hashable, Sendable {
    /// Format version; "iaa-look/1".
    public var version: String
    /// Identifier, equal to the file name without `.json` (lowercase, digits, `-`).
    public var id: String
    /// One sentence for help text.
    public var description: String
    /// Split toning; nil for none.
    public var splitToning: SplitToning?
    /// Lightness curve control points `[x, y]` in 0…1 (x = L*/100), x strictly increasing and
    /// y non-decreasing; interpolated by a monotone cubic. Nil for none.
    public var toneCurve: [[Double]]?
    /// Chroma change in %, −100…100 (−100: monochrome). Nil or 0 for none.
    public var saturation: Double?

    /// Tints for the dark and light tones.
    public struct SplitToning: Codable, Hashable, Sendable {
        public var shadows: Tint
        public var highlights: Tint
        /// Where shadows end and highlights begin: 0 splits at L* 50; positive (up to 1)
        /// moves the split down (more of the image counts as highlights). −1…1.
        public var balance: Double
    }

    /// A hue and how much of it to add.
    public struct Tint: Codable, Hashable, Sendable {
        /// LCh hue angle in degrees, 0…360 (≈ 40 skin/orange, 90 yellow, 220 blue-cyan).
        public var hue: Double
        /// Chroma added at full weight, in C* units, 0…30.
        public var strength: Double
    }

    public static let formatVersion = "iaa-look/1"

    /// Checks every field; `path` names the file in messages.
    public func validate(path: String?) throws {
        func bad(_ what: String) -> IAAError { IAAError(.invalidArgument, path: path, what) }
        guard version == Self.formatVersion else {
            throw bad("Expected version \"\(Self.formatVersion)\" for look but received \"\(version)\"")
        }
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw bad("Expected a look id of lowercase letters, digits and - but received \"\(id)\"")
        }
        func range(_ v: Double, _ lo: Double, _ hi: Double, _ name: String) throws {
            guard v.isFinite, v >= lo, v <= hi else {
                throw bad("Expected a number between \(CanonicalJSON.format(lo)) and \(CanonicalJSON.format(hi)) for look.\(name) but received \(v)")
            }
        }
        if let s = splitToning {
            try range(s.shadows.hue, 0, 360, "splitToning.shadows.hue")
            try range(s.shadows.strength, 0, 30, "splitToning.shadows.strength")
            try range(s.highlights.hue, 0, 360, "splitToning.highlights.hue")
            try range(s.highlights.strength, 0, 30, "splitToning.highlights.strength")
            try range(s.balance, -1, 1, "splitToning.balance")
        }
        if let curve = toneCurve {
            guard curve.count >= 2, curve.allSatisfy({ $0.count == 2 }) else {
                throw bad("Expected look.toneCurve to be at least two [x, y] pairs")
            }
            for (i, p) in curve.enumerated() {
                try range(p[0], 0, 1, "toneCurve[\(i)].x")
                try range(p[1], 0, 1, "toneCurve[\(i)].y")
                if i > 0, !(p[0] > curve[i - 1][0]) { throw bad("Expected look.toneCurve x values to increase strictly (point \(i))") }
                if i > 0, p[1] < curve[i - 1][1] { throw bad("Expected look.toneCurve y values not to decrease (point \(i))") }
            }
        }
        if let s = saturation { try range(s, -100, 100, "saturation") }
    }
}

/// The looks available to `LookEdit`, by id.
public struct LookLibrary: Sendable {
    public let looks: [String: LookDefinition]

    public init(_ looks: [LookDefinition]) { self.looks = Dictionary(looks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }

    /// No looks (chains without a look edit need none).
    public static let empty = LookLibrary([])

    /// Reads and validates every `*.json` in `directory`; the file name must equal the id.
    public init(directory: String) throws {
        let names = try PresetFiles.jsonFiles(in: directory)
        var out: [LookDefinition] = []
        for name in names {
            let path = directory + "/" + name
            let look: LookDefinition = try PresetFiles.decode(path)
            try look.validate(path: path)
            guard look.id + ".json" == name else {
                throw IAAError(.invalidArgument, path: path, "Expected the look id to match the file name but received \"\(look.id)\"")
            }
            out.append(look)
        }
        self.init(out)
    }

    /// The looks bundled in `Presets/looks`.
    public static func bundled() throws -> LookLibrary {
        try LookLibrary(directory: PresetFiles.bundledDirectory() + "/looks")
    }

    public func look(_ id: String) throws -> LookDefinition {
        guard let l = looks[id] else {
            throw IAAError(.invalidArgument, path: nil, "Unknown look \"\(id)\" (available: \(looks.keys.sorted().joined(separator: ", ")))")
        }
        return l
    }
}

/// Finding and reading the bundled preset files.
public enum PresetFiles {
    /// The `Presets` folder: `$IAA_PRESETS` if set; else `Presets` beside the executable or in
    /// `../share/iaa-enhance/` from it (installed layouts); else the source tree's (development
    /// and tests).
    public static func bundledDirectory() throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["IAA_PRESETS"], !env.isEmpty { candidates.append(env) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("Presets").path)
        candidates.append(exe.appendingPathComponent("../share/iaa-enhance/Presets").standardized.path)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Presets").path
        candidates.append(source)
        for c in candidates {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: c + "/looks", isDirectory: &isDir), isDir.boolValue { return c }
        }
        throw IAAError(.notFound, path: candidates.first, "does not hold the bundled presets (set IAA_PRESETS to the Presets folder)")
    }

    static func jsonFiles(in directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw IAAError(.notFound, path: directory, "cannot be listed (\(error.localizedDescription))")
        }
    }

    static func decode<T: Decodable>(_ path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IAAError(.unreadable, path: path, "cannot be read")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch let DecodingError.keyNotFound(key, ctx) {
            throw IAAError(.invalidArgument, path: path, "is missing the field \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw IAAError(.invalidArgument, path: path, "has a field of the wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw IAAError(.invalidArgument, path: path, "is not valid JSON (\(error.localizedDescription))")
        }
    }
}
