import Foundation
import IAACore

/// The twelve photographer and camera attributes of ITU-T F.740.4 (09/2023), each stored as an
/// integer level in its own XMP property (`iaa:<rawValue>`). The viewer attributes (content
/// preference, culture and custom) are per viewer, need a real viewer profile, and are not part
/// of this record.
public enum F7404Attribute: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Hashable {
    // Photographer dimension: 1 inappropriate, 2 normal, 3 appropriate.
    case composition = "Composition"
    case colour = "Colour"
    case cameraAngle = "CameraAngle"
    case lightAndShadow = "LightAndShadow"
    case specialSkills = "SpecialSkills"
    // Camera dimension.
    case sharpness = "Sharpness"
    case exposure = "Exposure"
    case whiteBalance = "WhiteBalance"
    case saturation = "Saturation"
    case noisiness = "Noisiness"
    case artifact = "Artifact"
    case focus = "Focus"

    /// The XMP property name (without prefix) holding the level, e.g. `Composition`.
    public var propertyName: String { rawValue }
    /// The XMP property name (without prefix) holding the continuous 0–10 score behind the
    /// level, e.g. `CompositionScore`.
    public var scorePropertyName: String { rawValue + "Score" }

    /// The F.740.4 dimension the attribute belongs to.
    public var dimension: String {
        switch self {
        case .composition, .colour, .cameraAngle, .lightAndShadow, .specialSkills: return "photographer"
        default: return "camera"
        }
    }

    /// Valid levels: 1...3 or 1...5 as defined by F.740.4.
    public var levels: ClosedRange<Int> {
        switch self {
        case .sharpness, .exposure, .whiteBalance, .saturation: return 1...5
        default: return 1...3
        }
    }

    /// What each level means, in F.740.4's words (index 0 is level 1).
    public var levelMeanings: [String] {
        switch self {
        case .composition, .colour, .cameraAngle, .lightAndShadow, .specialSkills:
            return ["inappropriate", "normal", "appropriate"]
        case .sharpness: return ["severely blurred", "slightly blurred", "normal", "sharp", "extremely sharp"]
        case .exposure: return ["severely underexposed", "slightly underexposed", "normal", "slightly overexposed", "severely overexposed"]
        case .whiteBalance: return ["too warm", "warm", "normal", "cold", "too cold"]
        case .saturation: return ["too dim", "dim", "normal", "vivid", "too vivid"]
        case .noisiness, .artifact: return ["severe", "slight", "none"]
        case .focus: return ["severely defocused", "slightly defocused", "normal"]
        }
    }

    /// The meaning of `level`, or nil when out of range.
    public func meaning(of level: Int) -> String? {
        levels.contains(level) ? levelMeanings[level - 1] : nil
    }
}

/// A model that produced part of a record, e.g. `ModelInfo(name: "NIMA-MobileNet-AVA",
/// version: "idealo-0.07")`. Stored as one `iaa:Models` Seq item with fields `iaa:Name` and
/// `iaa:Version`.
public struct ModelInfo: Codable, Sendable, Hashable {
    /// Model name; non-empty.
    public var name: String
    /// Model (weights) version; non-empty.
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// One aesthetic assessment of one photo, as stored in the file's XMP (namespace `iaa`, see
/// `IAANamespace`). Only what was assessed is present: every optional field left nil and every
/// attribute missing from `levels` is simply not written.
public struct AestheticRecord: Codable, Sendable, Equatable {
    /// The standard the attribute levels follow; stored as `iaa:Standard`.
    public static let standardIdentifier = "ITU-T F.740.4 (09/2023)"

    /// F.740.4 levels of the assessed attributes (`iaa:Composition` … `iaa:Focus`), each within
    /// `attribute.levels`.
    public var levels: [F7404Attribute: Int]
    /// The continuous score behind each level (`iaa:<Attribute>Score`), 0–10, higher is better
    /// except for the two-sided attributes (exposure, white balance, saturation), where the
    /// score places the photo on the level scale: 0 is level 1's end, 5 normal, 10 level 5's end.
    public var scores: [F7404Attribute: Double]
    /// Overall aesthetic score, 1–10 (NIMA mean on the AVA scale); `iaa:AestheticScore`.
    public var aestheticScore: Double?
    /// Standard deviation of the aesthetic score distribution, 0–4.5; `iaa:AestheticScoreSpread`.
    public var aestheticSpread: Double?
    /// Technical quality, 0–10, higher is better; `iaa:TechnicalScore`.
    public var technicalScore: Double?
    /// Overall score, 1–10: the aesthetic score lowered for each F.740.4 fault the assessment
    /// found (the scorer documents the rule); `iaa:OverallScore`. When present it, not the
    /// aesthetic score alone, decides the star rating.
    public var overallScore: Double?
    /// The models that produced the values, in the order they ran; `iaa:Models`.
    public var models: [ModelInfo]
    /// The standard followed; default `standardIdentifier`; `iaa:Standard`. Nil only when read
    /// from a file that lacks it.
    public var standard: String?
    /// When the assessment was made; `iaa:AssessedAt` (ISO 8601, second precision, UTC). Nil
    /// only when read from a file that lacks it.
    public var assessedAt: Date?
    /// For an enhanced file: the edit recipe applied, as a JSON string; `iaa:Recipe`.
    public var recipe: String?
    /// For an enhanced file: the aesthetic score of the original, 1–10; `iaa:ScoreBefore`.
    public var scoreBefore: Double?
    /// For an enhanced file: the aesthetic score of the result, 1–10; `iaa:ScoreAfter`.
    public var scoreAfter: Double?

