import Foundation
import IAAAssessment
import IAACore
import IAAEdits

/// How a search runs.
public struct SearchOptions: Sendable, Hashable {
    /// Candidates judged, the original included. Default 32.
    public var budget: Int = 32
    /// Seed of the dimension order; same input and seed give the same recipe. Default 0.
    public var seed: UInt64 = 0
    /// Margin (score points, 0…10 scale) by which an edit must beat the original. Default 0.15.
    public var margin: Double = 0.15
    /// Parameters moved per round of coordinate ascent (each ± one step). Default 6.
    public var dimensionsPerRound: Int = 6

    public init(budget: Int = 32, seed: UInt64 = 0, margin: Double = 0.15, dimensionsPerRound: Int = 6) {
        self.budget = budget
        self.seed = seed
        self.margin = margin
        self.dimensionsPerRound = dimensionsPerRound
    }
}

/// A judged point.
public struct Candidate: Sendable {
    public var point: SearchPoint
    public var chain: EditChain
    public var verdict: Verdict
    /// The rendered proxy.
    public var proxy: RGBImage
}

/// What a search found.
public struct SearchResult: Sendable {
    /// The untouched proxy, judged.
    public var original: Candidate
    /// The winner (the original when nothing beat it by the margin).
    public var best: Candidate
    /// The best edited candidate, even when it lost to the original by the margin.
    public var bestEdited: Candidate?
    /// Candidates judged (≤ the budget).
    public var evaluations: Int
    /// The analytic starting points.
    public var proposals: [Proposals.Proposal]
}

/// Searches edit parameters on one proxy with a judge, deterministically and within a fixed
/// budget of judged candidates:
///
/// 1. the original (identity) and the analytic proposals — all together and each alone;
/// 2. coordinate ascent from the best of those: each round moves a block of parameters (seeded
///    order, cycling) one step up and one step down, judges the block's candidates in one batch,
///    moves to the best, then tries all improving moves at once; steps of parameters that did
///    not improve are halved.
///
/// Renders go through one `ChainRenderer`, whose prefix cache makes candidates that differ only
/// in later edits (tone, colour, sharpen) reuse the earlier edits' pixels.
public final class EditSearch: @unchecked Sendable {
    public let judge: Judge
    public let renderer: ChainRenderer
    public let space: SearchSpace
    /// Faces on the proxy (shifted for geometric candidates).
    public let faces: [FaceBox]

    public init(judge: Judge, renderer: ChainRenderer, space: SearchSpace, faces: [FaceBox] = []) {
        self.judge = judge
        self.renderer = renderer
        self.space = space
        self.faces = faces
    }

    /// Seconds spent per stage so far ("render", "change", "factors", "nima"), for tuning.
    public private(set) var timing: [String: Double] = [:]

    private func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { timing[stage, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
        return try body()
    }

    /// Renders and judges `points` (in one NIMA batch) against `original`.
    public func evaluate(_ points: [SearchPoint], original: Observation?) throws -> [Candidate] {
        let chains = try points.map { try $0.chain() }
        let renderer = self.renderer
        let rendered = try timed("render") { try parallelMap(points.count) { i in try renderer.render(chains[i]) } }
        // Perceptual change against the same geometry without the tonal/colour edits (the
        // geometry-only prefix is in the renderer's cache), so straightening is not charged
        // for moving every pixel.
        let changes = try timed("change") { try parallelMap(points.count) { i -> (Double, Double) in
            let geometry = SearchPoint(values: points[i].values.filter { $0.key.hasPrefix("straighten.") || $0.key.hasPrefix("crop.") })
            if geometry == points[i] { return (0, 0) }
            let reference = try renderer.render(try geometry.chain())
            guard reference.width == rendered[i].width, reference.height == rendered[i].height else { return (0, 0) }
            return (ColorScience.meanDeltaE2000(reference, rendered[i], step: 4),
                    Self.clippedShare(rendered[i]) - Self.clippedShare(reference))
        } }
        let faceLists = rendered.indices.map { shiftedFaces(points[$0], rendered[$0]) }
        let observations = timed("judge") { judge.measure(rendered, faces: faceLists) }
        return points.indices.map { i in
            Candidate(point: points[i], chain: chains[i],
                      verdict: judge.verdict(observations[i], original: original, point: points[i],
                                            change: changes[i].0, clipping: changes[i].1),
                      proxy: rendered[i])
        }
    }

    /// Share of pixels clipped to white (brightest channel ≥ 254) or crushed to black (≤ 1):
    /// detail no later edit can bring back.
    static func clippedShare(_ image: RGBImage) -> Double {
        var n = 0
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<image.pixelCount {
                let m = max(p[3 * i], p[3 * i + 1], p[3 * i + 2])
                if m >= 254 || m <= 1 { n += 1 }
            }
        }
        return Double(n) / Double(max(1, image.pixelCount))
    }

