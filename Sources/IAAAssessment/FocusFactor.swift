import Foundation
import IAACore

/// Block sharpness (focus's subject-vs-frame comparison): per block, the fine-scale gradient
/// 90th percentile (noise removed in quadrature) against the coarse-scale maximum, i.e. the
/// inverse of the local edge spread; only blocks holding a real edge are defined. The
/// percentiles come from `SubjectDetail`'s walk over the image.
struct BlockSharpness {
    let cols: Int, rows: Int, size: Int
    /// Sharpness index per block (≈ 1 crisp, → 0 blurred); nil where the block has no edge.
    let index: [Float?]
    /// Mean saliency per block, 0…1.
    let saliency: [Float]

    /// Block side (px) for an image of `w`×`h`: about 1/24 of the long side, a multiple of 4.
    static func blockSize(_ w: Int, _ h: Int) -> Int { max(8, (max(w, h) / 24 + 3) / 4 * 4) }

    /// From each block's 90th-percentile bin `p90` of a 0.25-level histogram of the fine gradient.
    init(cols: Int, rows: Int, size bs: Int, p90: [Int], saliency: [Float], coarse: (p: [Float], w: Int, h: Int), sigma: Float) {
        self.cols = cols; self.rows = rows; size = bs; self.saliency = saliency
        var idx = [Float?](repeating: nil, count: cols * rows)
        for by in 0..<rows {
            for bx in 0..<cols {
                let f = (Float(p90[by * cols + bx]) + 0.5) / 4
                var cmax: Float = 0
                for cy in (by * bs / 4)..<min(coarse.h, (by + 1) * bs / 4) {
                    for cx in (bx * bs / 4)..<min(coarse.w, (bx + 1) * bs / 4) { cmax = max(cmax, coarse.p[cy * coarse.w + cx]) }
                }
                guard cmax >= 6 + 2 * sigma else { continue }
                let fc = max(0, f * f - 4 * sigma * sigma).squareRoot()
                idx[by * cols + bx] = min(1.5, fc / cmax)
            }
        }
        index = idx
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
        let b = ctx.subjectDetail.blocks
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
