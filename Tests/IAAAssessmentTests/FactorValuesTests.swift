import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import XCTest

/// Every classical factor's raw value, score, level and measurements on the fixture photos (the
/// 512-px test proxies and the 768-px originals, which take the reduced-context path) and on
/// every step of every ladder, so that a change meant to leave the values alone (a speed-up)
/// can be checked against a recording made before it:
///
///     IAA_FACTOR_VALUES_OUT=/tmp/before.tsv swift test --skip-build --filter FactorValuesTests   # old build
///     IAA_FACTOR_VALUES_BASELINE=/tmp/before.tsv swift test --skip-build --filter FactorValuesTests   # new build
///
/// With IAA_FACTOR_VALUES_CURRENT=path as well, that file is compared with the baseline instead
/// of assessing anything (e.g. two `Tools/bench-factors.sh --values` recordings on 1024-px proxies).
///
/// Against a baseline it prints the largest difference per factor and measurement and fails on
/// any level change, |Δscore| > `scoreTolerance` or |Δraw| > `rawTolerance` × the factor's
/// typical range. Without either variable it is skipped: it assesses about a thousand images.
final class FactorValuesTests: XCTestCase {
    /// Score points (0…10 scale).
    static let scoreTolerance = 0.05
    /// Share of the width of the factor's `RawScale.range`.
    static let rawTolerance = 0.005

    typealias Row = (raw: Double, score: Double, level: String, measurements: [String: Double])

    func testValuesMatchTheBaseline() throws {
        let env = ProcessInfo.processInfo.environment
        let outPath = env["IAA_FACTOR_VALUES_OUT"], basePath = env["IAA_FACTOR_VALUES_BASELINE"]
        guard outPath != nil || basePath != nil else {
            throw XCTSkip("set IAA_FACTOR_VALUES_OUT to record or IAA_FACTOR_VALUES_BASELINE to compare")
        }
        if let basePath, let current = env["IAA_FACTOR_VALUES_CURRENT"] {
            return try compare(basePath, try String(contentsOfFile: current, encoding: .utf8))
        }
        let rows = try Self.values()
        var text = "context\tfactor\traw\tscore\tlevel\tmeasurements\n"
        for (key, r) in rows {
            let m = r.measurements.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
            text += "\(key.context)\t\(key.factor)\t\(r.raw)\t\(r.score)\t\(r.level)\t\(m)\n"
        }
        if let outPath { try text.write(toFile: outPath, atomically: true, encoding: .utf8) }
        guard let basePath else { return }
        try compare(basePath, text)
    }

    func compare(_ basePath: String, _ text: String) throws {
        let base = try Self.parse(String(contentsOfFile: basePath, encoding: .utf8))
        let now = try Self.parse(text)
        XCTAssertEqual(Set(base.keys), Set(now.keys), "the same contexts and factors")
        let ranges = Dictionary(uniqueKeysWithValues: Assessor.classicalFactors().map { ($0.id, $0.scale.range.upperBound - $0.scale.range.lowerBound) })
        var maxRaw: [String: (Double, String)] = [:], maxScore: [String: (Double, String)] = [:]
        var maxMeasure: [String: Double] = [:], levelChanges: [String: Int] = [:], counts: [String: Int] = [:]
        for (key, b) in base {
            guard let n = now[key] else { continue }
            let f = key.factor
            counts[f, default: 0] += 1
            let dr = abs(n.raw - b.raw), ds = abs(n.score - b.score)
            if dr >= (maxRaw[f]?.0 ?? 0) { maxRaw[f] = (dr, key.context) }
            if ds >= (maxScore[f]?.0 ?? 0) { maxScore[f] = (ds, key.context) }
            for (name, v) in b.measurements { maxMeasure["\(f).\(name)", default: 0] = max(maxMeasure["\(f).\(name)", default: 0], abs((n.measurements[name] ?? .nan) - v)) }
            if n.level != b.level { levelChanges[f, default: 0] += 1 }
            XCTAssertEqual(n.level, b.level, "\(f) level on \(key.context)")
            XCTAssertLessThanOrEqual(ds, Self.scoreTolerance, "\(f) score on \(key.context): \(b.score) → \(n.score)")
            XCTAssertLessThanOrEqual(dr, Self.rawTolerance * (ranges[f] ?? 1), "\(f) raw on \(key.context): \(b.raw) → \(n.raw)")
        }
        var log = "max |Δ| against \(basePath) (\(base.count) results)\n"
        for f in counts.keys.sorted() {
            log += "  \(f.padding(toLength: 15, withPad: " ", startingAt: 0)) n \(counts[f]!)  raw \(String(format: "%.2e", maxRaw[f]?.0 ?? 0)) (\(maxRaw[f]?.1 ?? ""))"
                + "  score \(String(format: "%.2e", maxScore[f]?.0 ?? 0)) (\(maxScore[f]?.1 ?? ""))  level changes \(levelChanges[f] ?? 0)\n"
        }
        for (k, v) in maxMeasure.sorted(by: { $0.key < $1.key }) { log += "    \(k) \(String(format: "%.2e", v))\n" }
        print(log)
    }

