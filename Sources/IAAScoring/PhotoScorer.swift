import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import IAAMetadata
import IAAModels

/// Assesses photos: one shared proxy decode per photo, then NIMA, BRISQUE, NIQE, YuNet and the
/// classical factors on it.
public struct PhotoScorer: Sendable {
    /// Version of the factor definitions (bump when a factor's formula changes).
    public static let factorsVersion = "1"
    /// Long side of the proxy the classical factors and the face detector see.
    public static let factorSide = 1024
    /// Long side of the proxy BRISQUE and NIQE see (BRISQUE's LIVE training images are
    /// 0.3–0.8 MP; NIQE's 96-px patches need some room).
    public static let qualitySide = 768

    public let models: ScoringModels
    /// Render the heat map, colour wheel and composition overlay (costs a few ms).
    public var visuals: Bool

    public init(models: ScoringModels, visuals: Bool = false) {
        self.models = models
        self.visuals = visuals
    }

    /// Scores one photo. Decodes the proxy once (strictly); everything else works on it.
    public func score(_ photo: Photo) throws -> PhotoScore {
        let proxy = try photo.proxy(longSide: Self.factorSide)
        let small = try photo.proxy(longSide: Self.qualitySide)
        let faces = models.faces.detect(proxy)
        let boxes = faces.map { FaceBox(x: $0.x, y: $0.y, width: $0.width, height: $0.height, confidence: $0.score) }
        let context = AnalysisContext(image: proxy, faces: boxes)
        let classical = Assessor(factors: Assessor.classicalFactors(visuals: visuals)).assess(context)
        let aesthetic = models.nima.score(proxy)
        let theme = models.scene.theme(of: proxy, faces: FaceEvidence(faces: faces, width: proxy.width, height: proxy.height),
                                       luminance: LuminanceEvidence(image: proxy))
        let quality = TechnicalQuality(brisque: try? models.brisque.score(small), niqe: try models.niqe.score(small))
        var assessment = classical
        assessment.results.insert(contentsOf: [Self.aestheticResult(aesthetic), Self.qualityResult(quality)], at: 0)
        let overall = Self.overall(aesthetic: aesthetic.mean, assessment: assessment)
        return PhotoScore(file: photo.path, width: photo.info.width, height: photo.info.height,
                          theme: theme, aesthetic: aesthetic, quality: quality, faces: faces, assessment: assessment,
                          overall: overall, rating: StarRating.stars(forAestheticScore: overall))
    }

    /// The learned aesthetic judgement as a factor result (no F.740.4 level: the standard has no
    /// overall score). Score = NIMA mean on its 1…10 scale, mapped to 0…10.
    public static func aestheticResult(_ d: AestheticDistribution) -> FactorResult {
        let avaMean = 5.4  // mean of AVA's scores
        let delta = d.mean - avaMean
        let (en, zh): (String, String) = delta > 0.5 ? ("well above", "明显高于") : delta > 0.15 ? ("above", "高于")
            : delta < -0.5 ? ("well below", "明显低于") : delta < -0.15 ? ("below", "低于") : ("close to", "接近")
        let agree = d.standardDeviation < 1.35 ? ("raters would largely agree", "评分者意见较一致")
            : ("raters would disagree", "评分者意见分歧较大")
        return FactorResult(
            id: "aesthetic", direction: .higherIsBetter, score: (d.mean - 1) / 9 * 10, raw: d.mean,
            scale: RawScale(unit: "AVA score", range: 1...10), level: nil,
            explanation: Explanation(
                english: String(format: "NIMA, trained on the AVA photo-contest ratings, gives %.2f of 10, %@ the AVA average of 5.4; %@ (spread %.2f).", d.mean, en, agree.0, d.standardDeviation),
                chinese: String(format: "NIMA（基于 AVA 摄影比赛评分训练）给出 %.2f 分（满分 10），%@ AVA 平均分 5.4；%@（离散度 %.2f）。", d.mean, zh, agree.1, d.standardDeviation)),
            measurements: [Measurement("mean", d.mean, "AVA score"), Measurement("sd", d.standardDeviation, "AVA score")])
    }

    /// Technical quality (BRISQUE and NIQE) as a factor result.
    public static func qualityResult(_ q: TechnicalQuality) -> FactorResult {
        let (en, zh): (String, String) = q.score >= 8 ? ("technically clean", "技术质量良好")
            : q.score >= 5 ? ("some technical flaws", "存在一些技术缺陷") : ("clearly degraded", "技术质量明显受损")
        return FactorResult(
            id: "quality", direction: .higherIsBetter, score: q.score, raw: q.score,
            scale: RawScale(unit: "0–10", range: 0...10), level: nil,
            explanation: Explanation(
                english: String(format: "Looks %@ to the no-reference models: BRISQUE %@ and NIQE %.2f (lower is better for both).", en, q.brisqueText, q.niqe),
                chinese: String(format: "无参考质量模型认为%@：BRISQUE %@，NIQE %.2f（两者均越低越好）。", zh, q.brisqueText, q.niqe)),
            measurements: [Measurement("niqe", q.niqe, "NIQE")] + (q.brisque.map { [Measurement("brisque", $0, "BRISQUE")] } ?? []))
    }

    /// NIMA's mean, less 0.25 for each slight F.740.4 fault and 0.6 for each severe one (the
    /// outer levels of a 1–5 scale, level 1 of a 1–3 camera scale), floored at 1. NIMA alone
    /// is a weak judge (AVA SRCC ≈ 0.5) that barely sees blur, noise or casts; the faults are
    /// what a photographer would mark a photo down for.
    public static func overall(aesthetic: Double, assessment: Assessment) -> Double {
        var penalty = 0.0
        for r in assessment.results {
            guard let l = r.level, l.isFault else { continue }
            let range = l.attribute.levels
            let severe = l.value == range.lowerBound && l.attribute.normalLevel != 2 || (range.count == 5 && l.value == range.upperBound)
            penalty += severe ? 0.6 : 0.25
        }
        return max(1, aesthetic - penalty)
    }
}
