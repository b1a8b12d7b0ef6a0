import Foundation
import IAACore

/// The nine composition classes of the CDST set (Composition Dataset with Scene Types).
public enum CompositionClass: String, Sendable, Codable, CaseIterable {
    case ruleOfThirds, centre, horizontal, symmetric, diagonal, curved, vertical, triangle, pattern

    public var english: String {
        switch self {
        case .ruleOfThirds: return "rule of thirds"
        case .centre: return "centre"
        case .horizontal: return "horizontal"
        case .symmetric: return "symmetric"
        case .diagonal: return "diagonal"
        case .curved: return "curved"
        case .vertical: return "vertical"
        case .triangle: return "triangle"
        case .pattern: return "pattern"
        }
    }

    public var chinese: String {
        switch self {
        case .ruleOfThirds: return "三分法"
        case .centre: return "中心构图"
        case .horizontal: return "水平构图"
        case .symmetric: return "对称构图"
        case .diagonal: return "对角线构图"
        case .curved: return "曲线构图"
        case .vertical: return "竖直构图"
        case .triangle: return "三角形构图"
        case .pattern: return "图案/重复构图"
        }
    }
}

/// Composition (F.740.4 Composition 1–3), higher is better.
///
/// From the saliency map without its centre prior (faces first when given; else spectral
/// residual, colour distinctness and local contrast): the subject box (the central 90 % of saliency mass along
/// each axis), its centroid and how close it sits to a thirds power point or to the centre,
/// subject size, clutter at the frame edges (saliency and strong edges in the outer 6 %),
/// subjects cut by the frame, left–right balance and horizon tilt. The class label among the
/// nine CDST classes is a best-effort heuristic (symmetry, line-direction energy, saliency
/// spread and placement); it is reported, not scored. Raw value: the 0…1 composition index.
/// Visual: the thirds grid, the saliency centroid and the subject box over the photo.
public struct CompositionFactor: AssessmentFactor {
    public let id = "composition"
    public let direction = FactorDirection.higherIsBetter
    public let scale = RawScale(unit: "index", range: 0...1)
    public let attribute: AestheticAttribute? = .composition
    public var renderVisual: Bool

    public init(renderVisual: Bool = true) { self.renderVisual = renderVisual }

    /// The measured layout, public for enhancers (crops) and visuals.
    public struct Layout: Sendable {
        public var centroid: (x: Double, y: Double)
        /// Subject box, normalised 0…1 (x, y, width, height).
        public var box: (x: Double, y: Double, w: Double, h: Double)
        public var thirdsDistance: Double, centreDistance: Double
        public var edgeClutter: Double, balance: Double, symmetry: Double, spread: Double
        public var cut: Bool
        public var label: CompositionClass
    }

    /// The layout of `ctx` (saliency, subject box, placement, class label).
    public static func layout(_ ctx: AnalysisContext) -> Layout { layout(ctx, lines: nil) }