    struct Key: Hashable, Comparable {
        var context: String, factor: String
        static func < (a: Key, b: Key) -> Bool { (a.context, a.factor) < (b.context, b.factor) }
    }

    static func parse(_ text: String) throws -> [Key: Row] {
        var out: [Key: Row] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6 else { continue }
            var m: [String: Double] = [:]
            for kv in f[5].split(separator: ";") {
                let p = kv.split(separator: "=")
                if p.count == 2 { m[String(p[0])] = Double(p[1]) }
            }
            out[Key(context: f[0], factor: f[1])] = (Double(f[2]) ?? .nan, Double(f[3]) ?? .nan, f[4], m)
        }
        return out
    }

    /// All factors (visuals included on the untouched photos) on every context, in a fixed order.
    static func values() throws -> [(key: Key, row: Row)] {
        var out: [(Key, Row)] = []
        func add(_ context: String, _ ctx: AnalysisContext, visuals: Bool = false) {
            for r in Assessor(factors: Assessor.classicalFactors(visuals: visuals)).assess(ctx).results {
                var m = Dictionary(uniqueKeysWithValues: r.measurements.map { ($0.name, $0.value) })
                if let v = r.visual { m["visualMean"] = Double(v.image.pixels.reduce(0) { $0 + Int($1) }) / Double(v.image.pixels.count) }
                out.append((Key(context: context, factor: r.id), (r.raw, r.score, r.level.map { "\($0.value)" } ?? "-", m)))
            }
        }
        let photos = try Fixtures.photos()
        for (name, img) in photos { add("\(name)@512", AnalysisContext(image: img), visuals: true) }
        for (name, _) in photos {
            let img = try Photo(path: Fixtures.dir.appendingPathComponent(name + ".jpg").path).proxy(longSide: 1024)
            add("\(name)@\(max(img.width, img.height))", AnalysisContext(image: img), visuals: true)
        }
        // The ladders of LadderTests, every factor on every step.
        let ladders: [(String, [Double], (RGBImage, Double) throws -> RGBImage, (RGBImage) -> AnalysisContext)] = [
            ("exposure", [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2], { Degrade.exposure($0, ev: $1) }, { AnalysisContext(image: $0) }),
            ("whiteBalance", [-0.6, -0.45, -0.3, -0.2, -0.1, 0.1, 0.2, 0.3, 0.45, 0.6], { Degrade.whiteBalance($0, shift: $1) }, { AnalysisContext(image: $0) }),
            ("saturation", [0.3, 0.45, 0.6, 0.8, 1.2, 1.4, 1.6, 1.8], { Degrade.saturation($0, factor: $1) }, { AnalysisContext(image: $0) }),
            ("blur", [0.7, 1.2, 2, 3, 4], { try Degrade.blur($0, sigma: $1) }, { AnalysisContext(image: $0) }),
            ("noise", [2, 5, 10, 15, 25], { Degrade.noise($0, sigma: $1, seed: 42) }, { AnalysisContext(image: $0) }),
            ("jpeg", [95, 75, 50, 30, 20, 10], { try Degrade.jpeg($0, quality: Int($1)) }, { AnalysisContext(image: $0) }),
            ("backgroundBlur", [0, 1, 2, 3, 5], { try Degrade.ellipseBlur($0, sigma: $1) }, LadderTests.ellipseSubject),
            ("subjectBlur", [1, 2, 3, 5], { try Degrade.ellipseBlur($0, sigma: $1, inside: true) }, LadderTests.ellipseSubject),
        ]
        for (ladder, steps, degrade, context) in ladders {
            for (name, img) in photos { for s in steps { add("\(name)/\(ladder)=\(s)", context(try degrade(img, s))) } }
        }
        for (name, img) in try Fixtures.linePhotos() {
            for s in [0.0, 1, 2, 3, 5, 8] { add("lines:\(name)/rotation=\(s)", AnalysisContext(image: try Degrade.rotate(img, degrees: s))) }
        }
        return out
    }
}
