import Foundation
import IAACore

/// An enhancement preset (`Presets/<id>.json`, format "iaa-preset/1"): the search bounds for
/// edit parameters, the judge's weight per assessment factor, the preset's own style, and how
/// much the judge credits changes to factors that were already fine.
///
///     {"version": "iaa-preset/1", "id": "natural", "description": "…",
///      "ranges": {"exposure.ev": {"min": -1, "max": 1}, …},
///      "weights": {"aesthetic": 0.3, "quality": 0.12, …},
///      "style": {"colour.vibrance": 20, "tone.contrast": 10},
///      "taste": 0.25,
///      "look": {"id": "warm-fade", "amount": {"min": 0, "max": 0.4}}}
///
/// Parameters without a range stay at their identity value. Every range must lie inside the
/// parameter table's bounds and contain the identity value, so "leave it unchanged" is always
/// a candidate the judge can prefer. Weights name every factor, once, non-negative.
///
/// `style` (optional) is what choosing the preset asks for: edit values applied to every photo
/// (a `vivid` photo gets its vibrance whether or not a factor wanted it), with the look at its
/// `amount.max`. The judge does not weigh a style, it only guards it: a style that would push a
/// factor into a fault level is scaled down. `taste` (optional, 0…1, default 0) is the share
/// of a gain the judge credits on a factor that was already at a normal level (`natural` uses
/// 0: it corrects faults and nothing else; a gain on a faulty factor always counts in full).
public struct Preset: Sendable, Hashable {
    public static let formatVersion = "iaa-preset/1"

    /// The assessment factors a preset weights (ids shared with the judge).
    public static let factorIDs = ["aesthetic", "quality", "exposure", "whiteBalance", "saturation", "colour",
                                   "sharpness", "noise", "artifact", "focus", "composition", "lightAndShadow", "cameraAngle"]

    /// A closed interval of parameter values.
    public struct Bounds: Codable, Sendable, Hashable {
        public var min: Double
        public var max: Double
        public init(min: Double, max: Double) { self.min = min; self.max = max }
    }

    /// The preset's look and the range of its amount.
    public struct Look: Codable, Sendable, Hashable {
        public var id: String
        public var amount: Bounds
    }

    /// A searchable parameter: the table's description with the preset's bounds.
    public struct SearchDimension: Sendable, Hashable {
        public var parameter: ParameterInfo
        public var bounds: Bounds
        public init(parameter: ParameterInfo, bounds: Bounds) { self.parameter = parameter; self.bounds = bounds }
    }

    public let id: String
    public let description: String
    /// Bounds by qualified parameter id (`exposure.ev`).
    public let ranges: [String: Bounds]
    /// Judge weight per factor id.
    public let weights: [String: Double]
    public let look: Look?
    /// Style edit values by qualified parameter id, applied to every photo (see the type).
    public let style: [String: Double]
    /// Share (0…1) of a gain credited on a factor that was already normal. Default 0.
    public let taste: Double

    private struct File: Codable {
        var version: String
        var id: String
        var description: String
        var ranges: [String: Bounds]
        var weights: [String: Double]
        var look: Look?
        var style: [String: Double]?
        var taste: Double?
    }

