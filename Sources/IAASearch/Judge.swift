import Foundation
import IAAAssessment
import IAACore
import IAAEdits
import IAAModels

/// What the judge measured on one rendered proxy: every classical factor, the learned
/// aesthetic distribution (NIMA) and the technical quality (BRISQUE), before any weighting.
public struct Observation: Sendable {
    /// Classical factor results, in `Assessor.classicalFactors` order.
    public var factors: [FactorResult]
    /// NIMA's distribution, when the model is loaded.
    public var aesthetic: AestheticDistribution?
    /// BRISQUE, 0…100, lower is better, when the model is loaded.
    public var brisque: Double?

    /// The result of factor `id`, if measured.
    public func factor(_ id: String) -> FactorResult? { factors.first { $0.id == id } }
}

/// One factor's contribution to a verdict.
public struct FactorVerdict: Sendable, Hashable {
    /// Factor id as in the preset's weights ("aesthetic", "quality", "exposure" …).
    public var id: String
    /// 0…10, 10 best (for two-sided factors: 10 at the ideal), as the factor measured it.
    public var score: Double
    /// The score the weighting used (see `Judge.verdict`): `score`, except that a factor that
    /// was normal on the original gets only the preset's `taste` share of any gain.
    public var credited: Double
    /// Weight from the preset, renormalised over the factors that were measured.
    public var weight: Double
    /// F.740.4 level, when the factor has one.
    public var level: AttributeLevel?
}

/// The judge's verdict on one candidate.
public struct Verdict: Sendable {
    /// Per-factor scores, in the preset's factor order (only factors that were measured).
    public var factors: [FactorVerdict]
    /// Σ weight × score, 0…10.
    public var weighted: Double
    /// Edit-size penalty subtracted from `weighted` (score points): parameter distance plus
    /// perceptual change.
    public var penalty: Double
    /// Mean CIEDE2000 between the candidate's proxy and the original's (same geometry).
    public var change: Double
    /// Share of pixels newly clipped to white or crushed to black by the edit (negative when
    /// the edit recovered some).
    public var clipping: Double
    /// Factors that fell from a normal level to a fault level compared with the original
    /// (any entry disqualifies the candidate).
    public var vetoes: [String]
    /// What was measured.
    public var observation: Observation

    /// `weighted − penalty`, or −∞ when vetoed: the number the search maximises.
    public var total: Double { vetoes.isEmpty ? weighted - penalty : -.infinity }

    /// The verdict of factor `id`, if measured.
    public func factor(_ id: String) -> FactorVerdict? { factors.first { $0.id == id } }
}

/// The aesthetic judge: a weighted combination of the assessment factors with the weights of
/// a preset, an edit-size penalty, and a veto on any factor pushed from normal to a fault level.
///
/// Why a combination and not NIMA alone: NIMA is known to prefer some darker, worse copies of a
/// photo; with the classical factors beside it (exposure, white balance, saturation pull towards
/// their ideal as two-sided Gaussian scores) a lower-key copy only wins when the whole picture
/// improves. The learned score is scaled so that its usual spread (AVA means 4–6.5) spans most
/// of 0…10, and carries the preset's aesthetic weight (0.3 for `natural`), never more.
public final class Judge: @unchecked Sendable {
    /// The preset whose weights and bounds are used.
    public let preset: Preset
    /// Penalty in score points for an edit at the edge of the preset's range, per parameter
    /// (quadratic in the normalised distance from identity). Default 0.05.
    public let penaltyPerFullEdit: Double
    /// Penalty in score points per unit of mean CIEDE2000 the edit causes on the proxy (from
    /// the base). Default 0.005: a tie-breaker towards the smaller of two equally good edits.
    /// Gratuitous change is kept out by the credit rule (no credit for improving what was
    /// fine), the per-edit margin and the margin over the base, not by charging corrections
    /// for the change they are meant to make: undoing −1.5 EV is a 25 ΔE change.
    public let penaltyPerDeltaE: Double
    /// Penalty in score points per unit share of pixels the edit newly clips or crushes.
    /// Default 10: clipping 5 % more of the frame costs 0.5 points. Lost detail is a fault the
    /// factors see only through their averages.
    public let penaltyPerClippedShare: Double
    /// Score points a factor must lose, besides crossing from a normal to a fault level, to
    /// veto a candidate: a factor sitting on a level boundary flips on noise. Default 1.
    public var vetoDrop: Double = 1
    /// How many times its weight a factor's gain counts when the original had it at a fault
    /// level. Default 2: correcting a fault is the point of an edit, and a preset's weights (a
    /// noise weight of 0.05, say) otherwise let the estimation jitter of every other factor
    /// outvote it.
    public var faultGain: Double = 2
    private let nima: NIMA?
    private let brisque: Brisque?
    private let assessor = Assessor(factors: Assessor.classicalFactors(visuals: false))

