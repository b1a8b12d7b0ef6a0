import Foundation
import IAAAssessment
import IAACore
import IAAImaging

/// Controlled, seeded degradations for the factor ladders (pure Swift on RGBImage, except
/// where the brief asks for the codec's own blur/JPEG/rotate).
enum Degrade {
    /// Multiplies linear light by 2^ev (clipping at white).
    static func exposure(_ img: RGBImage, ev: Double) -> RGBImage {
        let k = Float(pow(2, ev)), lut = ColorSpace.linearLUT
        let table = (0..<256).map { ColorSpace.encode8(lut[$0] * k) }
        return RGBImage(width: img.width, height: img.height, pixels: img.pixels.map { table[Int($0)] })
    }

    /// Von Kries shift in linear light: R × 2^s, B × 2^−s (s > 0 warmer, s < 0 colder).
    static func whiteBalance(_ img: RGBImage, shift s: Double) -> RGBImage {
        let lut = ColorSpace.linearLUT
        let rt = (0..<256).map { ColorSpace.encode8(lut[$0] * Float(pow(2, s))) }
        let bt = (0..<256).map { ColorSpace.encode8(lut[$0] * Float(pow(2, -s))) }
        var p = img.pixels
        for i in stride(from: 0, to: p.count, by: 3) { p[i] = rt[Int(p[i])]; p[i + 2] = bt[Int(p[i + 2])] }
        return RGBImage(width: img.width, height: img.height, pixels: p)
    }

    /// Scales CIELCh chroma by `factor`, clipping to the sRGB gamut per channel.
    static func saturation(_ img: RGBImage, factor: Double) -> RGBImage {
        let lut = ColorSpace.linearLUT, f = Float(factor)
        var p = img.pixels
        for i in stride(from: 0, to: p.count, by: 3) {
            let lab = ColorSpace.lab(lut[Int(p[i])], lut[Int(p[i + 1])], lut[Int(p[i + 2])])
            let (r, g, b) = ColorSpace.srgb8(L: lab.L, a: lab.a * f, b: lab.b * f)
            p[i] = r; p[i + 1] = g; p[i + 2] = b
        }
        return RGBImage(width: img.width, height: img.height, pixels: p)
    }

    /// Adds independent Gaussian noise of `sigma` code values to every sample (seeded).
    static func noise(_ img: RGBImage, sigma: Double, seed: UInt64) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        var p = img.pixels
        var i = 0
        while i < p.count {
            let (z0, z1) = rng.gaussianPair()
            p[i] = clamp8(Double(p[i]) + sigma * z0)
            if i + 1 < p.count { p[i + 1] = clamp8(Double(p[i + 1]) + sigma * z1) }
            i += 2
        }
        return RGBImage(width: img.width, height: img.height, pixels: p)
    }

    static func jpeg(_ img: RGBImage, quality: Int) throws -> RGBImage {
        try RGBCodec.decode(RGBCodec.encode(img, as: .jpeg, quality: quality))
    }

    static func blur(_ img: RGBImage, sigma: Double) throws -> RGBImage {
        sigma <= 0 ? img : try RGBCodec.gaussianBlur(img, sigma: sigma)
    }

    /// Blurs outside (or, with `inside`, inside) a central ellipse with semi-axes 0.32·W, 0.38·H,
    /// with a 6 % soft transition.
    static func ellipseBlur(_ img: RGBImage, sigma: Double, inside: Bool = false) throws -> RGBImage {
        guard sigma > 0 else { return img }
        let b = try RGBCodec.gaussianBlur(img, sigma: sigma)
        var p = img.pixels
        for y in 0..<img.height {
            for x in 0..<img.width {
                let dx = (Double(x) + 0.5 - Double(img.width) / 2) / (0.32 * Double(img.width))
                let dy = (Double(y) + 0.5 - Double(img.height) / 2) / (0.38 * Double(img.height))
                let r = (dx * dx + dy * dy).squareRoot()
                var t = min(1, max(0, (r - 1) / 0.12))  // 0 inside, 1 outside
                if inside { t = 1 - t }
                let i = (y * img.width + x) * 3
                for c in 0..<3 { p[i + c] = UInt8((Double(p[i + c]) * (1 - t) + Double(b.pixels[i + c]) * t).rounded()) }
            }
        }
        return RGBImage(width: img.width, height: img.height, pixels: p)
    }

    /// Rotates by `degrees` with the codec, then crops the largest centred rectangle that holds
    /// no black corner.
    static func rotate(_ img: RGBImage, degrees: Double) throws -> RGBImage {
        guard degrees != 0 else { return img }
        let r = try RGBCodec.rotate(img, degrees: degrees)
        let t = abs(degrees) * .pi / 180
        let W = Double(img.width), H = Double(img.height)
        let cw = Int(W * cos(t) - H * sin(t)) - 2, ch = Int(H * cos(t) - W * sin(t)) - 2
        let x0 = (r.width - cw) / 2, y0 = (r.height - ch) / 2
        var p = [UInt8](repeating: 0, count: cw * ch * 3)
        for y in 0..<ch {
            let src = ((y0 + y) * r.width + x0) * 3
            p.replaceSubrange((y * cw * 3)..<((y + 1) * cw * 3), with: r.pixels[src..<(src + cw * 3)])
        }
        return RGBImage(width: cw, height: ch, pixels: p)
    }

    static func clamp8(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
}