    /// Reads and validates a preset file against the parameter tables and `looks`.
    public init(path: String, looks: LookLibrary) throws {
        let file: File = try PresetFiles.decode(path)
        func bad(_ what: String) -> IAAError { IAAError(.invalidArgument, path: path, what) }
        guard file.version == Self.formatVersion else {
            throw bad("Expected version \"\(Self.formatVersion)\" for preset but received \"\(file.version)\"")
        }
        guard file.id + ".json" == (path as NSString).lastPathComponent else {
            throw bad("Expected the preset id to match the file name but received \"\(file.id)\"")
        }
        let table = Dictionary(uniqueKeysWithValues: EditKind.allCases.flatMap { $0.type.parameterInfo }.map { ($0.id, $0) })
        for (key, b) in file.ranges.sorted(by: { $0.key < $1.key }) {
            guard let p = table[key] else {
                throw bad("Unknown parameter \"\(key)\" in ranges (known: \(table.keys.sorted().joined(separator: ", ")))")
            }
            guard b.min.isFinite, b.max.isFinite, b.min <= b.max else {
                throw bad("Expected ranges.\(key).min ≤ max but received \(b.min) and \(b.max)")
            }
            guard b.min >= p.min, b.max <= p.max else {
                throw bad("Expected ranges.\(key) within \(CanonicalJSON.format(p.min)) and \(CanonicalJSON.format(p.max)) but received \(CanonicalJSON.format(b.min)) to \(CanonicalJSON.format(b.max))")
            }
            guard b.min <= p.defaultValue, p.defaultValue <= b.max else {
                throw bad("Expected ranges.\(key) to contain the identity value \(CanonicalJSON.format(p.defaultValue)) but received \(CanonicalJSON.format(b.min)) to \(CanonicalJSON.format(b.max))")
            }
        }
        for key in file.weights.keys.sorted() where !Self.factorIDs.contains(key) {
            throw bad("Unknown factor \"\(key)\" in weights (known: \(Self.factorIDs.joined(separator: ", ")))")
        }
        for f in Self.factorIDs {
            guard let w = file.weights[f] else { throw bad("Expected a weight for factor \"\(f)\"") }
            guard w.isFinite, w >= 0, w <= 1 else { throw bad("Expected a number between 0 and 1 for weights.\(f) but received \(w)") }
        }
        guard file.weights.values.reduce(0, +) > 0 else { throw bad("Expected at least one positive weight") }
        if let look = file.look {
            do { _ = try looks.look(look.id) } catch let e as IAAError { throw bad(e.problem) }
            guard look.amount.min >= 0, look.amount.max <= 1, look.amount.min <= look.amount.max else {
                throw bad("Expected look.amount within 0 and 1 but received \(CanonicalJSON.format(look.amount.min)) to \(CanonicalJSON.format(look.amount.max))")
            }
        }
        for (key, v) in (file.style ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let p = table[key], key != "look.amount" else {
                throw bad("Unknown parameter \"\(key)\" in style (known: \(table.keys.filter { $0 != "look.amount" }.sorted().joined(separator: ", ")); a look's amount is set by look.amount)")
            }
            guard v.isFinite, v >= p.min, v <= p.max else {
                throw bad("Expected style.\(key) within \(CanonicalJSON.format(p.min)) and \(CanonicalJSON.format(p.max)) but received \(CanonicalJSON.format(v))")
            }
        }
        let taste = file.taste ?? 0
        guard taste.isFinite, taste >= 0, taste <= 1 else { throw bad("Expected a number between 0 and 1 for taste but received \(taste)") }
        id = file.id
        description = file.description
        ranges = file.ranges
        weights = file.weights
        look = file.look
        style = file.style ?? [:]
        self.taste = taste
    }

    /// This preset as a judge only: its weights and ranges, without its style or look and with
    /// no taste credit. What a preset chosen from a photo's theme is used as: the theme tunes
    /// what the judge cares about; only a preset the user names changes the photo's style.
    public var judgeOnly: Preset {
        Preset(id: id, description: description, ranges: ranges, weights: weights, look: nil, style: [:], taste: 0)
    }

    private init(id: String, description: String, ranges: [String: Bounds], weights: [String: Double], look: Look?,
                 style: [String: Double], taste: Double) {
        self.id = id; self.description = description; self.ranges = ranges; self.weights = weights
        self.look = look; self.style = style; self.taste = taste
    }

    /// The searchable parameters in canonical edit order (only those with a non-empty range).
    public var searchSpace: [SearchDimension] {
        EditKind.allCases.flatMap { $0.type.parameterInfo }.compactMap { p in
            guard let b = ranges[p.id], b.min < b.max else { return nil }
            return SearchDimension(parameter: p, bounds: b)
        }
    }

    /// Every bundled preset, by id, validated.
    public static func bundled(looks: LookLibrary) throws -> [String: Preset] {
        let dir = try PresetFiles.bundledDirectory()
        var out: [String: Preset] = [:]
        for name in try PresetFiles.jsonFiles(in: dir) {
            let p = try Preset(path: dir + "/" + name, looks: looks)
            out[p.id] = p
        }
        return out
    }
}