    /// - Parameters:
    ///   - nima: the learned aesthetic model; nil leaves the "aesthetic" weight out.
    ///   - brisque: technical quality; nil leaves the "quality" weight out.
    public init(preset: Preset, nima: NIMA?, brisque: Brisque?, penaltyPerFullEdit: Double = 0.05,
                penaltyPerDeltaE: Double = 0.005, penaltyPerClippedShare: Double = 10) {
        self.preset = preset
        self.penaltyPerClippedShare = penaltyPerClippedShare
        self.penaltyPerDeltaE = penaltyPerDeltaE
        self.nima = nima
        self.brisque = brisque
        self.penaltyPerFullEdit = penaltyPerFullEdit
    }

    /// Names and versions of the models behind the verdicts (for metadata).
    public var models: [(name: String, version: String)] {
        var out: [(String, String)] = []
        if nima != nil { out.append((NIMA.entry.name, "sha256:" + NIMA.entry.sha256.prefix(12))) }
        if brisque != nil { out.append(("brisque-live", "sha256:" + Brisque.weightsSHA256.prefix(12))) }
        out.append(("iaa-factors", "1"))
        return out
    }

    /// How much of the judge runs on a candidate.
    public enum Depth: Sendable {
        /// The classical factors only: milliseconds per candidate, for the search's inner loop.
        case classical
        /// The classical factors, NIMA and BRISQUE: for the original and the finalists.
        case full
    }

    /// Measures every image: the classical factors in parallel (two at a time on a two-core
    /// machine), then, at `.full` depth, BRISQUE and NIMA (one batch).
    public func measure(_ images: [RGBImage], faces: [[FaceBox]]? = nil, depth: Depth = .full) -> [Observation] {
        let assessor = self.assessor
        let brisque = depth == .full ? self.brisque : nil
        var out: [Observation] = (try? parallelMap(images.count) { i -> Observation in
            let ctx = AnalysisContext(image: images[i], faces: faces?[i] ?? [])
            return Observation(factors: assessor.assess(ctx).results, aesthetic: nil,
                               brisque: brisque.flatMap { try? $0.score(images[i]) })
        }) ?? []
        if depth == .full, let nima, !images.isEmpty {
            let d = nima.score(images)
            for i in out.indices { out[i].aesthetic = d[i] }
        }
        return out
    }

    /// The 0…10 aesthetic score for a NIMA mean: 3.5 → 0, 7.5 → 10 (linear, clamped).
    public static func aestheticScore(mean: Double) -> Double { min(10, max(0, (mean - 3.5) * 2.5)) }

    /// The 0…10 quality score for a BRISQUE value: 0 → 10, 100 → 0.
    public static func qualityScore(brisque: Double) -> Double { min(10, max(0, 10 - brisque / 10)) }

    /// Normalised size of an edit: Σ over parameters of (distance from `base` / the preset's
    /// largest distance on that side)². `base` is the preset's style (what the user asked for
    /// costs nothing); parameters without a preset range count against their table range.
    public func editSize(_ point: SearchPoint, from base: SearchPoint = .identity) -> Double {
        var s = 0.0
        for id in Set(point.values.keys).union(base.values.keys) {
            guard let d = SearchSpace.defaults[id] else { continue }
            let v = point[id], b = base[id]
            if v == b { continue }
            let range = preset.ranges[id] ?? Self.tableBounds[id]
            guard let r = range else { continue }
            let span = v >= b ? max(r.max, d) - b : b - min(r.min, d)
            if span > 0 { s += ((v - b) / span) * ((v - b) / span) } else { s += 1 }
        }
        return s
    }