/// SplitMix64 (Steele et al. 2014): tiny, seedable, good enough for test noise.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Box–Muller.
    mutating func gaussianPair() -> (Double, Double) {
        let u1 = max(uniform(), 1e-12), u2 = uniform()
        let r = (-2 * log(u1)).squareRoot()
        return (r * cos(2 * .pi * u2), r * sin(2 * .pi * u2))
    }
}

/// Spearman rank correlation (ties get average ranks).
func spearman(_ a: [Double], _ b: [Double]) -> Double {
    func ranks(_ v: [Double]) -> [Double] {
        let idx = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < idx.count {
            var j = i
            while j + 1 < idx.count && v[idx[j + 1]] == v[idx[i]] { j += 1 }
            for k in i...j { r[idx[k]] = Double(i + j) / 2 }
            i = j + 1
        }
        return r
    }
    let ra = ranks(a), rb = ranks(b)
    let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
    var num = 0.0, da = 0.0, db = 0.0
    for i in ra.indices { num += (ra[i] - ma) * (rb[i] - mb); da += (ra[i] - ma) * (ra[i] - ma); db += (rb[i] - mb) * (rb[i] - mb) }
    return da > 0 && db > 0 ? num / (da * db).squareRoot() : 0
}

/// The 15 fixture photos as 512-px proxies, decoded once.
enum Fixtures {
    /// Photos with clear straight lines — horizons, buildings, shelves, verticals
    /// (Tests/Fixtures/lines, see its ATTRIBUTION.md), for the camera-angle ladder.
    static func linePhotos() throws -> [(name: String, image: RGBImage)] {
        let d = dir.deletingLastPathComponent().appendingPathComponent("lines")
        let names = try FileManager.default.contentsOfDirectory(atPath: d.path)
            .filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted()
        return try names.map { (String($0.split(separator: ".")[0]), try Photo(path: d.appendingPathComponent($0).path).proxy(longSide: 512)) }
    }

    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/photos")
    nonisolated(unsafe) static var cache: [(name: String, image: RGBImage)]?
    static func photos() throws -> [(name: String, image: RGBImage)] {
        if let c = cache { return c }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jpg") }.sorted()
        let out = try names.map { name -> (String, RGBImage) in
            (String(name.dropLast(4)), try Photo(path: dir.appendingPathComponent(name).path).proxy(longSide: 512))
        }
        cache = out
        return out
    }
}
