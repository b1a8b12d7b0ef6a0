import Foundation
import IAAAssessment
import IAAEdits

/// Analytic starting points: each fault a factor measured, turned into the edit that should
/// undo it, so the search starts near the answer instead of at identity.
///
/// - exposure: the factor's offset from the target key (EV) → the opposite exposure change,
///   with highlights (when brightening) or shadows (when darkening) searched beside it;
/// - white balance: the estimated illuminant (ln R/G, ln B/G) → the temperature and tint whose
///   Bradford adaptation maps it to neutral (solved on the edit's own matrix, so the proposal
///   and the render agree), applied at `castShare` of the way. The factor's estimate is already
///   shrunk towards neutral by its confidence (a finished photo's own colour and a cast look
///   alike to any single-image estimate), so the share is 1 and the search does not go further;
/// - saturation: chroma below the natural range → saturation that brings `saturationShare` of
///   the missing stops back;
/// - noise: σ at 1:1 (see `DetailProbe`) above the "none" level → a denoise strength that
///   grows with σ;
/// - tilt: a confidently measured tilt (≥ 0.5°) → the straightening rotation.
/// Only faults get a proposal (a factor at a fault level of F.740.4, or a confident tilt): a
/// factor at its normal level is left alone, since the judge credits no correction of it.
/// Everything is clamped to the search space (the preset's bounds).
public enum Proposals {
    /// Share of an estimated colour cast the white-balance proposal removes.
    public static let castShare = 1.0
    /// Share of the missing chroma (in stops) the saturation proposal restores: half, because
    /// chroma varies more between good photos (a faded print, a foggy morning) than a cast does.
    public static let saturationShare = 0.5
    /// Least ratio of the noise σ on the 1:1 window to the σ on the proxy for a noise fault to be
    /// taken for noise. On the 44 dev photos reduced to 1024 px (proxy 384): 1.42–3.42 on their
    /// σ 12 copies; the two clean photos read as noisy, peacock (feathers) and cosmic_vista,
    /// 1.11 and 0.69. On a 12 MP photo real noise shrinks about tenfold on the proxy.
    public static let noiseRatio = 1.25

    /// One proposed edit, with the measurement behind it.
    public struct Proposal: Sendable, Hashable {
        /// The factor whose fault it answers.
        public var factor: String
        /// The kind of edit.
        public var kind: EditKind
        /// Parameter values, by qualified id.
        public var values: [String: Double]
        /// Whether the search may move `values` (false: the estimate already holds all the
        /// evidence there is, and the judge would only push it to the population's ideal).
        public var refine: Bool = false
        /// Parameters the search refines beside `values` (e.g. highlights when brightening).
        public var companions: [String] = []
        /// Values every candidate that makes this kind of edit keeps (e.g. white kept at white
        /// when a high-key shot is darkened).
        public var pinned: [String: Double] = [:]
        /// Why, in one sentence.
        public var reason: String
    }

