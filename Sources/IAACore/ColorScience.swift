import Foundation

/// Colour conversions and colour differences on sRGB (IEC 61966-2-1, D65) values.
public enum ColorScience {
    /// sRGB-encoded value 0…1 → linear light 0…1.
    @inlinable public static func linearize(_ v: Double) -> Double {
        v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    /// Linear light 0…1 → sRGB-encoded 0…1.
    @inlinable public static func encode(_ v: Double) -> Double {
        v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1 / 2.4) - 0.055
    }

    /// 8-bit sRGB → CIELAB (D65 white, as sRGB defines it). L 0…100.
    public static func lab(r: UInt8, g: UInt8, b: UInt8) -> (L: Double, a: Double, b: Double) {
        let R = linear8[Int(r)], G = linear8[Int(g)], B = linear8[Int(b)]
        let x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047
        let y = 0.2126729 * R + 0.7151522 * G + 0.0721750 * B
        let z = (0.0193339 * R + 0.1191920 * G + 0.9503041 * B) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16) / 116 }
        let fx = f(x), fy = f(y), fz = f(z)
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// CIEDE2000 colour difference between two CIELAB colours (kL = kC = kH = 1).
    /// `linearize(v / 255)` for every 8-bit value (the judge converts tens of thousands of
    /// pixels per candidate).
    static let linear8: [Double] = (0..<256).map { linearize(Double($0) / 255) }

    @inline(__always) static func pow7(_ x: Double) -> Double { let x2 = x * x; return x2 * x2 * x2 * x }
    static let pow25to7 = 6_103_515_625.0

    public static func deltaE2000(_ c1: (L: Double, a: Double, b: Double), _ c2: (L: Double, a: Double, b: Double)) -> Double {
        let rad = Double.pi / 180
        let C1 = hypot(c1.a, c1.b), C2 = hypot(c2.a, c2.b)
        let Cm = (C1 + C2) / 2
        let G = 0.5 * (1 - sqrt(pow7(Cm) / (pow7(Cm) + pow25to7)))
        let a1 = (1 + G) * c1.a, a2 = (1 + G) * c2.a
        let C1p = hypot(a1, c1.b), C2p = hypot(a2, c2.b)
        func hue(_ b: Double, _ a: Double) -> Double {
            if a == 0 && b == 0 { return 0 }
            let h = atan2(b, a) / rad
            return h < 0 ? h + 360 : h
        }
        let h1 = hue(c1.b, a1), h2 = hue(c2.b, a2)
        let dL = c2.L - c1.L, dC = C2p - C1p
        var dh = 0.0
        if C1p * C2p != 0 {
            dh = h2 - h1
            if dh > 180 { dh -= 360 } else if dh < -180 { dh += 360 }
        }
        let dH = 2 * sqrt(C1p * C2p) * sin(dh / 2 * rad)
        let Lm = (c1.L + c2.L) / 2, Cpm = (C1p + C2p) / 2
        var hm = h1 + h2
        if C1p * C2p != 0 {
            if abs(h1 - h2) <= 180 { hm = (h1 + h2) / 2 }
            else if h1 + h2 < 360 { hm = (h1 + h2 + 360) / 2 }
            else { hm = (h1 + h2 - 360) / 2 }
        }
        let T = 1 - 0.17 * cos((hm - 30) * rad) + 0.24 * cos(2 * hm * rad)
            + 0.32 * cos((3 * hm + 6) * rad) - 0.20 * cos((4 * hm - 63) * rad)
        let q = (hm - 275) / 25
        let dTheta = 30 * exp(-q * q)
        let Rc = 2 * sqrt(pow7(Cpm) / (pow7(Cpm) + pow25to7))
        let l50 = (Lm - 50) * (Lm - 50)
        let Sl = 1 + 0.015 * l50 / sqrt(20 + l50)
        let Sc = 1 + 0.045 * Cpm, Sh = 1 + 0.015 * Cpm * T
        let Rt = -sin(2 * dTheta * rad) * Rc
        let l = dL / Sl, c = dC / Sc, h = dH / Sh
        return sqrt(l * l + c * c + h * h + Rt * c * h)
    }

    /// CIEDE2000 between two 8-bit sRGB colours.
    public static func deltaE2000(_ p: (UInt8, UInt8, UInt8), _ q: (UInt8, UInt8, UInt8)) -> Double {
        if p == q { return 0 }
        return deltaE2000(lab(r: p.0, g: p.1, b: p.2), lab(r: q.0, g: q.1, b: q.2))
    }

    /// Mean CIEDE2000 between two images of the same size (optionally on every `step`-th pixel).
    public static func meanDeltaE2000(_ x: RGBImage, _ y: RGBImage, step: Int = 1) -> Double {
        precondition(x.width == y.width && x.height == y.height, "meanDeltaE2000: sizes differ")
        var total = 0.0, n = 0
        var i = 0
        while i < x.pixelCount {
            let o = 3 * i
            total += deltaE2000((x.pixels[o], x.pixels[o + 1], x.pixels[o + 2]), (y.pixels[o], y.pixels[o + 1], y.pixels[o + 2]))
            n += 1
            i += step
        }
        return total / Double(max(n, 1))
    }
}
