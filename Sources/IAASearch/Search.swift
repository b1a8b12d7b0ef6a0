import Foundation
import IAAAssessment
import IAACore
import IAAEdits

/// How a search runs.
public struct SearchOptions: Sendable, Hashable {
    /// Candidates judged by the classical factors, the original included. Default 32.
    public var budget: Int = 32
    /// Seed of the refinement order; same input and seed give the same recipe. Default 0.
    public var seed: UInt64 = 0
    /// Margin (score points, 0…10 scale) by which an edit must beat the base (the original, or
    /// the preset's style alone) on the full judge. Default 0.15.
    public var margin: Double = 0.15
    /// Margin every edit of the winner must earn on its own: removing it must cost at least
    /// this much (classical judge), else it is dropped. Default 0.03.
    public var editMargin: Double = 0.03
    /// Best candidates judged again with NIMA and BRISQUE (besides the base). Default 3.
    public var finalists: Int = 3

    public init(budget: Int = 32, seed: UInt64 = 0, margin: Double = 0.15, editMargin: Double = 0.03, finalists: Int = 3) {
        self.budget = budget
        self.seed = seed
        self.margin = margin
        self.editMargin = editMargin
        self.finalists = finalists
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
    /// The untouched proxy, judged in full.
    public var original: Candidate
    /// What the user asked for before any correction, judged in full: the original, or the
    /// preset's style applied to it.
    public var base: Candidate
    /// The winner, judged in full (the base when nothing beat it by the margin).
    public var best: Candidate
    /// The best edited candidate on the full judge, even when it lost to the base.
    public var bestEdited: Candidate?
    /// Candidates judged by the classical factors (≤ the budget, the original included).
    public var evaluations: Int
    /// The analytic starting points.
    public var proposals: [Proposals.Proposal]
}

/// Searches edit parameters on one proxy with a judge, deterministically and within a fixed
/// budget of judged candidates:
///
/// 1. the original, judged in full (classical factors, NIMA, BRISQUE), and the analytic
///    proposals for its faults (see `Proposals`);
/// 2. the base — the preset's style, scaled down if it would push a factor into a fault — and
///    the proposals on top of it: all together, each alone, each left out, all at ¾;
/// 3. refinement by coordinate moves along the corrected parameters (and, when the preset
///    credits taste, along every parameter of the preset): each round moves a block of
///    parameters one step up and one step down (seeded order), moves to the best, tries all
///    improving moves at once, and halves the steps that did not help;
/// 4. pruning: an edit of the best candidate that does not earn `editMargin` on its own is
///    removed (so small changes never ride along with a real correction);
/// 5. the finalists (the best few, by the classical judge) are judged in full, and the best of
///    them wins if it beats the base by `margin`.
///
/// Every judged candidate is rendered through one `ChainRenderer`, whose prefix cache lets
/// candidates that share their first edits share those pixels. NIMA runs only on the original,
/// the base and the finalists: the classical factors carry the inner loop.
public final class EditSearch: @unchecked Sendable {
    public let judge: Judge
    public let renderer: ChainRenderer
    public let space: SearchSpace
    /// Faces on the proxy (shifted for geometric candidates).
    public let faces: [FaceBox]
    /// A 1:1 window of the full-resolution photo for what the proxy cannot show (noise).
    public let probe: DetailProbe?

    public init(judge: Judge, renderer: ChainRenderer, space: SearchSpace, faces: [FaceBox] = [],
                probe: DetailProbe? = nil) {
        self.judge = judge
        self.renderer = renderer
        self.space = space
        self.faces = faces
        self.probe = probe
    }

    /// Seconds spent per stage so far ("render", "change", "judge", "full"), for tuning.
    public private(set) var timing: [String: Double] = [:]
    private let timingLock = NSLock()

    private func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer {
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            timingLock.withLock { timing[stage, default: 0] += dt }
        }
        return try body()
    }

