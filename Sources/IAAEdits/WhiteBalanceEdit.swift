import Foundation
import IAAImaging

/// White balance as a chromatic adaptation: the colour that the edit treats as the scene's
/// white (D65 moved along the Planckian locus by `temperature` and across it by `tint`) is
/// mapped to D65 with the Bradford transform, applied as one 3×3 matrix to linear sRGB — the
/// way raw converters do it, not as per-channel gains on gamma-encoded values.
public struct WhiteBalanceEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Warmth in mireds (10⁶/K); positive warms (the assumed scene white is bluer than
        /// D65). −80…80, default 0.
        public var temperature: Double
        /// Green–magenta shift in thousandths of Δuv; positive adds magenta. −40…40, default 0.
        public var tint: Double
        public init(temperature: Double, tint: Double) { self.temperature = temperature; self.tint = tint }
    }

    public static let kind = EditKind.whiteBalance
    public static let summary = "Warm/cool and green/magenta balance by Bradford chromatic adaptation."
    public static let workingSpace = "scRGB (linear sRGB primaries, D65); adaptation in Bradford cone space"
    public static var parameters: [NumberParameter<Params>] {
        [
            .init("temperature", unit: "mired", min: -80, max: 80, default: 0,
                  "Colour temperature shift; positive warms, negative cools.", \.temperature),
            .init("tint", unit: "0.001 Δuv", min: -40, max: 40, default: 0,
                  "Tint shift across the Planckian locus; positive adds magenta, negative green.", \.tint),
        ]
    }
    public static let identity = Params(temperature: 0, tint: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.linearTransform(Self.matrix(params))
    }

    // MARK: Colour science

    /// CCT of D65 used as the reference point on the locus.
    static let referenceKelvin = 6504.0
    /// D65 chromaticity (IEC 61966-2-1).
    static let d65 = (x: 0.3127, y: 0.3290)

    /// Planckian locus in CIE 1960 uv (Krystek 1985 rational approximation, 1000–15000 K;
    /// the ±80 mired range stays within 4278–13559 K).
    static func planckUV(_ t: Double) -> (u: Double, v: Double) {
        let u = (0.860117757 + 1.54118254e-4 * t + 1.28641212e-7 * t * t) / (1 + 8.42420235e-4 * t + 7.08145163e-7 * t * t)
        let v = (0.317398726 + 4.22806245e-5 * t + 4.20481691e-8 * t * t) / (1 - 2.89741816e-5 * t + 1.61456053e-7 * t * t)
        return (u, v)
    }

    /// The assumed scene white (xy) for the parameters: D65 displaced by the locus' own
    /// displacement between 6504 K and the shifted temperature, then along the locus normal.
    static func sourceWhite(_ p: Params) -> (x: Double, y: Double) {
        let d65uv = (u: 4 * d65.x / (-2 * d65.x + 12 * d65.y + 3), v: 6 * d65.y / (-2 * d65.x + 12 * d65.y + 3))
        let mired0 = 1e6 / referenceKelvin
        let t = 1e6 / (mired0 - p.temperature)
        let a = planckUV(referenceKelvin), b = planckUV(t)
        var u = d65uv.u + (b.u - a.u), v = d65uv.v + (b.v - a.v)
        // Unit normal to the locus at t, pointing to larger v (greener): a greener scene white
        // is neutralised by adding magenta.
        let e = planckUV(t + 1), f = planckUV(t - 1)
        var (nu, nv) = (-(e.v - f.v), e.u - f.u)
        if nv < 0 { nu = -nu; nv = -nv }
        let len = (nu * nu + nv * nv).squareRoot()
        u += p.tint * 1e-3 * nu / len
        v += p.tint * 1e-3 * nv / len
        let d = 2 * u - 8 * v + 4
        return (3 * u / d, 2 * v / d)
    }

    static let bradford: [Double] = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296]
    /// Linear sRGB → XYZ (D65), IEC 61966-2-1.
    static let rgbToXYZ: [Double] = [0.4124564, 0.3575761, 0.1804375, 0.2126729, 0.7151522, 0.0721750, 0.0193339, 0.1191920, 0.9503041]

    /// The 3×3 matrix (row-major, linear sRGB → linear sRGB) for the parameters.
    public static func matrix(_ p: Params) -> [Double] {
        let src = sourceWhite(p)
        func xyz(_ w: (x: Double, y: Double)) -> [Double] { [w.x / w.y, 1, (1 - w.x - w.y) / w.y] }
        let rs = mul(bradford, xyz(src)), rd = mul(bradford, xyz(d65))
        let diag: [Double] = [rd[0] / rs[0], 0, 0, 0, rd[1] / rs[1], 0, 0, 0, rd[2] / rs[2]]
        let adapt = mat(inverse(bradford), mat(diag, bradford))
        return mat(inverse(rgbToXYZ), mat(adapt, rgbToXYZ))
    }

    static func mul(_ m: [Double], _ v: [Double]) -> [Double] {
        (0..<3).map { r in m[3 * r] * v[0] + m[3 * r + 1] * v[1] + m[3 * r + 2] * v[2] }
    }

    static func mat(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { for k in 0..<3 { out[3 * r + c] += a[3 * r + k] * b[3 * k + c] } } }
        return out
    }

    static func inverse(_ m: [Double]) -> [Double] {
        let (a, b, c, d, e, f, g, h, i) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
        let A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g
        let det = a * A + b * B + c * C
        return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
                B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
                C / det, -(a * h - b * g) / det, (a * e - b * d) / det]
    }
}