    /// Creates a record. `assessedAt` defaults to now; values are checked by `validate()` when
    /// the record is written.
    public init(levels: [F7404Attribute: Int] = [:], scores: [F7404Attribute: Double] = [:],
                aestheticScore: Double? = nil, aestheticSpread: Double? = nil,
                technicalScore: Double? = nil, overallScore: Double? = nil, models: [ModelInfo] = [],
                standard: String? = AestheticRecord.standardIdentifier, assessedAt: Date? = Date(),
                recipe: String? = nil, scoreBefore: Double? = nil, scoreAfter: Double? = nil) {
        self.levels = levels
        self.scores = scores
        self.aestheticScore = aestheticScore
        self.aestheticSpread = aestheticSpread
        self.technicalScore = technicalScore
        self.overallScore = overallScore
        self.models = models
        self.standard = standard
        self.assessedAt = assessedAt
        self.recipe = recipe
        self.scoreBefore = scoreBefore
        self.scoreAfter = scoreAfter
    }

    /// The star rating (`xmp:Rating`, 1–5) implied by the overall aesthetic score, or nil
    /// without one. See `StarRating`.
    public var impliedRating: Int? { (overallScore ?? aestheticScore).map(StarRating.stars(forAestheticScore:)) }

    /// Checks every value against its documented range; throws one `IAAError(.invalidArgument)`
    /// sentence naming the first offending field.
    public func validate() throws {
        func fail(_ s: String) -> IAAError { IAAError(.invalidArgument, path: nil, "Aesthetic record: " + s) }
        for (a, l) in levels where !a.levels.contains(l) {
            throw fail("expected a level between \(a.levels.lowerBound) and \(a.levels.upperBound) for \(a.rawValue) but received \(l)")
        }
        func check(_ v: Double?, _ r: ClosedRange<Double>, _ name: String) throws {
            if let v, !(v.isFinite && r.contains(v)) {
                throw fail("expected a number between \(r.lowerBound) and \(r.upperBound) for \(name) but received \(v)")
            }
        }
        for (a, s) in scores { try check(s, 0...10, a.scorePropertyName) }
        try check(aestheticScore, 1...10, "AestheticScore")
        try check(aestheticSpread, 0...4.5, "AestheticScoreSpread")
        try check(overallScore, 1...10, "OverallScore")
        try check(technicalScore, 0...10, "TechnicalScore")
        try check(scoreBefore, 1...10, "ScoreBefore")
        try check(scoreAfter, 1...10, "ScoreAfter")
        for m in models where m.name.isEmpty || m.version.isEmpty {
            throw fail("every model needs a non-empty name and version (received \"\(m.name)\" \"\(m.version)\")")
        }
        if standard?.isEmpty == true { throw fail("the standard identifier is empty") }
        if let r = recipe {
            guard let d = r.data(using: .utf8), (try? JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed])) != nil else {
                throw fail("the recipe is not valid JSON")
            }
        }
    }

    /// The record as stored: real values rounded to `XMPValue.realDecimals` places and the time
    /// truncated to whole seconds, i.e. exactly what reading the file back yields.
    public var normalized: AestheticRecord {
        var r = self
        r.scores = scores.mapValues(XMPValue.round)
        r.aestheticScore = aestheticScore.map(XMPValue.round)
        r.aestheticSpread = aestheticSpread.map(XMPValue.round)
        r.overallScore = overallScore.map(XMPValue.round)
        r.technicalScore = technicalScore.map(XMPValue.round)
        r.scoreBefore = scoreBefore.map(XMPValue.round)
        r.scoreAfter = scoreAfter.map(XMPValue.round)
        r.assessedAt = assessedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        return r
    }
}

/// The documented mapping from the overall aesthetic score (NIMA mean on AVA's 1–10 scale) to
/// `xmp:Rating` stars.
///
/// AVA's mean scores are concentrated: mean ≈ 5.4, standard deviation ≈ 0.73, almost all
/// within 3.5–7.5. Equal-width bins over 1–10 would give every photo 3 stars, so the
/// thresholds follow that distribution instead (approximate share of AVA photos in brackets):
///
/// | Aesthetic score | Stars | Meaning | ≈ share of AVA |
/// |---|---|---|---|
/// | < 4.0 | 1 | poor | 3 % |
/// | 4.0 – < 5.0 | 2 | below average | 27 % |
/// | 5.0 – < 5.8 | 3 | ordinary, fine | 42 % |
/// | 5.8 – < 6.5 | 4 | good | 22 % |
/// | ≥ 6.5 | 5 | excellent | 6 % |
///
/// The mapping never yields 0 (unrated) or −1 (rejected): those are a person's decisions.
public enum StarRating {
    /// Lower bounds (inclusive) of 2, 3, 4 and 5 stars on the aesthetic score.
    public static let thresholds: [Double] = [4.0, 5.0, 5.8, 6.5]

    /// Stars (1–5) for an aesthetic score (1–10).
    public static func stars(forAestheticScore s: Double) -> Int {
        1 + thresholds.filter { s >= $0 }.count
    }
}