    static func layout(_ ctx: AnalysisContext, lines: LineStatistics?) -> Layout {
        let s = ctx.placementSaliency
        let w = s.width, h = s.height
        // The salient core, max(0, s − ½)²: the subject, not the whole lively picture (the raw
        // map's centroid sits near the centre for almost any photo).
        var colMass = [Double](repeating: 0, count: w), rowMass = [Double](repeating: 0, count: h)
        var total = 0.0, cxs = 0.0, cys = 0.0
        for y in 0..<h { for x in 0..<w {
            let v = max(0, Double(s.map[y * w + x]) - 0.5)
            let v2 = v * v
            colMass[x] += v2; rowMass[y] += v2; total += v2
            cxs += v2 * (Double(x) + 0.5); cys += v2 * (Double(y) + 0.5)
        } }
        let c = total > 0 ? (x: cxs / total / Double(w), y: cys / total / Double(h)) : s.centroid
        func span(_ m: [Double]) -> (Double, Double) {
            var acc = 0.0, lo = 0.0, hi = Double(m.count)
            var loSet = false
            for (i, v) in m.enumerated() {
                let prev = acc
                acc += v
                if !loSet && acc >= 0.05 * total { lo = Double(i) + (0.05 * total - prev) / max(v, 1e-12); loSet = true }
                if acc >= 0.95 * total { hi = Double(i) + (0.95 * total - prev) / max(v, 1e-12); break }
            }
            return (lo / Double(m.count), hi / Double(m.count))
        }
        let (bx0, bx1) = span(colMass), (by0, by1) = span(rowMass)
        let third: Double = 1.0 / 3
        var dT = Double.infinity
        for px in [third, 2 * third] { for py in [third, 2 * third] { dT = min(dT, hypot(c.x - px, c.y - py)) } }
        let dC = hypot(c.x - 0.5, c.y - 0.5)
        // Edge clutter: saliency in the outer 6 % band against the mean.
        var edge = 0.0, edgeN = 0.0, mean = 0.0
        for y in 0..<h { for x in 0..<w {
            let v = Double(s.map[y * w + x])
            mean += v
            let fx = (Double(x) + 0.5) / Double(w), fy = (Double(y) + 0.5) / Double(h)
            if fx < 0.06 || fx > 0.94 || fy < 0.06 || fy > 0.94 { edge += v; edgeN += 1 }
        } }
        mean /= Double(w * h)
        let clutter = edgeN > 0 ? (edge / edgeN) / max(mean, 1e-6) : 0
        // Balance: left vs right saliency mass.
        let left = colMass[0..<(w / 2)].reduce(0, +), right = colMass[(w - w / 2)...].reduce(0, +)
        let balance = 1 - abs(left - right) / max(left + right, 1e-9)
        // Mirror symmetry of the L* thumbnail.
        let L = ctx.labThumbnail.L  // on the saliency map's grid, as the map itself
        var diff = 0.0, dev = 0.0
        let lm = L.reduce(0, +) / Float(L.count)
        for y in 0..<h { for x in 0..<(w / 2) {
            diff += Double(abs(L[y * w + x] - L[y * w + w - 1 - x])); dev += Double(abs(L[y * w + x] - lm)) + Double(abs(L[y * w + w - 1 - x] - lm))
        } }
        let symmetry = dev > 0 ? max(0, 1 - diff / (dev / 2) / 1.0) : 0
        // Spread: how evenly saliency covers the frame (1 = uniform; pattern-like).
        let sMean = s.map.reduce(0, +) / Float(s.map.count)
        let spread = Double(sMean)
        // Cut: the subject's mass runs into the left or right frame edge.
        let edgeMass: Double = 0.16 * total / Double(w)
        let cutLeft: Bool = bx0 < 0.01 && colMass[0] > edgeMass
        let cutRight: Bool = bx1 > 0.99 && colMass[w - 1] > edgeMass
        let cut = cutLeft || cutRight
        let ls = lines ?? ctx.lines
        let lt = max(ls.total, 1e-9)
        let label: CompositionClass
        let boxW = bx1 - bx0, boxH = by1 - by0
        if symmetry > 0.75 && abs(c.x - 0.5) < 0.08 { label = .symmetric }
        else if spread > 0.45 && ls.coherence < 0.5 { label = .pattern }
        else if ls.diagonal / lt > 0.4 { label = .diagonal }
        else if ls.horizontal / lt > 0.5 && boxW > 0.6 && boxH < 0.55 { label = .horizontal }
        else if ls.vertical / lt > 0.5 && boxH > 0.6 && boxW < 0.55 { label = .vertical }
        else if ls.coherence < 0.35 && (ls.horizontal + ls.vertical) / lt < 0.4 && spread < 0.45 && dC > 0.12 { label = .curved }
        else if Self.triangleLike(s) { label = .triangle }
        else if dC <= dT { label = .centre }
        else { label = .ruleOfThirds }
        return Layout(centroid: c, box: (bx0, by0, boxW, boxH), thirdsDistance: dT, centreDistance: dC,
                      edgeClutter: clutter, balance: balance, symmetry: symmetry, spread: spread, cut: cut, label: label)
    }

    /// Saliency whose row width grows steadily from top to bottom of the subject: a triangle.
    static func triangleLike(_ s: SaliencyMap) -> Bool {
        var widths: [Double] = []
        for y in 0..<s.height {
            var n = 0
            for x in 0..<s.width where s.map[y * s.width + x] > 0.5 { n += 1 }
            if n > 0 { widths.append(Double(n)) }
        }
        guard widths.count >= 8 else { return false }
        let top = widths.prefix(widths.count / 3).reduce(0, +) / Double(widths.count / 3)
        let bottom = widths.suffix(widths.count / 3).reduce(0, +) / Double(widths.count / 3)
        let ys = widths.indices.map(Double.init)
        return bottom > 2.5 * max(top, 1) && spearmanLike(ys, widths) > 0.8
    }

    static func spearmanLike(_ a: [Double], _ b: [Double]) -> Double {
        // Pearson on values is enough for a monotone-growth check.
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var n = 0.0, da = 0.0, db = 0.0
        for i in a.indices { n += (a[i] - ma) * (b[i] - mb); da += (a[i] - ma) * (a[i] - ma); db += (b[i] - mb) * (b[i] - mb) }
        return da > 0 && db > 0 ? n / (da * db).squareRoot() : 0
    }

