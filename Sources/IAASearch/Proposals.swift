import Foundation
import IAAAssessment
import IAAEdits

/// Analytic starting points: each fault a factor measured, turned into the edit that should
/// undo it, so the search starts near the answer instead of at identity.
///
/// - exposure: the factor's offset from the target key (EV) → the opposite exposure change;
/// - white balance: the grey-edge illuminant estimate (ln R/G, ln B/G) → the temperature and
///   tint whose Bradford adaptation maps it closest to neutral (solved numerically on the edit's
///   own matrix, so the proposal and the render agree);
/// - tilt: a confidently measured tilt (≥ 0.5°) → the straightening rotation;
/// - noise: σ above the "none" level → a denoise strength growing with σ;
/// - saturation: chroma far from the reference → half-way back in saturation.
/// Only faults get a proposal (a factor at a fault level of F.740.4, or a confident tilt): a
/// factor at its normal level is left to the search, which must pay for every change.
/// Everything is clamped to the search space (the preset's bounds).
public enum Proposals {
    /// One proposed edit, with the measurement behind it.
    public struct Proposal: Sendable, Hashable {
        /// The kind of edit.
        public var kind: EditKind
        /// Parameter values, by qualified id.
        public var values: [String: Double]
        /// Why, in one sentence.
        public var reason: String
    }

    /// Proposals for a photo whose proxy measured `observation`.
    public static func propose(_ observation: Observation, space: SearchSpace) -> [Proposal] {
        var out: [Proposal] = []
        func add(_ kind: EditKind, _ values: [String: Double], _ reason: String) {
            let p = space.clamp(SearchPoint(values: values))
            if !p.values.isEmpty { out.append(Proposal(kind: kind, values: p.values, reason: reason)) }
        }
        if let straighten = observation.factor("cameraAngle"), let conf = straighten.measurement("tiltConfidence"),
           conf >= 0.15, abs(straighten.raw) >= 0.5 {
            // raw > 0 is a clockwise tilt; the edit's positive angle turns counter-clockwise.
            add(.straighten, ["straighten.degrees": straighten.raw],
                "tilted \(String(format: "%.1f", straighten.raw))° (line confidence \(String(format: "%.2f", conf)))")
        }
        func faulty(_ r: FactorResult) -> Bool { r.level?.isFault ?? false }
        if let e = observation.factor("exposure"), faulty(e) {
            add(.exposure, ["exposure.ev": -e.raw], "exposure \(String(format: "%+.2f", e.raw)) EV from the target key")
        }
        if let wb = observation.factor("whiteBalance"), faulty(wb), let u = wb.measurement("greyEdgeU"), let v = wb.measurement("greyEdgeV") {
            let tb = space.bounds("whiteBalance.temperature"), nb = space.bounds("whiteBalance.tint")
            let solved = neutralising(illuminant: (exp(u), 1, exp(v)),
                                      temperature: tb.map { $0.min...$0.max } ?? 0...0,
                                      tint: nb.map { $0.min...$0.max } ?? 0...0)
            if abs(solved.temperature) >= 2 || abs(solved.tint) >= 2 {
                add(.whiteBalance, ["whiteBalance.temperature": solved.temperature, "whiteBalance.tint": solved.tint],
                    "estimated illuminant cast b* \(String(format: "%.1f", -wb.raw))")
            }
        }
        if let n = observation.factor("noise"), faulty(n) {
            add(.denoise, ["denoise.strength": min(100, (n.raw - 3) * 6)], "noise σ \(String(format: "%.1f", n.raw)) levels")
        }
        if let s = observation.factor("saturation"), faulty(s) {
            add(.colour, ["colour.saturation": (pow(2, -s.raw / 2) - 1) * 100],
                "chroma \(String(format: "%+.2f", s.raw)) stops from the reference")
        }
        return out
    }

    /// All proposals merged into one point.
    public static func combined(_ proposals: [Proposal]) -> SearchPoint {
        var v: [String: Double] = [:]
        for p in proposals { v.merge(p.values) { a, _ in a } }
        return SearchPoint(values: v)
    }

    /// The temperature and tint (within the ranges) whose adaptation matrix brings the
    /// illuminant (linear RGB) closest to neutral in a*b*. Coarse grid, then a fine one.
    static func neutralising(illuminant: (Double, Double, Double), temperature: ClosedRange<Double>,
                             tint: ClosedRange<Double>) -> (temperature: Double, tint: Double) {
        func cost(_ t: Double, _ n: Double) -> Double {
            let m = WhiteBalanceEdit.matrix(.init(temperature: t, tint: n))
            let (r0, g0, b0) = illuminant
            let r = m[0] * r0 + m[1] * g0 + m[2] * b0
            let g = m[3] * r0 + m[4] * g0 + m[5] * b0
            let b = m[6] * r0 + m[7] * g0 + m[8] * b0
            let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
            guard y > 0 else { return .infinity }
            let lab = ColorSpace.lab(Float(r * 0.4 / y), Float(g * 0.4 / y), Float(b * 0.4 / y))
            return Double(lab.a * lab.a + lab.b * lab.b)
        }
        var best = (t: 0.0, n: 0.0, c: cost(0, 0))
        func scan(_ ts: [Double], _ ns: [Double]) {
            for t in ts where temperature.contains(t) {
                for n in ns where tint.contains(n) {
                    let c = cost(t, n)
                    if c < best.c { best = (t, n, c) }
                }
            }
        }
        scan(stride(from: temperature.lowerBound, through: temperature.upperBound, by: 2).map { $0 },
             stride(from: tint.lowerBound, through: tint.upperBound, by: 2).map { $0 })
        let (t0, n0) = (best.t, best.n)
        scan(stride(from: t0 - 2, through: t0 + 2, by: 0.25).map { $0 }, stride(from: n0 - 2, through: n0 + 2, by: 0.25).map { $0 })
        return (best.t, best.n)
    }
}