    /// Proposals for a photo whose proxy, edited by `point`, measured `observation`, for the
    /// factors `weights` counts (a black-and-white preset weighs no colour factor, so a
    /// colour cast gets no correction there). Values are
    /// absolute: each correction is composed with what `point` already does (exposure adds EV,
    /// white balance adds mired and tint, saturation multiplies chroma), so a second round on
    /// an already corrected candidate refines rather than restarts. Straighten and denoise are
    /// proposed only when `point` has none yet.
    public static func propose(_ observation: Observation, at point: SearchPoint = .identity, space: SearchSpace,
                               weights: [String: Double]? = nil) -> [Proposal] {
        var out: [Proposal] = []
        func add(_ factor: String, _ kind: EditKind, _ values: [String: Double], refine: Bool = false, companions: [String] = [],
                 pinned: [String: Double] = [:], _ reason: String) {
            // Only the parameters this proposal sets: clamping a point drops what the space lacks.
            let p = space.clamp(SearchPoint(values: values))
            guard !p.values.isEmpty, p.values.keys.contains(where: { values[$0] != nil }) else { return }
            let pins = space.clamp(SearchPoint(values: pinned)).values
            out.append(Proposal(factor: factor, kind: kind, values: p.values, refine: refine, companions: companions,
                                pinned: pins, reason: reason))
        }
        if let straighten = observation.factor("cameraAngle"), let conf = straighten.measurement("tiltConfidence"),
           conf >= 0.15, abs(straighten.raw) >= 0.5, !point.kinds.contains(.straighten) {
            // raw > 0 is a clockwise tilt; the edit's positive angle turns counter-clockwise.
            add("cameraAngle", .straighten, ["straighten.degrees": straighten.raw],
                "tilted \(String(format: "%.1f", straighten.raw))° (line confidence \(String(format: "%.2f", conf)))")
        }
        func faulty(_ r: FactorResult) -> Bool { r.level?.isFault ?? false }
        if let e = observation.factor("exposure"), faulty(e) {
            let ev = point["exposure.ev"] - e.raw
            // A high-key shot on white (a clipped backdrop around the subject) keeps its white
            // when darkened: a grey backdrop is never the correction.
            let highKey = ev < point["exposure.ev"] && (e.measurement("backdropShare") ?? 0) > 0
            // The plain inverse of an exposure error; the search also tries keeping white at
            // white (`exposure.protect`), which a frame with blown areas may prefer.
            add("exposure", .exposure, ["exposure.ev": ev, "exposure.protect": highKey ? 1 : point["exposure.protect"]], refine: true,
                companions: (highKey ? [] : ["exposure.protect"]) + [ev > 0 ? "tone.highlights" : "tone.shadows"],
                pinned: highKey ? ["exposure.protect": 1] : [:],
                "exposure \(String(format: "%+.2f", e.raw)) EV from a good exposure" + (highKey ? ", white backdrop kept white" : ""))
        }
        if let wb = observation.factor("whiteBalance"), faulty(wb), let u = wb.measurement("greyEdgeU"), let v = wb.measurement("greyEdgeV") {
            let tb = space.bounds("whiteBalance.temperature"), nb = space.bounds("whiteBalance.tint")
            let solved = neutralising(illuminant: (exp(castShare * u), 1, exp(castShare * v)),
                                      temperature: tb.map { $0.min...$0.max } ?? 0...0,
                                      tint: nb.map { $0.min...$0.max } ?? 0...0)
            if abs(solved.temperature) >= 2 || abs(solved.tint) >= 2 {
                add("whiteBalance", .whiteBalance, ["whiteBalance.temperature": point["whiteBalance.temperature"] + solved.temperature,
                                    "whiteBalance.tint": point["whiteBalance.tint"] + solved.tint],
                    "estimated illuminant cast b* \(String(format: "%.1f", -wb.raw))")
            }
        }
        // Pixel noise shrinks when the image is downsampled (averaging), texture does not: a σ at
        // 1:1 less than `noiseRatio` times the proxy's is fine texture (feathers, foliage) the
        // estimator took for noise, and a denoise would only smear it.
        if let n = observation.factor("noise"), faulty(n), !point.kinds.contains(.denoise),
           n.raw >= noiseRatio * (n.measurement("proxyRaw") ?? 0) {
            add("noise", .denoise, ["denoise.strength": denoiseStrength(sigma: n.raw)], "noise σ \(String(format: "%.1f", n.raw)) levels at 1:1")
        }
        if let s = observation.factor("saturation"), faulty(s), s.raw < 0 {
            let gain = (1 + point["colour.saturation"] / 100) * pow(2, -saturationShare * s.raw)
            add("saturation", .colour, ["colour.saturation": (gain - 1) * 100],
                "chroma \(String(format: "%+.2f", s.raw)) stops from the natural range")
        }
        return out.filter { weights == nil || (weights?[$0.factor] ?? 0) > 0 }
    }

    /// Denoise strength for a noise level σ (8-bit levels at 1:1, the noise factor's raw
    /// value): none below 2, 100 from 8.25 up, linear between. Calibrated on the 44
    /// degrade-and-recover dev photos' σ 12 copies: the factor reads them at σ 7–9 (it measures
    /// what survives 8-bit clipping and flat-patch selection), and a fixed strength recovers a
    /// median 39 % of their ΔE at 50, 58 % at 75 and 63 % at 100
    /// (`iaa-bench-recover apply … denoise`, then `measure`).
    public static func denoiseStrength(sigma: Double) -> Double { min(100, max(0, (sigma - 2) * 16)) }

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