    public func assess(_ full: AnalysisContext) -> FactorResult {
        let ctx = full.reduced  // whole-frame statistics: 512 px is enough (see `reducedLongSide`)
        let lines = ctx.lines
        let l = Self.layout(ctx, lines: lines)
        let t = lines.tilt()
        let tilt = t.confidence >= CameraAngleFactor.minConfidence ? abs(t.degrees) : 0
        // Placement: near a power point, or centred for centre/symmetric compositions.
        let placement = max(1 - l.thirdsDistance / 0.25, (l.label == .centre || l.label == .symmetric || l.label == .pattern) ? 1 - l.centreDistance / 0.2 : 0)
        let area = l.box.w * l.box.h
        let size = area < 0.04 ? area / 0.04 : (area > 0.85 ? max(0.3, 1 - (area - 0.85) / 0.3) : 1)
        let clutter = min(1, max(0, 1.6 - l.edgeClutter))  // edge band no busier than the average
        let tiltScore = exp(-(tilt * tilt) / (2 * 2.0 * 2.0))
        let index = 0.35 * max(0, min(1, placement)) + 0.2 * size + 0.2 * clutter * (l.cut ? 0.6 : 1) + 0.15 * tiltScore + 0.1 * l.balance
        let level = index >= 0.72 ? 3 : (index < 0.45 ? 1 : 2)
        let en = "\(l.label.english.prefix(1).uppercased() + l.label.english.dropFirst()) composition: subject centred at (\(Fmt.pct(l.centroid.x)), \(Fmt.pct(l.centroid.y))) covering \(Fmt.pct(area)) of the frame, \(l.edgeClutter > 1.2 ? "busy" : "clean") edges\(tilt > 1 ? ", horizon tilted \(Fmt.f(tilt))°" : "")\(l.cut ? ", subject cut by the frame" : "")."
        let zh = "\(l.label.chinese)：主体重心位于（\(Fmt.pct(l.centroid.x))，\(Fmt.pct(l.centroid.y))），约占画面 \(Fmt.pct(area))，边缘\(l.edgeClutter > 1.2 ? "杂乱" : "干净")\(tilt > 1 ? "，地平线倾斜 \(Fmt.f(tilt))°" : "")\(l.cut ? "，主体被画框截断" : "")。"
        return result(score: 10 * index, raw: index, level: level, english: en, chinese: zh,
                      measurements: [Measurement("centroidX", l.centroid.x, "share"), Measurement("centroidY", l.centroid.y, "share"),
                                     Measurement("subjectArea", area, "share"), Measurement("thirdsDistance", l.thirdsDistance, "share"),
                                     Measurement("centreDistance", l.centreDistance, "share"), Measurement("edgeClutter", l.edgeClutter, "ratio"),
                                     Measurement("balance", l.balance, "share"), Measurement("symmetry", l.symmetry, "share"),
                                     Measurement("classIndex", Double(CompositionClass.allCases.firstIndex(of: l.label)!), "index")],
                      visual: renderVisual ? FactorVisual(kind: "overlay", image: Self.overlay(full, l)) : nil)
    }

    /// The photo, slightly dimmed, with the saliency map as a warm glow, the thirds grid, the
    /// subject box (yellow) and the saliency centroid (a red ring with a white dot).
    public static func overlay(_ ctx: AnalysisContext, _ l: Layout) -> RGBImage {
        var c = Canvas(ctx.image, dim: 0.35)
        let W = Double(ctx.width), H = Double(ctx.height)
        let ps = ctx.placementSaliency
        let sal = Planes.resizeBilinear(ps.map, ps.width, ps.height, to: ctx.width, ctx.height)
        for y in 0..<ctx.height { for x in 0..<ctx.width {
            let v = sal[y * ctx.width + x]
            if v > 0.35 { c.blend(x, y, (255, 170, 40), (v - 0.35) * 0.45) }
        } }
        let t = max(1.5, W / 400)
        for k in 1...2 {
            c.line(W * Double(k) / 3, 0, W * Double(k) / 3, H, (255, 255, 255), thickness: t, alpha: 0.8)
            c.line(0, H * Double(k) / 3, W, H * Double(k) / 3, (255, 255, 255), thickness: t, alpha: 0.8)
        }
        c.rect(l.box.x * W, l.box.y * H, l.box.w * W, l.box.h * H, (255, 220, 0), thickness: t * 1.6)
        for f in ctx.faces { c.rect(f.x, f.y, f.width, f.height, (80, 220, 255), thickness: t * 1.3) }
        let r = max(6, W / 60)
        c.circle(l.centroid.x * W, l.centroid.y * H, r, (255, 40, 40), thickness: t * 1.6)
        c.circle(l.centroid.x * W, l.centroid.y * H, r * 0.3, (255, 255, 255), fill: true)
        return c.image
    }
}
