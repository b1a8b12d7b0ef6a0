import Foundation

/// sRGB ⇄ linear ⇄ CIE XYZ (D65) ⇄ CIELab conversions used by the factors. Public so that tests
/// and enhancers apply controlled edits in the same spaces the factors measure in.
public enum ColorSpace {
    /// Linear-light value (0…1) of each 8-bit sRGB code (IEC 61966-2-1 transfer curve).
    public static let linearLUT: [Float] = (0..<256).map { i in
        let c = Double(i) / 255
        return Float(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4))
    }

    /// sRGB-encoded value 0…1 of a linear value (clamped to 0…1).
    @inlinable public static func encode(_ v: Float) -> Float {
        let c = min(1, max(0, v))
        return c <= 0.0031308 ? 12.92 * c : 1.055 * powf(c, 1 / 2.4) - 0.055
    }

    /// 8-bit sRGB code of a linear value, rounded.
    @inlinable public static func encode8(_ v: Float) -> UInt8 { UInt8(encode(v) * 255 + 0.5) }

    /// D65 white point X and Z (Y = 1).
    public static let xn: Float = 0.95047, zn: Float = 1.08883

    @inlinable public static func f(_ t: Float) -> Float { t > 0.008856 ? cbrtf(t) : 7.787 * t + 16.0 / 116.0 }
    @inlinable public static func fInv(_ t: Float) -> Float { t > 0.206893 ? t * t * t : (t - 16.0 / 116.0) / 7.787 }

    /// Relative luminance Y (0…1) of linear Rec.709/sRGB primaries.
    @inlinable public static func luminance(_ r: Float, _ g: Float, _ b: Float) -> Float {
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// CIELab (D65) of linear RGB: L* 0…100, a*, b* roughly −128…127.
    @inlinable public static func lab(_ r: Float, _ g: Float, _ b: Float) -> (L: Float, a: Float, b: Float) {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / xn
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / zn
        let fx = f(x), fy = f(y), fz = f(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// Linear RGB of a CIELab colour (may fall outside 0…1 when out of the sRGB gamut).
    @inlinable public static func linearRGB(L: Float, a: Float, b: Float) -> (Float, Float, Float) {
        let fy = (L + 16) / 116, fx = fy + a / 500, fz = fy - b / 200
        let x = fInv(fx) * xn, y = fInv(fy), z = fInv(fz) * zn
        return (3.2406 * x - 1.5372 * y - 0.4986 * z,
                -0.9689 * x + 1.8758 * y + 0.0415 * z,
                0.0557 * x - 0.2040 * y + 1.0570 * z)
    }

    /// 8-bit sRGB of a CIELab colour, clipped to the gamut per channel.
    public static func srgb8(L: Float, a: Float, b: Float) -> (UInt8, UInt8, UInt8) {
        let (r, g, bl) = linearRGB(L: L, a: a, b: b)
        return (encode8(r), encode8(g), encode8(bl))
    }

    /// LCh hue angle in degrees, 0…360, of (a*, b*) — atan2 by a minimax polynomial on the
    /// octant (error < 1e-5 rad), several times faster than `atan2f` in per-pixel loops.
    @inlinable public static func hueDegrees(a: Float, b: Float) -> Float {
        let ax = abs(a), ay = abs(b)
        let mx = max(ax, ay)
        guard mx > 0 else { return 0 }
        let t = min(ax, ay) / mx, t2 = t * t
        var r = t * (0.99997726 + t2 * (-0.33262347 + t2 * (0.19354346 + t2 * (-0.11643287 + t2 * (0.05265332 + t2 * -0.01172120)))))
        if ay > ax { r = Float.pi / 2 - r }
        if a < 0 { r = Float.pi - r }
        if b < 0 { r = -r }
        var h = r * (180 / Float.pi)
        if h < 0 { h += 360 }
        return h
    }

    /// L* (0…100) of a luminance Y (0…1).
    @inlinable public static func lightness(_ y: Float) -> Float { 116 * f(y) - 16 }
}
