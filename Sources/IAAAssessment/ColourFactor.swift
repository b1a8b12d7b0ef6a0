import Foundation
import IAACore

/// Colour (F.740.4 Colour 1–3), higher is better.
///
/// Two cues: colourfulness (Hasler & Süsstrunk, SPIE 2003: M = σ_rgyb + 0.3·μ_rgyb on the
/// opponent planes rg = R−G, yb = ½(R+G)−B) and hue harmony against the harmonic templates of
/// Matsuda as used by Cohen-Or et al. (SIGGRAPH 2006): i, V, L, I, T, Y, X, each rotated to its
/// best angle; the harmony is the share of chroma-weighted hue mass inside the template, with
/// mass outside discounted by its angular distance. Raw value: harmony 0…1. Visual: a colour
/// wheel (12 sectors) with the hue histogram and the best template.
public struct ColourFactor: AssessmentFactor {
    public let id = "colour"
    public let direction = FactorDirection.higherIsBetter
    public let scale = RawScale(unit: "harmony", range: 0...1)
    public let attribute: AestheticAttribute? = .colour
    public var renderVisual: Bool

    public init(renderVisual: Bool = true) { self.renderVisual = renderVisual }

    /// A harmonic template: sectors as (centre offset°, width°), rotated by α.
    public struct Template: Sendable {
        public let name: String
        public let sectors: [(offset: Double, width: Double)]
    }

    public static let templates: [Template] = [
        Template(name: "i", sectors: [(0, 18)]),
        Template(name: "V", sectors: [(0, 93.6)]),
        Template(name: "L", sectors: [(0, 18), (90, 79.2)]),
        Template(name: "I", sectors: [(0, 18), (180, 18)]),
        Template(name: "T", sectors: [(0, 180)]),
        Template(name: "Y", sectors: [(0, 93.6), (180, 18)]),
        Template(name: "X", sectors: [(0, 93.6), (180, 93.6)]),
    ]

    static func distanceOutside(_ hue: Double, _ t: Template, _ alpha: Double) -> Double {
        var best = 180.0
        for s in t.sectors {
            var d = abs(hue - (alpha + s.offset)).truncatingRemainder(dividingBy: 360)
            if d > 180 { d = 360 - d }
            best = min(best, max(0, d - s.width / 2))
        }
        return best
    }

    public struct Harmony: Sendable {
        public let template: String
        public let alpha: Double
        public let harmony: Double
        public let histogram: [Double]  // 360 bins, chroma × saliency weighted
    }

    /// Hue histogram and best template.
    public static func harmony(_ ctx: AnalysisContext) -> Harmony {
        let tone = ctx.tone, sal = ctx.saliencyRows(), w = ctx.width
        var hist = [Double](repeating: 0, count: 360)
        tone.L.withUnsafeBufferPointer { Lb in tone.chroma.withUnsafeBufferPointer { Cb in tone.hueBin.withUnsafeBufferPointer { Hb in
        hist.withUnsafeMutableBufferPointer { hp in
            for y in 0..<ctx.height {
                let s = sal.row(y)
                for x in 0..<w {
                    let i = y * w + x
                    let c = Cb[i], L = Lb[i]
                    // Greys have no hue. Adding 0 leaves a bin's sum as it was: no branch needed.
                    let hue = c > 12 && L > 10 && L < 97
                    hp[Int(Hb[i])] += hue ? Double(c) * Double(0.3 + 0.7 * s[x]) : 0
                }
            }
        } } } }
        let total = hist.reduce(0, +)
        guard total > 0 else { return Harmony(template: "N", alpha: 0, harmony: 1, histogram: hist) }
        let used = (0..<360).filter { hist[$0] > 0 }
        let mass = used.map { hist[$0] }
        var bestCost = Double.infinity, bestT = templates[0], bestA = 0.0
        for t in templates {
            // Bin h at rotation a is (h − a) mod 360 degrees from the template's zero: one
            // table per template (twice round, so h − a + 360 indexes it without a remainder).
            let dist = (0..<360).map { distanceOutside(Double($0) + 0.5, t, 0) }
            let dist2 = dist + dist
            // Four rotations at a time: four independent sums, each over the bins in order.
            var costs = [Double](repeating: 0, count: 180)
            dist2.withUnsafeBufferPointer { d in used.withUnsafeBufferPointer { u in mass.withUnsafeBufferPointer { m in
                var k = 0
                while k < 180 {
                    let a0 = 2 * k, lanes = min(4, 180 - k)
                    var c0 = 0.0, c1 = 0.0, c2 = 0.0, c3 = 0.0
                    for j in 0..<u.count {
                        let base = u[j] - a0 + 360, v = m[j]
                        c0 += v * d[base]
                        if lanes > 1 { c1 += v * d[base - 2] }
                        if lanes > 2 { c2 += v * d[base - 4] }
                        if lanes > 3 { c3 += v * d[base - 6] }
                    }
                    costs[k] = c0
                    if lanes > 1 { costs[k + 1] = c1 }
                    if lanes > 2 { costs[k + 2] = c2 }
                    if lanes > 3 { costs[k + 3] = c3 }
                    k += 4
                }
            } } }
            for k in 0..<180 {
                // Narrow templates win ties: a wider one is preferred only when it really fits better.
                if costs[k] < bestCost - 1e-9 { bestCost = costs[k]; bestT = t; bestA = Double(2 * k) }
            }
        }
        // Mass outside the template, weighted by how far outside (saturating at 30°).
        var outside = 0.0
        for h in used { outside += hist[h] * min(1, distanceOutside(Double(h) + 0.5, bestT, bestA) / 30) }
        return Harmony(template: bestT.name, alpha: bestA, harmony: 1 - outside / total, histogram: hist)
    }

