import ArgumentParser
import Foundation
import IAACore
import IAAMetadata

/// `iaa-enhance read`: prints the aesthetic records stored in photos (embedded XMP or sidecar).
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Show the aesthetic assessment stored in photos (XMP namespace iaa, embedded or in a sidecar).",
        discussion: "The fields are documented in docs/metadata.md. A photo without a record is reported, not an error."
    )

    @OptionGroup var photos: PhotoArguments

    @Flag(help: "Write one JSON object per photo (JSON Lines) instead of text.")
    var json = false

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try forEachPhoto(photos.files()) { file in
            let found = try MetadataReader.find(file)
            if json {
                print(String(decoding: try encoder.encode(ReadJSON(file: file, found: found)), as: UTF8.self))
            } else {
                print(Self.text(file: file, found))
            }
        }
    }

    static func text(file: String, _ found: MetadataReader.Found?) -> String {
        guard let f = found else { return "\(file)\n  no iaa-enhance record" }
        let r = f.record
        var lines = ["\(file)"]
        func add(_ k: String, _ v: String) { lines.append("  " + k.padding(toLength: 17, withPad: " ", startingAt: 0) + v) }
        func num(_ v: Double) -> String { String(format: "%.2f", v) }
        if f.isSidecar { add("stored in", f.path + " (sidecar)") }
        if let s = f.rating { add("rating", s >= 1 ? String(repeating: "★", count: Int(s.rounded())) + " (\(num(s)))" : num(s)) }
        if let a = r.aestheticScore {
            add("aesthetic", num(a) + (r.aestheticSpread.map { " ± " + num($0) } ?? "") + " / 10 (implies \(StarRating.stars(forAestheticScore: a)) stars)")
        }
        if let t = r.technicalScore { add("technical", num(t) + " / 10") }
        for a in F7404Attribute.allCases where r.levels[a] != nil || r.scores[a] != nil {
            var v = r.levels[a].map { "\($0)/\(a.levels.upperBound) \(a.meaning(of: $0) ?? "")" } ?? "–"
            if let s = r.scores[a] { v += "  (score \(num(s)))" }
            add(a.rawValue, v)
        }
        if let b = r.scoreBefore, let af = r.scoreAfter { add("enhanced", "\(num(b)) → \(num(af))") }
        if let rc = r.recipe { add("recipe", rc) }
        if !r.models.isEmpty { add("models", r.models.map { "\($0.name) \($0.version)" }.joined(separator: ", ")) }
        if let s = r.standard { add("standard", s) }
        if let d = r.assessedAt {
            let f = ISO8601DateFormatter()
            add("assessed", f.string(from: d))
        }
        return lines.joined(separator: "\n")
    }
}

/// The stable JSON shape of `read --json`.
struct ReadJSON: Encodable {
    let file: String
    let storedIn: String?
    let sidecar: Bool?
    let rating: Double?
    let record: AestheticRecord?

    init(file: String, found: MetadataReader.Found?) {
        self.file = file
        storedIn = found?.path
        sidecar = found?.isSidecar
        rating = found?.rating
        record = found?.record
    }
}
