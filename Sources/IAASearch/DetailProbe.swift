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
        // No colour table: a 33³ lattice has half as many points as the 256² window has
        // pixels, so the direct pipeline is the cheaper one here.
        renderer = try ChainRenderer(proxy: window, context: context, capacity: 24, usesColourTable: false)
        self.factors = factors
    }

    private let lock = NSLock()
    private var cache: [EditChain: [FactorResult]] = [:]

    /// The window's results for `chain`, measured on the edits that can change its noise: the
    /// geometry only moves pixels, and white balance, looks and a darkening exposure scale
    /// the noise with the signal (or less), so candidates that differ only in those share one
    /// measurement — the original's, when that is all they do.
    public func measure(_ chain: EditChain) throws -> [FactorResult] {
        let local = try EditChain(chain.edits.filter { e in
            switch e.kind {
            case .straighten, .crop, .whiteBalance, .look: return false
            case .exposure: return ((e.base as? ExposureEdit)?.params.ev ?? 1) > 0
            default: return true
            }
        }.map(\.base))
        if let hit = lock.withLock({ cache[local] }) { return hit }
        let ctx = AnalysisContext(image: try renderer.render(local), noiseOnly: factors.allSatisfy { $0 is NoiseFactor })
        let results = factors.map { $0.assess(ctx) }
        lock.withLock { cache[local] = results }
        return results
    }

    /// `observation` with the window's results in place of the proxy's. Each replaced result
    /// keeps the proxy's raw value as the measurement "proxyRaw": for noise, the test of whether
    /// the window's σ is noise at all (see `Proposals`).
    public static func merge(_ results: [FactorResult], into observation: Observation) -> Observation {
        var o = observation
        for var r in results {
            if let i = o.factors.firstIndex(where: { $0.id == r.id }) {
                r.measurements.append(Measurement("proxyRaw", o.factors[i].raw, "proxy"))
                o.factors[i] = r
            } else {
                o.factors.append(r)
            }
        }
        return o
    }
}