    /// Face boxes moved as the geometry of `point` moves the frame (rotation ignored: at most a
    /// few degrees; the box centre matters, not its exact shape).
    func shiftedFaces(_ point: SearchPoint, _ image: RGBImage) -> [FaceBox] {
        guard !faces.isEmpty else { return [] }
        let w0 = Double(renderer.proxy.width), h0 = Double(renderer.proxy.height)
        var dx = 0.0, dy = 0.0
        if point.kinds.contains(.crop) {
            dx = point["crop.x"] * w0
            dy = point["crop.y"] * h0
            if point.kinds.contains(.straighten) == false { return faces.map { FaceBox(x: $0.x - dx, y: $0.y - dy, width: $0.width, height: $0.height, confidence: $0.confidence) } }
        }
        // Straightening keeps a centred inner box.
        dx = (w0 - Double(image.width)) / 2
        dy = (h0 - Double(image.height)) / 2
        return faces.map { FaceBox(x: $0.x - dx, y: $0.y - dy, width: $0.width, height: $0.height, confidence: $0.confidence) }
    }

    /// Runs the search.
    public func run(_ options: SearchOptions) throws -> SearchResult {
        var budget = max(1, options.budget)
        // IAA_TRACE=1 prints every judged candidate (tuning aid).
        let trace = ProcessInfo.processInfo.environment["IAA_TRACE"] != nil
        var seen: [SearchPoint: Candidate] = [:]
        func judge(_ points: [SearchPoint], original: Observation?) throws -> [Candidate] {
            var fresh: [SearchPoint] = []
            for p in points where seen[p] == nil && !fresh.contains(p) { fresh.append(p) }
            fresh = Array(fresh.prefix(budget))
            // Canonical order keeps shared prefixes adjacent (cache friendly) and the outcome
            // independent of the order the points were proposed in.
            fresh.sort { $0.description < $1.description }
            let out = try evaluate(fresh, original: original)
            if trace {
                for c in out {
                    let f = c.verdict.factors.map { "\($0.id.prefix(4))=\(String(format: "%.1f", $0.credited))" }.joined(separator: " ")
                    FileHandle.standardError.write(Data("  \(String(format: "%.3f", c.verdict.total)) pen \(String(format: "%.3f", c.verdict.penalty)) ΔE \(String(format: "%.1f", c.verdict.change)) \(c.point) | \(f) \(c.verdict.vetoes)\n".utf8))
                }
            }
            budget -= out.count
            for c in out { seen[c.point] = c }
            return out
        }
        func better(_ a: Candidate, _ b: Candidate) -> Bool {
            a.verdict.total != b.verdict.total ? a.verdict.total > b.verdict.total : a.point.description < b.point.description
        }

        let original = try judge([.identity], original: nil)[0]
        let base = original.verdict.observation
        let proposals = Proposals.propose(base, space: space)
        var starts = [Proposals.combined(proposals)]
        if proposals.count > 1 { starts += proposals.map { SearchPoint(values: $0.values) } }
        var current = original
        for c in try judge(starts, original: base) where better(c, current) { current = c }

        let dims = space.dimensions.map(\.parameter.id)
        var step = Dictionary(uniqueKeysWithValues: space.dimensions.map { ($0.parameter.id, ($0.bounds.max - $0.bounds.min) / 4) })
        let minStep = Dictionary(uniqueKeysWithValues: space.dimensions.map { ($0.parameter.id, ($0.bounds.max - $0.bounds.min) / 64) })
        var rng = SplitMix64(seed: options.seed)
        var order = dims
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var cursor = 0
        while budget > 0 {
            let active = order.filter { step[$0]! >= minStep[$0]! }
            if active.isEmpty { break }
            var block: [String] = []
            for _ in 0..<min(options.dimensionsPerRound, active.count) {
                while step[order[cursor % order.count]]! < minStep[order[cursor % order.count]]! { cursor += 1 }
                block.append(order[cursor % order.count])
                cursor += 1
            }
            var moves: [(String, SearchPoint)] = []
            for d in block {
                for sign in [1.0, -1.0] {
                    let p = space.clamp(current.point.setting(d, current.point[d] + sign * step[d]!))
                    if p != current.point && seen[p] == nil { moves.append((d, p)) }
                }
            }
            if moves.isEmpty { for d in block { step[d]! /= 2 }; continue }
            let judged = try judge(moves.map(\.1), original: base)
            let byPoint = Dictionary(judged.map { ($0.point, $0) }, uniquingKeysWith: { a, _ in a })
            var improving: [String: Candidate] = [:]
            for (d, p) in moves {
                guard let c = byPoint[p], better(c, current) else { continue }
                if let old = improving[d], better(old, c) { continue }
                improving[d] = c
            }
            for d in block where improving[d] == nil { step[d]! /= 2 }
            guard var next = improving.values.sorted(by: better).first else { continue }
            if improving.count >= 2 && budget > 0 {
                var v = current.point.values
                for (d, c) in improving { v[d] = c.point[d] }
                if let c = try judge([space.clamp(SearchPoint(values: v))], original: base).first, better(c, next) { next = c }
            }
            current = next
        }
        let bestEdited = seen.values.filter { !$0.point.values.isEmpty }.sorted(by: better).first
        var best = original
        if let e = bestEdited, e.verdict.total >= original.verdict.total + options.margin { best = e }
        return SearchResult(original: original, best: best, bestEdited: bestEdited,
                            evaluations: options.budget - budget, proposals: proposals)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so the search order is the
/// same on every platform for a given seed.
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
}