    /// The factors each edit stage cannot change. The camera angle is the frame's geometry: a
    /// tonal or detail edit that lets the line detector see what noise or haze hid (a tilt the
    /// original already had) did not tilt the camera. Denoise and sharpen keep the frame's
    /// colour and tone statistics: a cast or an exposure fault the white-balance or exposure
    /// reading shows once the noise is gone was there before.
    static let unchangedBy: [EditKind.Stage: Set<String>] = [
        .geometry: [],
        .point: ["cameraAngle"],
        .detail: ["cameraAngle", "exposure", "whiteBalance", "saturation", "colour", "lightAndShadow"],
    ]

    private static let tableBounds: [String: Preset.Bounds] = Dictionary(uniqueKeysWithValues:
        EditKind.allCases.flatMap { $0.type.parameterInfo }.map { ($0.id, Preset.Bounds(min: $0.min, max: $0.max)) })

    /// Judges a measurement. `original` is the untouched photo's measurement (for the credit
    /// rule and the veto; nil when judging the original itself); `point` the edit that produced
    /// it, `base` the preset's style (the edit-size penalty counts from there), `change` the
    /// mean CIEDE2000 and `clipping` the share of newly clipped pixels it caused, and `exempt`
    /// the factors whose fault the style itself causes (they cannot veto).
    ///
    /// Credit rule: a factor the original had at an F.740.4 fault level is credited its gain
    /// `faultGain` times over (the correction is the point). A factor the original had at a normal level is credited at
    /// most its original score, plus the preset's `taste` share of any gain: moving a fine
    /// exposure towards the population's ideal is taste, not correction, and `natural` does not
    /// pay for taste. Factors without levels (the learned aesthetic score, technical quality)
    /// count in full.
    public func verdict(_ m: Observation, original: Observation?, point: SearchPoint = .identity,
                        base: SearchPoint = .identity, change: Double = 0, clipping: Double = 0,
                        exempt: Set<String> = []) -> Verdict {
        // Factors none of the candidate's edits can change (`unchangedBy`, over the stages it
        // differs from the original in) are credited the original's score and cannot veto.
        let stages = point.stages()
        var unchanged: Set<String> = []
        if let first = stages.first {
            unchanged = stages.reduce(Self.unchangedBy[first]!) { $0.intersection(Self.unchangedBy[$1]!) }
        }
        var scores: [(String, Double, Double, AttributeLevel?)] = []
        for id in Preset.factorIDs {
            switch id {
            case "aesthetic":
                if let a = m.aesthetic { let s = Self.aestheticScore(mean: a.mean); scores.append((id, s, s, nil)) }
            case "quality":
                if let q = m.brisque { let s = Self.qualityScore(brisque: q); scores.append((id, s, s, nil)) }
            default:
                guard let r = m.factor(id) else { continue }
                var credited = r.score
                if unchanged.contains(id), let before = original?.factor(id) {
                    credited = before.score
                } else if let before = original?.factor(id), let l = before.level, r.score > before.score {
                    credited = before.score + (l.isFault ? faultGain : preset.taste) * (r.score - before.score)
                }
                scores.append((id, r.score, credited, r.level))
            }
        }
        let wsum = scores.reduce(0) { $0 + (preset.weights[$1.0] ?? 0) }
        var factors: [FactorVerdict] = []
        var weighted = 0.0
        for (id, s, c, level) in scores {
            let w = wsum > 0 ? (preset.weights[id] ?? 0) / wsum : 0
            factors.append(FactorVerdict(id: id, score: s, credited: c, weight: w, level: level))
            weighted += w * c
        }
        // Only factors the preset weighs can veto: black and white is not a saturation fault.
        var vetoes: [String] = []
        if let original {
            for r in m.factors where (preset.weights[r.id] ?? 0) > 0 && !exempt.contains(r.id) {
                if unchanged.contains(r.id) { continue }
                guard let now = r.level, let o = original.factor(r.id), let before = o.level else { continue }
                if !before.isFault && now.isFault && o.score - r.score >= vetoDrop { vetoes.append(r.id) }
            }
        }
        return Verdict(factors: factors, weighted: weighted,
                       penalty: penaltyPerFullEdit * editSize(point, from: base) + penaltyPerDeltaE * change
                           + penaltyPerClippedShare * max(0, clipping),
                       change: change, clipping: clipping,
                       vetoes: vetoes, observation: m)
    }
}
