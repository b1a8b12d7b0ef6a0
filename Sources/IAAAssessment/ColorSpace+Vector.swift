import Foundation

/// Eight-pixel forms of the conversions the planes need (CIELab, hue, log2), for the per-pixel
/// passes over a proxy. Lane by lane they do exactly the arithmetic of their scalar
/// counterparts, so a plane built with them has the same values; what they save is the per-pixel
/// overhead (and, for the hue, the unpredictable branches of the octant logic). Except log₂,
/// which is within a few ulp of `log2f`.
///
/// `@_transparent` rather than `@inline(__always)`: these must inline into the pixel loops, and
/// with the latter the compiler still left some of them as calls.
extension ColorSpace {
    /// f(t) on 4097 knots over 0…1 (linear interpolation between them: error < 1e-4 in f),
    /// which is most of the cost of Lab on a megapixel if done with `cbrtf`.
    static let fKnots = 4096
    static let fTable: [Float] = (0...fKnots).map { f(Float($0) / Float(fKnots)) }

    /// ⌊x⌋ for 0 ≤ x < 2²² (floats in [2²³, 2²⁴) are the integers, so adding 2²³ rounds x to one
    /// and subtracting it back is exact). A negative x gives a result ≤ 0, not its floor.
    @_transparent static func floor8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let big = SIMD8<Float>(repeating: 8_388_608)
        let r = (x + big) - big
        return r.replacing(with: r - 1, where: r .> x)
    }

    /// The integers of `v` (whole numbers 0 ≤ v < 2²², not negative ones) as Int32, from the bits
    /// of v + 2²³.
    @_transparent static func int8(_ v: SIMD8<Float>) -> SIMD8<Int32> {
        unsafeBitCast(v + SIMD8<Float>(repeating: 8_388_608), to: SIMD8<Int32>.self) &- 0x4B00_0000
    }

    /// `fTable` lookup of v ≥ 0 (XYZ of linear light): clamp to 1, interpolate between the two
    /// knots around it. (The scalar path's max(v, 0) is v here: every term of X, Y, Z is ≥ 0.)
    @_transparent static func f8(_ v: SIMD8<Float>, _ t: UnsafePointer<Float>) -> SIMD8<Float> {
        // As `min(v, 1)` (min picks 1 when 1 < v).
        let c = v.replacing(with: 1, where: v .> 1)
        let x = c * Float(fKnots)
        var fl = floor8(x)
        fl = fl.replacing(with: Float(fKnots - 1), where: fl .> Float(fKnots - 1))
        let fr = x - fl, i = int8(fl)
        let t0 = SIMD8<Float>(t[Int(i[0])], t[Int(i[1])], t[Int(i[2])], t[Int(i[3])], t[Int(i[4])], t[Int(i[5])], t[Int(i[6])], t[Int(i[7])])
        let t1 = SIMD8<Float>(t[Int(i[0]) + 1], t[Int(i[1]) + 1], t[Int(i[2]) + 1], t[Int(i[3]) + 1],
                              t[Int(i[4]) + 1], t[Int(i[5]) + 1], t[Int(i[6]) + 1], t[Int(i[7]) + 1])
        return t0 + (t1 - t0) * fr
    }

    /// Linear-light R, G, B of eight interleaved 8-bit pixels at `p` (`linearLUT` at `lut`).
    @_transparent static func linear8(_ p: UnsafePointer<UInt8>, _ lut: UnsafePointer<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        @inline(__always) func channel(_ c: Int) -> SIMD8<Float> {
            SIMD8<Float>(lut[Int(p[c])], lut[Int(p[3 + c])], lut[Int(p[6 + c])], lut[Int(p[9 + c])],
                         lut[Int(p[12 + c])], lut[Int(p[15 + c])], lut[Int(p[18 + c])], lut[Int(p[21 + c])])
        }
        return (channel(0), channel(1), channel(2))
    }

    /// CIELab L*, a*, b* and the luminance Y of eight interleaved 8-bit sRGB pixels at `p`
    /// (the XYZ matrix and white point of `lab(_:_:_:)`, f from `fTable` at `table`).
    @_transparent static func lab8(_ p: UnsafePointer<UInt8>, _ lut: UnsafePointer<Float>, _ table: UnsafePointer<Float>)
        -> (L: SIMD8<Float>, a: SIMD8<Float>, b: SIMD8<Float>, y: SIMD8<Float>) {
        let (r, g, b) = linear8(p, lut)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) * (1 / xn)
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) * (1 / zn)
        let fx = f8(x, table), fy = f8(y, table), fz = f8(z, table)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz), y)
    }

    /// `hueDegrees(a:b:)` of eight (a*, b*) pairs, with selects instead of branches.
    @_transparent static func hue8(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        let ax = abs8(a), ay = abs8(b)
        let steep = ay .> ax
        // max(ax, ay) and min(ax, ay) as the scalar functions pick them.
        let mx = ax.replacing(with: ay, where: ay .>= ax), mn = ax.replacing(with: ay, where: ay .< ax)
        let t = mn / mx, t2 = t * t
        // The scalar polynomial, innermost term first.
        var q: SIMD8<Float> = 0.05265332 + t2 * Float(-0.01172120)
        q = -0.11643287 + t2 * q
        q = 0.19354346 + t2 * q
        q = -0.33262347 + t2 * q
        q = 0.99997726 + t2 * q
        var r = t * q
        r = r.replacing(with: Float.pi / 2 - r, where: steep)
        r = r.replacing(with: Float.pi - r, where: a .< 0)
        r = r.replacing(with: -r, where: b .< 0)
        var h = r * (180 / Float.pi)
        h = h.replacing(with: h + 360, where: h .< 0)
        // No hue at the origin (the scalar version returns before dividing 0 by 0).
        return h.replacing(with: 0, where: mx .<= 0)
    }

    /// log₂ of eight positive normal floats to within a few ulp of `log2f`: the exponent from the
    /// bits, the mantissa m ∈ [√½, √2) by the series ln m = 2·atanh(s), s = (m − 1)/(m + 1),
    /// |s| ≤ 0.172, to s⁹ (truncation below 1e-9). For the exposure key, an average of a
    /// megapixel of logarithms: a call to `log2f` per pixel was that factor's whole cost.
    @_transparent static func log2x8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(v, to: SIMD8<UInt32>.self)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)  // 1 ≤ m < 2
        // The biased exponent as a float: 2²³ + e has the bits 0x4B000000 | e.
        var e = unsafeBitCast((bits &>> 23) | 0x4B00_0000, to: SIMD8<Float>.self) - Float(8_388_608 + 127)
        let high = m .> 1.41421356
        m = m.replacing(with: m * 0.5, where: high)
        e = e.replacing(with: e + 1, where: high)
        let s = (m - 1) / (m + 1), s2 = s * s
        var q: SIMD8<Float> = Float(1.0 / 7) + s2 * Float(1.0 / 9)
        q = Float(1.0 / 5) + s2 * q
        q = Float(1.0 / 3) + s2 * q
        q = 1 + s2 * q
        let lnm = 2 * s * q
        return e + lnm * Float(1.44269504)  // 1/ln 2
    }
}
