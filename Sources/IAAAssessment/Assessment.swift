import Foundation
import IAACore

/// All factor results for one image, and the F.740.4 levels they produced.
public struct Assessment: Sendable {
    /// One result per factor, in the order the factors were given.
    public var results: [FactorResult]

    public init(results: [FactorResult]) { self.results = results }

    /// F.740.4 levels keyed by attribute name as written to metadata ("Exposure", "WhiteBalance" …).
    /// An attribute no factor assessed is absent.
    public var levels: [String: Int] {
        var out: [String: Int] = [:]
        for r in results { if let l = r.level { out[l.attribute.rawValue] = l.value } }
        return out
    }

    /// The result of the factor with `id`, if it ran.
    public func result(_ id: String) -> FactorResult? { results.first { $0.id == id } }
}

/// Runs a list of factors over one shared context.
public struct Assessor: Sendable {
    public var factors: [any AssessmentFactor]

    public init(factors: [any AssessmentFactor] = Assessor.classicalFactors()) { self.factors = factors }

    /// The classical (non-neural) factors, in F.740.4 order: camera dimension first.
    /// `visuals` turns the heat map, colour wheel and overlay on or off.
    public static func classicalFactors(visuals: Bool = true) -> [any AssessmentFactor] {
        [CompositionFactor(renderVisual: visuals), ColourFactor(renderVisual: visuals), CameraAngleFactor(),
         LightAndShadowFactor(), SharpnessFactor(), ExposureFactor(renderVisual: visuals), WhiteBalanceFactor(),
         SaturationFactor(), NoiseFactor(), ArtifactFactor(), FocusFactor()]
    }

    /// Assesses `context` with every factor (planes are computed once and shared).
    public func assess(_ context: AnalysisContext) -> Assessment {
        Assessment(results: factors.map { $0.assess(context) })
    }
}
