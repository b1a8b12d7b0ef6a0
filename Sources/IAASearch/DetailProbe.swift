import Foundation
import IAAAssessment
import IAACore
import IAAEdits

/// A 1:1 window of the full-resolution photo on which the judge measures what a proxy cannot
/// show: noise. Downsampling averages noise away (a 12 MP photo on a 384-px proxy keeps about a
/// tenth of its σ), so from the proxy alone a denoise could neither be proposed nor judged.
///
/// Every candidate's edits, without its geometry, are rendered on the window too (a second,
/// small `ChainRenderer` with its own prefix cache), and the window's measurement of each
/// factor in `factors` replaces the proxy's: brightening a dark photo makes its noise more
/// visible, and the judge sees that as well as what a denoise takes away.
public final class DetailProbe: @unchecked Sendable {
    /// The window's renderer.
    public let renderer: ChainRenderer
    /// Factors measured on the window instead of the proxy. Default: noise.
    public let factors: [any AssessmentFactor]

    public init(window: RGBImage, context: EditContext, factors: [any AssessmentFactor] = [NoiseFactor()]) throws {
        renderer = try ChainRenderer(proxy: window, context: context, capacity: 24)
        self.factors = factors
    }

    /// The window's results for `chain` (its geometric edits left out: they only move pixels).
    public func measure(_ chain: EditChain) throws -> [FactorResult] {
        let local = try EditChain(chain.edits.filter { $0.kind != .straighten && $0.kind != .crop }.map(\.base))
        let ctx = AnalysisContext(image: try renderer.render(local))
        return factors.map { $0.assess(ctx) }
    }

    /// `observation` with the window's results in place of the proxy's.
    public static func merge(_ results: [FactorResult], into observation: Observation) -> Observation {
        var o = observation
        for r in results {
            if let i = o.factors.firstIndex(where: { $0.id == r.id }) { o.factors[i] = r } else { o.factors.append(r) }
        }
        return o
    }
}
