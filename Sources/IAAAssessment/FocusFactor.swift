import Foundation
import IAACore

/// Block sharpness shared by focus and composition: per block, the fine-scale gradient
/// 90th percentile (noise removed in quadrature) against the coarse-scale one, i.e. the inverse
/// of the local edge spread; only blocks holding a real edge are defined.
struct BlockSharpness {
    let cols: Int, rows: Int, size: Int
    /// Sharpness index per block (≈ 1 crisp, → 0 blurred); nil where the block has no edge.
    let index: [Float?]
    /// Mean saliency per block, 0…1.
    let saliency: [Float]

    init(_ ctx: AnalysisContext) {
        let d = ctx.coarseDetail, fineRows = ctx.fineRows(), w = ctx.width
        let bs = max(8, (max(ctx.width, ctx.height) / 24 + 3) / 4 * 4)
        let cols = ctx.width / bs, rows = ctx.height / bs
        size = bs; self.cols = cols; self.rows = rows
        let sigma = Float(ctx.noise.luma)
        var idx = [Float?](repeating: nil, count: cols * rows), s = [Float](repeating: 0, count: cols * rows)
        // The saliency of one row of blocks at a time, interpolated on demand.
        let salRows = ctx.saliencyRows()
        let band = UnsafeMutablePointer<Float>.allocate(capacity: bs * w), fine = UnsafeMutablePointer<Float>.allocate(capacity: bs * w)
        defer { band.deallocate(); fine.deallocate() }
        // 90th percentile per block from a 0.25-level histogram (no sorting). Counts are
        // integers, so even and odd columns can count into two histograms (no chain of
        // increments on one bin) and be added up exactly.
        let bins = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * 513)
        defer { bins.deallocate() }
        let binIndex = UnsafeMutablePointer<Int32>.allocate(capacity: bs + 8)
        defer { binIndex.deallocate() }
        d.p.withUnsafeBufferPointer { cb in
            let even = bins, odd = bins + 513
            for by in 0..<rows {
                for r in 0..<bs { salRows.row(by * bs + r, into: band + r * w); fineRows.row(by * bs + r, into: fine + r * w) }
                for bx in 0..<cols {
                    bins.initialize(repeating: 0, count: 2 * 513)
                    var ss8 = SIMD8<Float>(repeating: 0), ssTail: Float = 0
                    let x0 = bx * bs
                    for r in 0..<bs {
                        let frow = fine + r * w + x0, srow = band + r * w + x0
                        // min(512, Int(4·g)) for the row's pixels of this block, eight at a time.
                        var x = 0
                        while x + 8 <= bs {
                            var q = ColorSpace.floor8(load8(frow, x) * 4)
                            q = q.replacing(with: 512, where: q .> 512)
                            UnsafeMutableRawPointer(binIndex + x).storeBytes(of: ColorSpace.int8(q), as: SIMD8<Int32>.self)
                            ss8 += load8(srow, x)
                            x += 8
                        }
                        while x < bs { binIndex[x] = Int32(min(512, Int(frow[x] * 4))); ssTail += srow[x]; x += 1 }
                        x = 0
                        while x + 2 <= bs { even[Int(binIndex[x])] += 1; odd[Int(binIndex[x + 1])] += 1; x += 2 }
                        if x < bs { even[Int(binIndex[x])] += 1 }
                    }
                    s[by * cols + bx] = (ss8.sum() + ssTail) / Float(bs * bs)
                    let target = Int(Float(bs * bs) * 0.9)
                    var acc = 0, k = 0
                    while k < 512 && acc + Int(even[k] + odd[k]) <= target { acc += Int(even[k] + odd[k]); k += 1 }
                    let f = (Float(k) + 0.5) / 4
                    var cmax: Float = 0
                    for cy in (by * bs / 4)..<min(d.h, (by + 1) * bs / 4) {
                        for cx in (bx * bs / 4)..<min(d.w, (bx + 1) * bs / 4) { cmax = max(cmax, cb[cy * d.w + cx]) }
                    }
                    guard cmax >= 6 + 2 * sigma else { continue }
                    let fc = max(0, f * f - 4 * sigma * sigma).squareRoot()
                    idx[by * cols + bx] = min(1.5, fc / cmax)
                }
            }
        }
        index = idx; saliency = s
    }
}

