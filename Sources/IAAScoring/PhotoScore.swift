import Foundation
import IAAAssessment
import IAACore
import IAAMetadata
import IAAModels

/// Everything `iaa-enhance score` knows about one photo.
public struct PhotoScore: Sendable {
    public var file: String
    /// Upright size of the photo (not of the proxy).
    public var width: Int
    public var height: Int
    /// The photo's theme (EfficientNet-Lite0 classes, faces, luminance): what "good" means
    /// depends on it.
    public var theme: ThemeResult
    /// NIMA's distribution over scores 1…10 (AVA).
    public var aesthetic: AestheticDistribution
    /// Technical quality 0…10 (10 best), from BRISQUE and NIQE (see `TechnicalQuality`).
    public var quality: TechnicalQuality
    /// Faces found by YuNet, in proxy pixels of `proxySize`.
    public var faces: [Face]
    /// The factor results: "aesthetic" and "quality" first, then the classical factors.
    public var assessment: Assessment
    /// Overall 0…10 used for ranking and stars: NIMA's mean, lowered for every F.740.4 fault
    /// (see `PhotoScorer.overall`).
    public var overall: Double
    /// Stars 1…5 by `StarRating` on `overall`.
    public var rating: Int

    /// The factor score for `id`: the classical factors' ids plus "aesthetic", "quality",
    /// "overall" and "rating" (for `--sort`).
    public func value(of id: String) -> Double? {
        switch id {
        case "overall": return overall
        case "rating": return Double(rating)
        default: return assessment.result(id)?.score
        }
    }

    /// The metadata record of this assessment (levels, continuous scores, models, time).
    public func record(models: [ModelInfo], at date: Date = Date()) -> AestheticRecord {
        var levels: [F7404Attribute: Int] = [:]
        var scores: [F7404Attribute: Double] = [:]
        for r in assessment.results {
            guard let l = r.level, let attribute = F7404Attribute(rawValue: l.attribute.rawValue) else { continue }
            levels[attribute] = l.value
            scores[attribute] = (r.score * 100).rounded() / 100
        }
        return AestheticRecord(levels: levels, scores: scores,
                               aestheticScore: (aesthetic.mean * 10_000).rounded() / 10_000,
                               aestheticSpread: (aesthetic.standardDeviation * 10_000).rounded() / 10_000,
                               technicalScore: (quality.score * 100).rounded() / 100,
                               overallScore: (overall * 10_000).rounded() / 10_000,
                               models: models, assessedAt: date)
    }
}

/// Technical quality from the two no-reference models, mapped to 0…10 (10 best).
///
/// BRISQUE (0…100, lower better; clean photos ≈ 0–25, visibly degraded ≥ 50) maps linearly
/// from 10 at 0 to 0 at 80; NIQE (lower better; clean photos ≈ 3–5, degraded ≥ 10) maps from
/// 10 at 3 to 0 at 13. The score is their mean: the two disagree often enough that neither
/// alone is trusted.
///
/// BRISQUE is undefined on an image without texture (a flat colour); then NIQE alone counts.
public struct TechnicalQuality: Sendable, Codable, Equatable {
    public var brisque: Double?
    public var niqe: Double
    public var score: Double

    /// BRISQUE as text ("n/a" without texture).
    public var brisqueText: String { brisque.map { String(format: "%.1f", $0) } ?? "n/a (no texture)" }

    public init(brisque: Double?, niqe: Double) {
        self.brisque = brisque
        self.niqe = niqe
        let n = 10 * (1 - min(1, max(0, (niqe - 3) / 10)))
        if let brisque {
            score = (10 * (1 - min(1, max(0, brisque / 80))) + n) / 2
        } else {
            score = n
        }
    }
}