    /// Renders and judges `points` at `depth` against `original`; `base` is the style the
    /// edit-size and perceptual-change penalties count from, `exempt` the factors whose fault
    /// the style itself causes (no veto).
    public func evaluate(_ points: [SearchPoint], original: Observation?, base: SearchPoint = .identity,
                         exempt: Set<String> = [], depth: Judge.Depth = .classical) throws -> [Candidate] {
        let space = self.space
        let chains = try points.map { try space.chain($0) }
        let renderer = self.renderer
        let rendered = try timed("render") { try parallelMap(points.count) { i in try renderer.render(chains[i]) } }
        // Perceptual change against the base with the candidate's own geometry (that prefix is
        // in the renderer's cache): straightening is not charged for moving every pixel, nor a
        // style for being what the user asked for.
        let changes = try timed("change") { try parallelMap(points.count) { i -> (Double, Double) in
            var v = base.values
            for (k, x) in points[i].values where k.hasPrefix("straighten.") || k.hasPrefix("crop.") { v[k] = x }
            let reference = SearchPoint(values: v)
            if reference == points[i] { return (0, 0) }
            let ref = try renderer.render(try space.chain(reference))
            guard ref.width == rendered[i].width, ref.height == rendered[i].height else { return (0, 0) }
            // Every 11th pixel (about 7 500 on a 384-px proxy; 11 is coprime with the usual
            // widths, so the samples do not line up in columns): the penalty is a tie-breaker,
            // and CIEDE2000 costs a third of a microsecond a pixel.
            // Clipping is charged to point edits: a denoise that settles a noisy white back at
            // 255 clips nothing the photo had.
            return (ColorScience.meanDeltaE2000(ref, rendered[i], step: 11),
                    points[i].stages(differingFrom: reference).contains(.point) ? Self.clippedShare(rendered[i]) - Self.clippedShare(ref) : 0)
        } }
        let faceLists = rendered.indices.map { shiftedFaces(points[$0], rendered[$0]) }
        var observations = timed(depth == .full ? "full" : "judge") { judge.measure(rendered, faces: faceLists, depth: depth) }
        if let probe {
            let local = try timed("probe") { try parallelMap(points.count) { i in try probe.measure(chains[i]) } }
            for i in observations.indices { observations[i] = DetailProbe.merge(local[i], into: observations[i]) }
        }
        return points.indices.map { i in
            Candidate(point: points[i], chain: chains[i],
                      verdict: judge.verdict(observations[i], original: original, point: points[i], base: base,
                                            change: changes[i].0, clipping: changes[i].1, exempt: exempt),
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
        var baseline: Observation? = nil
        var pin: (SearchPoint) -> SearchPoint = { $0 }
        var base = SearchPoint.identity
        var exempt: Set<String> = []
        func show(_ tag: String, _ out: [Candidate]) {
            guard trace else { return }
            for c in out {
                let f = c.verdict.factors.map { "\($0.id.prefix(4))=\(String(format: "%.1f", $0.credited))" }.joined(separator: " ")
                FileHandle.standardError.write(Data("  \(tag) \(String(format: "%.3f", c.verdict.total)) pen \(String(format: "%.3f", c.verdict.penalty)) ΔE \(String(format: "%.1f", c.verdict.change)) \(c.point) | \(f) \(c.verdict.vetoes)\n".utf8))
            }
        }
        // What a crop or straightening must keep inside the frame: faces and the subject.
        let keep = space.bounds("crop.width") != nil || space.bounds("straighten.degrees") != nil
            ? CropCandidates.protected(AnalysisContext(image: renderer.proxy, faces: faces)) : nil
        let (pw, ph) = (renderer.proxy.width, renderer.proxy.height)
        func allowed(_ p: SearchPoint) -> Bool {
            guard let keep, let box = CropCandidates.keptBox(p, width: pw, height: ph) else { return true }
            return keep.allows(box)
        }
        /// Judges the points not seen yet (classical depth), within the budget; points whose
        /// geometry would cut a face or the subject are not judged at all.
        func judge(_ points: [SearchPoint]) throws -> [Candidate] {
            let points = points.map(pin)
            var fresh: [SearchPoint] = []
            for p in points where seen[p] == nil && !fresh.contains(p) && allowed(p) { fresh.append(p) }
            fresh = Array(fresh.prefix(budget))
            // Canonical order keeps shared prefixes adjacent (cache friendly) and the outcome
            // independent of the order the points were proposed in.
            fresh.sort { $0.description < $1.description }
            let out = try evaluate(fresh, original: baseline, base: base, exempt: exempt)
            show("c", out)
            budget -= out.count
            for c in out { seen[c.point] = c }
            return points.compactMap { seen[$0] }
        }
        func better(_ a: Candidate, _ b: Candidate) -> Bool {
            a.verdict.total != b.verdict.total ? a.verdict.total > b.verdict.total : a.point.description < b.point.description
        }

        // 1. The original: its classical verdict seeds the search (proposals, credit, vetoes),
        // while NIMA and BRISQUE judge it in the background, needed only by the finalists.
        let classical = try evaluate([.identity], original: nil)[0]
        let originalInFull = Preloaded { try self.evaluate([.identity], original: nil, depth: .full)[0] }
        seen[.identity] = classical
        baseline = classical.verdict.observation
        let weights = self.judge.preset.weights
        let proposals = Proposals.propose(classical.verdict.observation, space: space, weights: weights)
        if trace {
            for p in proposals { FileHandle.standardError.write(Data("  p \(p.factor): \(SearchPoint(values: p.values)) (\(p.reason))\n".utf8)) }
        }
        // Pinned values hold on every candidate that makes their kind of edit.
        let pins = proposals.flatMap { p in p.pinned.map { (p.kind, $0.key, $0.value) } }
        pin = { point in
            var v = point.values
            for (kind, key, value) in pins where point.values.contains(where: { $0.key.hasPrefix(kind.rawValue + ".") && $0.value != SearchSpace.defaults[$0.key] }) {
                v[key] = value
            }
            return SearchPoint(values: v)
        }

        // 2. The base: the style, scaled down while it pushes a factor to a severe fault (the
        // end of its F.740.4 scale). Milder faults it causes are what was asked for ("vivid"
        // colour) and are exempt from the veto from then on.
        if !space.style.values.isEmpty {
            for scale in [1.0, 0.5, 0.25] {
                let style = Self.scaled(space.style, by: scale, from: .identity)
                let c = try evaluate([style], original: baseline, base: style)[0]
                show("s", [c])
                budget -= 1
                let severe = c.verdict.vetoes.contains { id in
                    guard let l = c.verdict.observation.factor(id)?.level else { return false }
                    return l.value == l.attribute.levels.lowerBound || l.value == l.attribute.levels.upperBound
                }
                if !severe {
                    base = style
                    exempt = Set(c.verdict.vetoes)
                    break
                }
            }
        }
        budget -= 1  // the original
        let corrections = proposals.map { p in space.clamp(Self.merged(base, p.values)) }
        var starts: [SearchPoint] = [base]
        let all = space.clamp(Self.merged(base, Proposals.combined(proposals).values))
        starts.append(all)
        starts.append(space.clamp(Self.scaled(all, by: 0.75, from: base)))
        // The same with white kept at white, when exposure is corrected (see ExposureEdit).
        if all["exposure.ev"] != base["exposure.ev"], space.bounds("exposure.protect") != nil {
            starts.append(space.clamp(all.setting("exposure.protect", 1)))
        }
        if proposals.count > 1 {
            starts += corrections
            for p in proposals { starts.append(space.clamp(Self.merged(base, Proposals.combined(proposals.filter { $0 != p }).values))) }
        }
        var current = try judge(starts).reduce(nil as Candidate?) { best, c in best.map { better(c, $0) ? c : $0 } ?? c }!
        // Follow-up rounds: faults still measured on the best candidate (a saturation that
        // looked low only because the photo was dark is gone once it is brightened; a cast
        // half removed is removed further) get proposals composed with what it already does.
        for _ in 0..<2 where budget > 2 + options.finalists {
            let follow = Proposals.propose(current.verdict.observation, at: current.point, space: space, weights: weights)
                .filter { p in p.values.contains { current.point[$0.key] != $0.value } }
            guard !follow.isEmpty else { break }
            let next = space.clamp(Self.merged(current.point, Proposals.combined(follow).values))
            guard next != current.point, let c = try judge([next]).first, better(c, current) else { break }
            current = c
        }

        // 3. Refinement along the corrected parameters (every parameter if taste is credited).
        var dims = Set(proposals.filter(\.refine).flatMap { p in p.values.keys.filter { space.bounds($0) != nil } })
        dims.formUnion(proposals.flatMap(\.companions).filter { space.bounds($0) != nil })
        if self.judge.preset.taste > 0 { dims.formUnion(space.dimensions.map(\.parameter.id)) }
        var order = dims.sorted()
        var rng = SplitMix64(seed: options.seed)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var step: [String: Double] = [:], minStep: [String: Double] = [:]
        for d in order {
            let b = space.bounds(d)!
            let moved = abs(current.point[d] - base[d])
            step[d] = max(moved / 4, (b.max - b.min) / 16)
            // Refinement stops at 1/16 of a range (0.28 EV of exposure, 5 mired): the analytic
            // proposals set the fine value, and the finer steps tried before (1/32) mostly
            // chased the factors' estimation noise for gains of a few thousandths, at the cost
            // of a third more candidates.
            minStep[d] = (b.max - b.min) / 16
        }
        var cursor = 0
        let perRound = 4
        while budget > 2 + options.finalists, !order.isEmpty {
            let active = order.filter { step[$0]! >= minStep[$0]! }
            if active.isEmpty { break }
            var block: [String] = []
            while block.count < min(perRound, active.count) {
                let d = order[cursor % order.count]
                cursor += 1
                if step[d]! >= minStep[d]! { block.append(d) }
            }
            var moves: [(String, SearchPoint)] = []
            for d in block {
                for sign in [1.0, -1.0] {
                    let p = space.clamp(current.point.setting(d, current.point[d] + sign * step[d]!))
                    if p != current.point && seen[p] == nil { moves.append((d, p)) }
                }
            }
            if moves.isEmpty { for d in block { step[d]! /= 2 }; continue }
            let judged = try judge(moves.map(\.1))
            let byPoint = Dictionary(judged.map { ($0.point, $0) }, uniquingKeysWith: { a, _ in a })
            var improving: [String: Candidate] = [:]
            for (d, p) in moves {
                // An improvement below 0.005 points is noise in the factors, not progress.
                guard let c = byPoint[p], c.verdict.total > current.verdict.total + 0.005 else { continue }
                if let old = improving[d], better(old, c) { continue }
                improving[d] = c
            }
            for d in block where improving[d] == nil { step[d]! /= 2 }
            guard var next = improving.values.sorted(by: better).first else { continue }
            if improving.count >= 2 && budget > 0 {
                var v = current.point.values
                for (d, c) in improving { v[d] = c.point[d] }
                if let c = try judge([space.clamp(SearchPoint(values: v))]).first, better(c, next) { next = c }
            }
            current = next
        }

        // 3b. Auto-crop: boxes at the common aspect ratios around the subject, on top of the
        // best so far, when composition is at fault (or the preset pays for taste).
        if let keep, space.bounds("crop.width") != nil, budget > 2 + options.finalists,
           self.judge.preset.taste > 0 || (baseline?.factor("composition")?.level?.isFault ?? false) {
            let boxes = CropCandidates.boxes(width: pw, height: ph, keep: keep, count: min(6, budget - 2 - options.finalists))
            let crops = boxes.map { space.clamp(Self.merged(current.point, CropCandidates.values($0))) }
            for c in try judge(crops) where better(c, current) { current = c }
        }

        // 4. Pruning: every edit kind must earn its place.
        var pruning = true
        while pruning && budget > 0 && current.point != base {
            pruning = false
            let kinds = current.point.kinds.filter { k in current.point.values.keys.contains { $0.hasPrefix(k.rawValue + ".") && current.point[$0] != base[$0] } }
            let without = kinds.sorted().map { k in Self.restoring(current.point, kind: k, to: base) }
            for c in try judge(without).sorted(by: better) where c.verdict.total >= current.verdict.total - options.editMargin {
                current = c
                pruning = true
                break
            }
        }

        // 5. Finalists in full: the pruned best and the next best candidates that hold no edit
        // kind it dropped (so pruning stands), with the base always among them.
        // One finalist per set of kinds: the runners-up are the best candidate doing only part
        // of what the winner does (NIMA may prefer the exposure alone), not the winner again
        // with a parameter one step away.
        let kinds = current.point.kinds
        var finalists: [Candidate] = []
        var kindSets: Set<Set<EditKind>> = []
        for c in (current.point == base ? [] : [current]) + seen.values.filter({
            $0.point != base && $0.point != current.point && $0.verdict.total.isFinite && $0.point.kinds.isSubset(of: kinds)
        }).sorted(by: better) where kindSets.insert(c.point.kinds).inserted {
            finalists.append(c)
        }
        var chosen = finalists.prefix(max(0, options.finalists)).map(\.point)
        if base != .identity { chosen.insert(base, at: 0) }
        var full = try evaluate(chosen, original: baseline, base: base, exempt: exempt, depth: .full)
        let original = try originalInFull.get()
        show("o", [original])
        if base == .identity { full.append(original) }  // judged in full already
        show("f", full)
        let baseFull = full.first { $0.point == base } ?? original
        let bestEdited = full.filter { $0.point != base }.sorted(by: better).first
        var best = baseFull
        if let e = bestEdited, e.verdict.total >= baseFull.verdict.total + options.margin { best = e }
        return SearchResult(original: original, base: baseFull, best: best, bestEdited: bestEdited,
                            evaluations: options.budget - budget, proposals: proposals)
    }

    /// `point` with `values` set on top.
    static func merged(_ point: SearchPoint, _ values: [String: Double]) -> SearchPoint {
        var v = point.values
        for (k, x) in values { v[k] = x }
        return SearchPoint(values: v)
    }

    /// `point` moved towards `origin` to `factor` of its distance from it, parameter by parameter.
    static func scaled(_ point: SearchPoint, by factor: Double, from origin: SearchPoint) -> SearchPoint {
        var v: [String: Double] = [:]
        for k in Set(point.values.keys).union(origin.values.keys) { v[k] = origin[k] + factor * (point[k] - origin[k]) }
        return SearchPoint(values: v)
    }

    /// `point` with every parameter of `kind` back at its value in `base`.
    static func restoring(_ point: SearchPoint, kind: EditKind, to base: SearchPoint) -> SearchPoint {
        var v = point.values.filter { !$0.key.hasPrefix(kind.rawValue + ".") }
        for (k, x) in base.values where k.hasPrefix(kind.rawValue + ".") { v[k] = x }
        return SearchPoint(values: v)
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