/// Focus (F.740.4 Focus 1–3: 1 severely defocused, 2 slightly defocused, 3 normal).
///
/// Is the subject the sharpest part of the frame? The subject is the face boxes when a
/// detector supplied them, else the saliency map (built at 64 px, so it does not itself depend
/// on fine focus). Raw value: subject sharpness ÷ the sharpest tenth of the rest of the frame,
/// capped at 1 (1 = the subject is as sharp as anything in the picture). A soft background with a
/// sharp subject is shallow depth of field, not a fault; it is reported as `depthOfField`.
public struct FocusFactor: AssessmentFactor {
    public let id = "focus"
    public let direction = FactorDirection.higherIsBetter
    public let scale = RawScale(unit: "subject/peak sharpness", range: 0...1.2)
    public let attribute: AestheticAttribute? = .focus

    public init() {}

    public func assess(_ ctx: AnalysisContext) -> FactorResult {
        let b = BlockSharpness(ctx)
        var subjW = [Float](repeating: 0, count: b.index.count)
        if !ctx.faces.isEmpty {
            for f in ctx.faces {
                for by in 0..<b.rows { for bx in 0..<b.cols {
                    let x = Double(bx * b.size + b.size / 2), y = Double(by * b.size + b.size / 2)
                    if x >= f.x && x <= f.x + f.width && y >= f.y && y <= f.y + f.height { subjW[by * b.cols + bx] = Float(max(0.3, f.confidence)) }
                } }
            }
        } else {
            // The salient core only: the subject, not the whole centre-weighted frame.
            for i in subjW.indices { let v = max(0, b.saliency[i] - 0.5); subjW[i] = v * v }
        }
        // Reference: the sharp end (90th percentile) of everything that is not the subject.
        var defined: [Float] = [], others: [Float] = [], sSub: Float = 0, wSub: Float = 0, sBg: Float = 0, wBg: Float = 0
        for i in b.index.indices {
            guard let v = b.index[i] else { continue }
            defined.append(v)
            if subjW[i] < 1e-3 { others.append(v) }
            sSub += subjW[i] * v; wSub += subjW[i]
            let bw = (1 - b.saliency[i]) * (1 - b.saliency[i])
            sBg += bw * v; wBg += bw
        }
        guard defined.count >= 4, wSub > 1e-4 else {
            return result(score: 5, raw: 1, level: nil, english: "Too few edges to judge focus.", chinese: "边缘太少，无法判断对焦。")
        }
        let pool = (others.count >= 4 ? others : defined).sorted()
        let subjectValue = Double(sSub / wSub)
        let peak = max(subjectValue, Double(pool[min(pool.count - 1, Int(Double(pool.count) * 0.9))]))
        let subject = subjectValue, background = wBg > 1e-6 ? Double(sBg / wBg) : subject
        let ratio = subject / max(peak, 1e-3)
        let dof = subject / max(background, 1e-3)
        // Calibrated on 80 untouched photos (median ratio ≈ 0.5: smooth skin and subjects with
        // little texture sit well below a textured background) and on the subject-blur ladder.
        let level = levelFor(ratio, thresholds: [0.25, 0.38])
        let score = 10 * min(1, max(0, (ratio - 0.15) / 0.4))
        let subjectWord = ctx.faces.isEmpty ? "subject" : "face"
        let subjectZh = ctx.faces.isEmpty ? "主体" : "人脸"
        let en: String, zh: String
        if level == 3 {
            let bokeh = dof >= 1.4 ? ", against a softer background (shallow depth of field)" : ""
            en = "The \(subjectWord) is in focus: \(Fmt.pct(min(1, ratio))) as sharp as the sharpest part of the frame\(bokeh)."
            zh = "\(subjectZh)对焦准确：清晰度达画面最清晰部分的 \(Fmt.pct(min(1, ratio)))\(dof >= 1.4 ? "，背景虚化（浅景深）" : "")。"
        } else {
            en = "The \(subjectWord) is \(level == 1 ? "badly" : "slightly") out of focus: only \(Fmt.pct(ratio)) as sharp as the sharpest part of the frame."
            zh = "\(subjectZh)\(level == 1 ? "严重" : "轻微")失焦：清晰度仅为画面最清晰部分的 \(Fmt.pct(ratio))。"
        }
        return result(score: score, raw: ratio, level: level, english: en, chinese: zh,
                      measurements: [Measurement("subjectSharpness", subject, "index"), Measurement("peakSharpness", peak, "index"),
                                     Measurement("backgroundSharpness", background, "index"), Measurement("depthOfField", dof, "ratio")])
    }
}
