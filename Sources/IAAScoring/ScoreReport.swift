import Foundation
import IAAAssessment
import IAACore

/// Text, JSON and CSV renderings of `PhotoScore`, with stable keys other tools can rely on.
public enum ScoreReport {
    /// One JSON object (one line): file, width, height, theme, aesthetic {mean, sd,
    /// distribution}, quality, brisque, niqe, faces, overall, rating, factors {id: {score, level,
    /// label, explanation, raw, unit}}, levels {F.740.4 attribute: level}.
    public static func json(_ s: PhotoScore, chinese: Bool = false) -> String {
        var factors: [String: Any] = [:]
        for r in s.assessment.results {
            var f: [String: Any] = [
                "score": round2(r.score), "raw": round4(r.raw), "unit": r.scale.unit,
                "explanation": chinese ? r.explanation.chinese : r.explanation.english,
            ]
            if let l = r.level {
                f["level"] = l.value
                f["label"] = chinese ? l.attribute.label(l.value).chinese : l.label
            }
            factors[r.id] = f
        }
        let obj: [String: Any] = [
            "file": s.file, "width": s.width, "height": s.height,
            "theme": s.theme.theme.rawValue,
            "themeConfidence": round4(s.theme.confidence),
            "themeLabels": s.theme.topLabels.prefix(3).map { $0.label.name },
            "aesthetic": ["mean": round4(s.aesthetic.mean), "sd": round4(s.aesthetic.standardDeviation),
                          "distribution": s.aesthetic.probabilities.map(round4)],
            "quality": round2(s.quality.score), "brisque": s.quality.brisque.map(round2) as Any? ?? NSNull(), "niqe": round2(s.quality.niqe),
            "faces": s.faces.count, "overall": round2(s.overall), "rating": s.rating,
            "factors": factors, "levels": s.assessment.levels,
        ]
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A readable block: a header line, then one row per factor.
    public static func table(_ s: PhotoScore, chinese: Bool = false) -> String {
        let stars = String(repeating: "★", count: s.rating) + String(repeating: "☆", count: 5 - s.rating)
        var lines = [
            "\(s.file)  \(s.width)×\(s.height)  theme: \(s.theme.theme.rawValue) (\(s.theme.topLabels.prefix(2).map { $0.label.name }.joined(separator: ", ")))",
            String(format: "  %@  overall %.2f   aesthetic %.2f ± %.2f (NIMA/AVA)   quality %.1f/10 (BRISQUE %@, NIQE %.2f)   faces %d",
                   stars, s.overall, s.aesthetic.mean, s.aesthetic.standardDeviation, s.quality.score,
                   s.quality.brisqueText, s.quality.niqe, s.faces.count),
        ]
        for r in s.assessment.results {
            let level = r.level.map { "\($0.value) \(chinese ? $0.attribute.label($0.value).chinese : $0.label)" } ?? "—"
            let name = r.level?.attribute.rawValue ?? r.id
            lines.append("  " + pad(name, 15) + String(format: "%4.1f  ", r.score) + pad(level, 26)
                         + (chinese ? r.explanation.chinese : r.explanation.english))
        }
        return lines.joined(separator: "\n")
    }

    /// CSV with a header row: file, overall, rating, aesthetic, aesthetic_sd, quality, brisque,
    /// niqe, faces, then `<factor>_score` and `<factor>_level` for every factor.
    public static func csv(_ scores: [PhotoScore]) -> String {
        guard let first = scores.first else { return "file\n" }
        let ids = first.assessment.results.map(\.id)
        var rows = [(["file", "theme", "overall", "rating", "aesthetic", "aesthetic_sd", "quality", "brisque", "niqe", "faces"]
                     + ids.flatMap { ["\($0)_score", "\($0)_level"] }).joined(separator: ",")]
        for s in scores {
            var cells = [quote(s.file), s.theme.theme.rawValue, fmt(s.overall), "\(s.rating)", fmt(s.aesthetic.mean), fmt(s.aesthetic.standardDeviation),
                         fmt(s.quality.score), s.quality.brisque.map(fmt) ?? "", fmt(s.quality.niqe), "\(s.faces.count)"]
            for id in ids {
                let r = s.assessment.result(id)
                cells.append(r.map { fmt($0.score) } ?? "")
                cells.append(r?.level.map { "\($0.value)" } ?? "")
            }
            rows.append(cells.joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
    static func round4(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
    static func fmt(_ v: Double) -> String { String(format: "%.3f", v) }
    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
