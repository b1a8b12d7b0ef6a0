import IAACore

/// Which way a factor's raw value is good (convention 3 of the house style: one protocol for
/// every assessment; nothing downstream looks at a factor's name).
public enum FactorDirection: Sendable, Hashable, Codable {
    /// More is better (colour harmony, focus ratio …). The raw value is not signed.
    case higherIsBetter
    /// Less is better (noise σ, edge spread, blockiness …). The raw value is not signed.
    case lowerIsBetter
    /// Both ends are faults and `ideal` is best (exposure offset 0 EV, neutral white balance …).
    /// The raw value is signed: below `ideal` is the "low" side (under-exposed, warm, dim),
    /// above it the "high" side (over-exposed, cold, vivid).
    case twoSided(ideal: Double)
}

/// The typed range of a factor's raw value, with its unit, so that forms, CLIs and metadata can
/// show it without knowing the factor.
public struct RawScale: Sendable, Hashable, Codable {
    /// Unit of the raw value, e.g. "EV", "ΔE b*", "px", "°".
    public var unit: String
    /// The range the value normally falls in (it may exceed it on extreme images).
    public var range: ClosedRange<Double>
    public init(unit: String, range: ClosedRange<Double>) { self.unit = unit; self.range = range }
}

/// A sentence in the two languages the project ships (English and Simplified Chinese), always
/// generated from the measured values.
public struct Explanation: Sendable, Hashable, Codable {
    public var english: String
    public var chinese: String
    public init(english: String, chinese: String) { self.english = english; self.chinese = chinese }
}

/// One named measurement behind a result (for logs, metadata and enhancers).
public struct Measurement: Sendable, Hashable, Codable {
    /// Stable key, lowerCamelCase (e.g. "highlightClipShare").
    public var name: String
    public var value: Double
    /// Unit ("share" for 0…1 fractions, "EV", "px" …).
    public var unit: String
    public init(_ name: String, _ value: Double, _ unit: String) { self.name = name; self.value = value; self.unit = unit }
}

/// An image a factor produces to show what it measured (heat map, colour wheel, overlay).
public struct FactorVisual: Sendable, Equatable {
    /// Short kind, used in file names ("heatmap", "wheel", "overlay").
    public var kind: String
    public var image: RGBImage
    public init(kind: String, image: RGBImage) { self.kind = kind; self.image = image }
}

/// What one factor found on one image.
public struct FactorResult: Sendable {
    /// The factor's id ("exposure", "whiteBalance" …).
    public var id: String
    public var direction: FactorDirection
    /// 0…10, 10 best.
    public var score: Double
    /// The measured value behind the score, in `scale.unit` (signed for two-sided factors).
    public var raw: Double
    public var scale: RawScale
    /// The F.740.4 level, when the standard defines the attribute.
    public var level: AttributeLevel?
    public var explanation: Explanation
    /// The values the explanation and score were computed from.
    public var measurements: [Measurement]
    public var visual: FactorVisual?

    public init(id: String, direction: FactorDirection, score: Double, raw: Double, scale: RawScale,
                level: AttributeLevel?, explanation: Explanation, measurements: [Measurement] = [],
                visual: FactorVisual? = nil) {
        self.id = id
        self.direction = direction
        self.score = min(10, max(0, score.isFinite ? score : 0))
        self.raw = raw
        self.scale = scale
        self.level = level
        self.explanation = explanation
        self.measurements = measurements
        self.visual = visual
    }

    /// The measurement called `name`, if present.
    public func measurement(_ name: String) -> Double? { measurements.first { $0.name == name }?.value }
}

/// One assessment factor. Implementations are small value types; each reads the shared planes
/// of an `AnalysisContext` (computed once per image) and returns a `FactorResult`.
public protocol AssessmentFactor: Sendable {
    /// Stable id, lowerCamelCase.
    var id: String { get }
    var direction: FactorDirection { get }
    var scale: RawScale { get }
    /// The F.740.4 attribute this factor annotates, if any.
    var attribute: AestheticAttribute? { get }
    /// Measures the image. Must be fast on a ~1 MP proxy (milliseconds, release build).
    func assess(_ context: AnalysisContext) -> FactorResult
}

extension AssessmentFactor {
    /// Builds a result with this factor's identity filled in.
    func result(score: Double, raw: Double, level: Int?, english: String, chinese: String,
                measurements: [Measurement] = [], visual: FactorVisual? = nil) -> FactorResult {
        FactorResult(id: id, direction: direction, score: score, raw: raw, scale: scale,
                     level: zip2(attribute, level).map { AttributeLevel(attribute: $0, value: $1) },
                     explanation: Explanation(english: english, chinese: chinese),
                     measurements: measurements, visual: visual)
    }
}

@inline(__always) func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