    /// Hasler–Süsstrunk colourfulness on the 8-bit sRGB values.
    public static func colourfulness(_ img: RGBImage) -> Double {
        // Sums of integers (rg = R − G and 2·yb = R + G − 2B are integers): exact, as the
        // Double sums were. Eight pixels at a time in Float lanes, emptied into Int sums every
        // 32 groups so that a lane stays an exact integer (32 · 510² < 2²⁴).
        var srg = 0, syb2 = 0, srg2 = 0, syb22 = 0
        let count = img.pixelCount, n = Double(count)
        img.pixels.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            let zero = SIMD8<Float>(repeating: 0)
            var i = 0
            while i < count {
                var a = zero, b = zero, a2 = zero, b2 = zero
                var groups = 0
                while groups < 32 && i < count {
                    let m = min(8, count - i)
                    let c = m == 8 && 3 * (i + 8) + 1 <= 3 * count ? rgb8(p + 3 * i) : rgb8Padded(p + 3 * i, m)
                    let rg = c.r - c.g, yb = c.r + c.g - 2 * c.b
                    a += rg; b += yb; a2 += rg * rg; b2 += yb * yb
                    i += 8; groups += 1
                }
                for k in 0..<8 { srg += Int(a[k]); syb2 += Int(b[k]); srg2 += Int(a2[k]); syb22 += Int(b2[k]) }
            }
        }
        let mrg = Double(srg) / n, myb = 0.5 * Double(syb2) / n
        let vrg = max(0, Double(srg2) / n - mrg * mrg), vyb = max(0, 0.25 * Double(syb22) / n - myb * myb)
        return (vrg + vyb).squareRoot() + 0.3 * (mrg * mrg + myb * myb).squareRoot()
    }

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let m = Self.colourfulness(ctx.image)
        let h = Self.harmony(ctx)
        // Colourfulness is pleasant from "moderately" (≈ 33) to "highly" (≈ 109) colourful;
        // a near-monochrome picture (M < 15) is judged on its tones, not faulted here.
        let pleasant = m < 15 ? 0.7 : (m < 33 ? 0.7 + 0.3 * (m - 15) / 18 : (m <= 109 ? 1 : max(0.4, 1 - (m - 109) / 80)))
        let score = 10 * (0.6 * h.harmony + 0.4 * pleasant)
        let level: Int
        if m >= 15 && h.harmony < 0.6 { level = 1 } else if h.harmony >= 0.85 && m >= 33 && m <= 120 { level = 3 } else { level = 2 }
        let word = m < 15 ? "nearly monochrome" : m < 33 ? "slightly colourful" : m < 59 ? "moderately colourful" : m < 82 ? "quite colourful" : m < 109 ? "highly colourful" : "extremely colourful"
        let wordZh = m < 15 ? "近乎单色" : m < 33 ? "色彩略丰富" : m < 59 ? "色彩适中" : m < 82 ? "色彩较丰富" : m < 109 ? "色彩很丰富" : "色彩极其丰富"
        let en = "\(word.prefix(1).uppercased() + word.dropFirst()) (M = \(Fmt.f(m, 0))); \(Fmt.pct(h.harmony)) of the colour fits the \(h.template)-type harmonic template at \(Fmt.f(h.alpha, 0))°."
        let zh = "\(wordZh)（M = \(Fmt.f(m, 0))）；\(Fmt.pct(h.harmony)) 的色彩符合 \(Fmt.f(h.alpha, 0))° 处的 \(h.template) 型和谐模板。"
        return result(score: score, raw: h.harmony, level: level, english: en, chinese: zh,
                      measurements: [Measurement("colourfulness", m, "M"), Measurement("templateAngle", h.alpha, "°"),
                                     Measurement("templateIndex", Double(Self.templates.firstIndex { $0.name == h.template } ?? -1), "index")],
                      visual: renderVisual ? FactorVisual(kind: "wheel", image: Self.wheel(h)) : nil)
    }

    /// The hue wheel: the histogram as coloured bars around a ring (hue angle as in CIELCh,
    /// 0° = magenta-red at the right, counter-clockwise), 12 sector spokes, and the best
    /// template's sectors as light wedges with white borders.
    public static func wheel(_ h: Harmony, size: Int = 360) -> RGBImage {
        var c = Canvas(width: size, height: size, fill: (32, 32, 36))
        let cx = Double(size) / 2, cy = Double(size) / 2
        let r0 = Double(size) * 0.16, r1 = Double(size) * 0.47
        // Smooth the histogram over ±4° for display, then scale by its square root so small hues stay visible.
        var disp = [Double](repeating: 0, count: 360)
        for i in 0..<360 { for d in -4...4 { disp[i] += h.histogram[(i + d + 360) % 360] } }
        let mx = max(1e-9, disp.max() ?? 1)
        // One display colour per degree (L* 68, C* 48).
        let hueColours: [(Float, Float, Float)] = (0..<360).map { d in
            let r = Float(d) * .pi / 180
            let c = ColorSpace.srgb8(L: 68, a: 48 * cosf(r), b: 48 * sinf(r))
            return (Float(c.0), Float(c.1), Float(c.2))
        }
        func inTemplate(_ deg: Double) -> Bool {
            guard let t = templates.first(where: { $0.name == h.template }) else { return false }
            return distanceOutside(deg, t, h.alpha) == 0
        }
        for y in 0..<size {
            for x in 0..<size {
                let dx = Double(x) + 0.5 - cx, dy = cy - (Double(y) + 0.5)
                let r = (dx * dx + dy * dy).squareRoot()
                guard r >= r0 * 0.6, r <= r1 + 4 else { continue }
                var deg = atan2(dy, dx) * 180 / .pi
                if deg < 0 { deg += 360 }
                let colour = hueColours[min(359, Int(deg))]
                if inTemplate(deg) && r >= r0 { c.blend(x, y, (235, 235, 235), 0.16) }
                // Thin hue reference ring just inside the bars.
                if r >= r0 - 8 && r < r0 - 2 { c.blend(x, y, colour, 1) }
                let len = (disp[Int(deg) % 360] / mx).squareRoot()
                if r >= r0 && r <= r0 + (r1 - r0) * len { c.blend(x, y, colour, 1) }
            }
        }
        for k in 0..<12 {
            let a = Double(k) * 30 * .pi / 180
            c.line(cx + (r0 - 10) * cos(a), cy - (r0 - 10) * sin(a), cx + r1 * cos(a), cy - r1 * sin(a), (90, 90, 96), thickness: 1)
        }
        if let t = templates.first(where: { $0.name == h.template }) {
            for s in t.sectors {
                for edge in [-s.width / 2, s.width / 2] {
                    let a = (h.alpha + s.offset + edge) * .pi / 180
                    c.line(cx + r0 * cos(a), cy - r0 * sin(a), cx + (r1 + 4) * cos(a), cy - (r1 + 4) * sin(a), (250, 250, 250), thickness: 2)
                }
                // Arc along the outer rim.
                var d = -s.width / 2
                while d < s.width / 2 {
                    let a0 = (h.alpha + s.offset + d) * .pi / 180, a1 = (h.alpha + s.offset + min(s.width / 2, d + 2)) * .pi / 180
                    c.line(cx + (r1 + 4) * cos(a0), cy - (r1 + 4) * sin(a0), cx + (r1 + 4) * cos(a1), cy - (r1 + 4) * sin(a1), (250, 250, 250), thickness: 2)
                    d += 2
                }
            }
        }
        return c.image
    }
}
