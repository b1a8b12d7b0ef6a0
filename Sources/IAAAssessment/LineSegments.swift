import Foundation
import IAACore

/// One straight edge found in the L* plane of a proxy.
struct LineSegment: Sendable, Hashable {
    /// Centre of the supporting pixels (gradient-magnitude weighted), proxy pixels, origin top-left.
    var x: Double, y: Double
    /// Direction of the line, degrees in 0..<180 with image y pointing down: 0 horizontal, 90
    /// vertical; a positive small angle is a line falling to the right (clockwise).
    var angle: Double
    /// Extent along the line, proxy pixels.
    var length: Double
    /// Mean gradient magnitude of the supporting pixels, L* units per pixel.
    var contrast: Double
    /// Number of supporting pixels.
    var pixels: Int

    /// Deviation from the nearest image axis, −45…45°, + clockwise (a horizon and a wall edge
    /// rotated by the same camera tilt have the same deviation).
    var deviation: Double {
        var d = (angle + 45).truncatingRemainder(dividingBy: 90) - 45
        if d < -45 { d += 90 }
        return d
    }
    /// Nearer to vertical than to horizontal.
    var isVertical: Bool { abs(angle - 90) < 45 }
}

/// Straight line segments of an image: a simplified LSD (R. Grompone von Gioi, J. Jakubowicz,
/// J.-M. Morel, G. Randall, "LSD: a Line Segment Detector", IPOL 2012). Pixels are seeded in order
/// of decreasing gradient magnitude and grown into regions of 8-connected pixels whose level-line
/// direction stays within 22.5° of the region's; a region becomes a segment when its principal
/// axis is long (≥ 4 % of the image diagonal) and its pixels lie tight around it (weighted RMS
/// distance ≤ 1 px). LSD's a-contrario validation is replaced by these tests and by a
/// continuation test on every pixel (`continuation`): the camera-angle estimate needs long,
/// straight edges, and texture (grass, feathers, fabric) seldom yields them.
enum LineSegmentDetector {
    /// Minimum gradient magnitude (L* per pixel, 2×2 differences): LSD's q / sin τ with q = 2 of
    /// 255 code values is about 5 codes, 2 L*.
    static let minGradient: Float = 2
    /// Angle tolerance of region growing (LSD's τ = 22.5°).
    static let tolerance = 22.5
    /// Minimum segment length as a share of the image diagonal.
    static let minLengthShare = 0.04
    /// Maximum weighted RMS distance of a segment's pixels from its axis, pixels.
    static let maxSpread = 1.0
    /// An edge pixel may seed or join a region only if, 2 px ahead and 2 px behind it along its
    /// level line, the pixel there or one of its two neighbours across the line is an edge
    /// aligned with it (within the tolerance): the line goes on.
    /// Texture (grass, feathers, fabric) fails this test almost everywhere, which removes most of
    /// the region-growing work on organic photos and keeps their short random segments out.
    static let continuation = 2

    /// Segments of the plane `p` (w×h, row-major); coordinates are those of the plane. Also
    /// returns how many pixels have a gradient above `minGradient` (edge pixels).
    static func detect(_ p: [Float], _ w: Int, _ h: Int) -> (segments: [LineSegment], edgePixels: Int) {
        let gw = w - 1, gh = h - 1
        let ring = continuation + 1  // ahead (2 px) and across (1 px) stay inside
        guard gw > 2 * ring + 4, gh > 2 * ring + 4, p.count >= w * h else { return ([], 0) }
        let n = gw * gh
        let cosTol = Float(cos(tolerance * .pi / 180))
        // Scratch planes (raw pointers: this runs on every candidate of the enhancer's search), in
        // one block, so that repeated calls reuse the same heap memory instead of faulting in
        // fresh pages for several large allocations.
        //   grad:   per pixel (gx, gy, |g|), interleaved: an alignment test reads all three at once
        //   cand:   edge pixels, then (compacted in place) candidates
        //   order:  candidates by decreasing magnitude;  region: one region's pixels
        //   free:   1 = may seed or join a region
        let block = UnsafeMutableRawPointer.allocate(byteCount: 12 * n + 3 * 4 * n + n, alignment: 16)
        defer { block.deallocate() }
        let grad = block.bindMemory(to: Float.self, capacity: 3 * n)
        let cand = (block + 12 * n).bindMemory(to: Int32.self, capacity: n)
        let order = (block + 16 * n).bindMemory(to: Int32.self, capacity: n)
        let region = (block + 20 * n).bindMemory(to: Int32.self, capacity: n)
        let free = (block + 24 * n).bindMemory(to: UInt8.self, capacity: n)
        free.initialize(repeating: 0, count: n)  // edges off the candidate list stay 0

        // Gradient on the 2×2 neighbourhood (LSD's operator), centred at (x + ½, y + ½); the level
        // line runs along (−gy, gx). Below the threshold magnitude and gradient are stored as 0, so
        // an alignment test against such a pixel fails without a branch. Edge pixels `ring` px
        // from the frame (the continuation and 8-neighbour tests below stay in bounds) are listed
        // in `edges`, branch-free.
        let t2 = minGradient * minGradient
        var edgePixels = 0, ne = 0
        p.withUnsafeBufferPointer { s in
            for y in 0..<gh {
                let r0 = s.baseAddress! + y * w, r1 = r0 + w, o = y * gw
                let go = grad + 3 * o
                var count = 0
                // Eight pixels at a time (the same arithmetic per lane as the scalar tail below;
                // x + 8 < w keeps the x + 1 loads in the row).
                var x = 0
                let zero = SIMD8<Float>(repeating: 0), limit = SIMD8<Float>(repeating: t2)
                while x &+ 8 < w {
                    let a = load8(r0, x), b = load8(r0, x &+ 1), c = load8(r1, x), d = load8(r1, x &+ 1)
                    let gx = 0.5 * ((b + d) - (a + c)), gy = 0.5 * ((c + d) - (a + b))
                    let g2 = gx * gx + gy * gy
                    let edge = g2 .> limit
                    let ex = zero.replacing(with: gx, where: edge), ey = zero.replacing(with: gy, where: edge)
                    let eg = zero.replacing(with: g2.squareRoot(), where: edge)
                    let e = go + 3 &* x
                    for k in 0..<8 { e[3 &* k] = ex[k]; e[3 &* k &+ 1] = ey[k]; e[3 &* k &+ 2] = eg[k] }
                    count &+= Int(truncatingIfNeeded: (SIMD8<Int32>(repeating: 0).replacing(with: 1, where: edge)).wrappedSum())
                    x &+= 8
                }
                while x < gw {
                    let a = r0[x], b = r0[x &+ 1], c = r1[x], d = r1[x &+ 1]
                    let gx = 0.5 * ((b + d) - (a + c)), gy = 0.5 * ((c + d) - (a + b))
                    let g2 = gx * gx + gy * gy
                    let edge = g2 > t2
                    let e = go + 3 &* x
                    e[0] = edge ? gx : 0; e[1] = edge ? gy : 0; e[2] = edge ? g2.squareRoot() : 0
                    count &+= edge ? 1 : 0
                    x &+= 1
                }
                edgePixels += count
                // The list of edges off the ring, in a second pass (the gradient loop stays free of
                // the list's loop-carried index).
                guard y >= ring && y < gh - ring else { continue }
                for x in ring..<(gw - ring) {
                    cand[ne] = Int32(truncatingIfNeeded: o &+ x)
                    ne &+= go[3 &* x &+ 2] > 0 ? 1 : 0
                }
            }
        }

        // Candidates: edge pixels whose line continues (tested branch-free: texture makes these
        // tests unpredictable), counted into magnitude buckets (LSD's pseudo-ordering: 0.1 L*/px
        // wide, strongest first). Compacted in place in `cand`.
        let bins = 1024
        var counts = [Int](repeating: 0, count: bins)
        var nc = 0
        let magic: Float = 12_582_912, magicBits = Int32(bitPattern: magic.bitPattern)
        @inline(__always) func round(_ v: Float) -> Int { Int(Int32(bitPattern: (v + magic).bitPattern) &- magicBits) }
        counts.withUnsafeMutableBufferPointer { cnt in
            for k in 0..<ne {
                let i = Int(cand[k])
                let g = grad[3 &* i &+ 2], gx = grad[3 &* i], gy = grad[3 &* i &+ 1]
                // round(2 · level-line direction) = round(2 · (−gy, gx)/g) and the rounded unit
                // normal: adding 1.5 · 2²³ leaves the rounded integer in the low mantissa bits (no
                // libm call, no checked conversion).
                let inv = 1 / g
                let o = round(2 * gx * inv) &* gw &+ round(-2 * gy * inv)
                let side = round(gy * inv) &* gw &+ round(gx * inv)
                let tol = cosTol * g
                // Ahead and behind, the line's pixel or one of its two neighbours across the line
                // (a thin tilted line steps sideways) must be an aligned edge.
                @inline(__always) func aligned(_ q: Int) -> UInt8 { gx * grad[3 &* q] + gy * grad[3 &* q &+ 1] > tol * grad[3 &* q &+ 2] ? 1 : 0 }
                let qa = i &+ o, qb = i &- o
                let ok = (aligned(qa) | aligned(qa &+ side) | aligned(qa &- side)) & (aligned(qb) | aligned(qb &+ side) | aligned(qb &- side))
                free[i] = ok
                let bin = bins &- 1 &- min(bins - 1, round(g * 10))
                cand[nc] = Int32(truncatingIfNeeded: i)
                nc &+= Int(ok); cnt[bin] &+= Int(ok)
            }
        }
        guard nc > 0 else { return ([], edgePixels) }
        var next = [Int](repeating: 0, count: bins)
        for b in 1..<bins { next[b] = next[b - 1] + counts[b - 1] }
        for c in 0..<nc {
            let i = Int(cand[c]), b = bins &- 1 &- min(bins - 1, round(grad[3 &* i &+ 2] * 10))
            order[next[b]] = cand[c]; next[b] += 1
        }

        let diag = Double(gw * gw + gh * gh).squareRoot()
        let minLength = minLengthShare * diag
        let minPixels = Int((0.7 * minLength).rounded(.up))
        var segments: [LineSegment] = []
        for k0 in 0..<nc {
            let s = Int(order[k0])
            if free[s] == 0 { continue }
            free[s] = 0
            region[0] = Int32(truncatingIfNeeded: s)
            var count = 1
            // The region's direction: the sum of its pixels' unit gradients (the level line is
            // the same rotated by 90°, so alignment tests are unchanged).
            var rx = grad[3 &* s] / grad[3 &* s &+ 2], ry = grad[3 &* s &+ 1] / grad[3 &* s &+ 2]
            var rn: Float = 1
            var k = 0
            while k < count {
                let q0 = Int(region[k]); k &+= 1
                @inline(__always) func visit(_ q: Int) {
                    guard free[q] != 0 else { return }
                    let gq = grad[3 &* q &+ 2], ax = grad[3 &* q], ay = grad[3 &* q &+ 1]
                    // Aligned: within the tolerance of the region's direction.
                    guard ax * rx + ay * ry > cosTol * rn * gq else { return }
                    free[q] = 0
                    region[count] = Int32(truncatingIfNeeded: q); count &+= 1
                    let inv = 1 / gq
                    rx += ax * inv; ry += ay * inv
                    rn = (rx * rx + ry * ry).squareRoot()
                }
                visit(q0 &- gw &- 1); visit(q0 &- gw); visit(q0 &- gw &+ 1); visit(q0 &- 1)
                visit(q0 &+ 1); visit(q0 &+ gw &- 1); visit(q0 &+ gw); visit(q0 &+ gw &+ 1)
            }
            guard count >= minPixels else { continue }
            // Principal axis of the region's pixels, weighted by gradient magnitude.
            var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
            for j in 0..<count {
                let i = Int(region[j]), y = i / gw, x = i &- y &* gw
                let wq = Double(grad[3 &* i &+ 2]), fx = Double(x), fy = Double(y)
                sw += wq; sx += wq * fx; sy += wq * fy
                sxx += wq * fx * fx; syy += wq * fy * fy; sxy += wq * fx * fy
            }
            let cx = sx / sw, cy = sy / sw
            let ixx = sxx / sw - cx * cx, iyy = syy / sw - cy * cy, ixy = sxy / sw - cx * cy
            // Spread across the axis: the smaller eigenvalue of the weighted covariance.
            let half = 0.5 * (ixx + iyy), root = (0.25 * (ixx - iyy) * (ixx - iyy) + ixy * ixy).squareRoot()
            guard half - root <= maxSpread * maxSpread else { continue }
            let phi = 0.5 * atan2(2 * ixy, ixx - iyy)
            let cph = cos(phi), sph = sin(phi)
            var lo = Double.infinity, hi = -Double.infinity
            for j in 0..<count {
                let i = Int(region[j]), y = i / gw, x = i - y * gw
                let along = (Double(x) - cx) * cph + (Double(y) - cy) * sph
                lo = min(lo, along); hi = max(hi, along)
            }
            let length = hi - lo + 1
            guard length >= minLength else { continue }
            var angle = phi * 180 / .pi
            if angle < 0 { angle += 180 }
            if angle >= 180 { angle -= 180 }
            segments.append(LineSegment(x: cx + 0.5, y: cy + 0.5, angle: angle, length: length,
                                        contrast: sw / Double(count), pixels: count))
        }
        return (segments, edgePixels)
    }
}

/// How level a photo is, judged from its long straight segments (horizon, water line, the
/// verticals of buildings, table and shelf edges).
///
/// Every segment within 20° of an axis votes for the tilt with its length × contrast; the
/// vote is a 0.1°-binned density (Gaussian kernel σ = 0.5°) of horizontal and vertical segments,
/// with a bonus where both families agree and a prior for small tilts (σ = 6°: a family of lines
/// at 13° is more often the scene than the camera). The peak is refined to the weighted mean of
/// the segments within ±1° of it.
struct LevelEstimate: Sendable {
    /// Tilt in degrees, + clockwise (the scene turned clockwise in the frame): the peak of the
    /// vote; 0 without segments.
    var tilt: Double
    /// The weighted circular mean of all segments' deviations (4-fold, so a horizon and a wall
    /// edge agree) times its resultant length (1 when all segments agree, near 0 when they point
    /// every way): follows a rotation of the frame, shrinks toward 0 when the lines disagree, and
    /// is no claim of where level is.
    var circularTilt: Double
    /// Share of the weight of all long segments within ±1° of `tilt` × (1 − e^(−support / 2.5)):
    /// high only when long straight lines, several diagonals' worth, agree on the level.
    var confidence: Double
    /// Summed length of the supporting segments, in image diagonals, horizontal and vertical.
    var horizontalSupport: Double, verticalSupport: Double
    /// Mean deviation of the near-vertical segments (within 10° of `tilt`) in the left third
    /// minus that in the right third, degrees; positive when verticals converge upwards.
    var convergingVerticals: Double
    /// Share of edge pixels (gradient above the detector's threshold) that lie on long straight
    /// segments: high for buildings and horizons, low for organic texture.
    var lineShare: Double
    /// Number of long straight segments.
    var segmentCount: Int

    /// Segments this close to a frame edge and exactly axis-aligned are the frame (a border, a
    /// scan edge), not the scene.
    static let frameBand = 0.03
    /// Strength saturation: supporting lines summing to this many image diagonals give 63 %.
    static let supportScale = 2.5

    init(_ segments: [LineSegment], width: Int, height: Int, edgePixels: Int) {
        let W = Double(width), H = Double(height), diag = (W * W + H * H).squareRoot()
        let win = 20.0, step = 0.1, kernel = 0.5, prior = 6.0, near = 1.0
        struct Vote { var dev: Double, w: Double, len: Double, vertical: Bool, x: Double }
        var votes: [Vote] = [], all = 0.0, cs = 0.0, sn = 0.0
        var onLines = 0
        for s in segments {
            onLines += s.pixels
            let dev = s.deviation, v = s.isVertical
            // The frame itself: hugging an edge (3 px), or exactly axis-aligned within 3 % of it.
            let pos = v ? s.x : s.y, side = v ? W : H
            let edge = min(pos, side - pos)
            if edge < 3 || (abs(dev) < 0.3 && edge < Self.frameBand * side) { continue }
            let w = s.length / diag * min(s.contrast, 20)
            all += w
            cs += w * cos(4 * dev * .pi / 180); sn += w * sin(4 * dev * .pi / 180)
            if abs(dev) <= win { votes.append(Vote(dev: dev, w: w, len: s.length / diag, vertical: v, x: s.x / W)) }
        }
        segmentCount = segments.count
        lineShare = edgePixels > 0 ? Double(onLines) / Double(edgePixels) : 0
        circularTilt = all > 0 ? atan2(sn, cs) * 180 / .pi / 4 * ((cs * cs + sn * sn).squareRoot() / all) : 0
        guard !votes.isEmpty, all > 0 else {
            tilt = 0; confidence = 0; horizontalSupport = 0; verticalSupport = 0; convergingVerticals = 0
            return
        }
        // Binned densities of the two families, smoothed.
        let bins = Int((2 * win / step).rounded()) + 1
        var hh = [Double](repeating: 0, count: bins), vh = hh
        for v in votes {
            let b = Int(((v.dev + win) / step).rounded())
            guard b >= 0 && b < bins else { continue }
            if v.vertical { vh[b] += v.w } else { hh[b] += v.w }
        }
        let r = Int(3 * kernel / step)
        let k = (-r...r).map { exp(-pow(Double($0) * step, 2) / (2 * kernel * kernel)) }
        func smooth(_ a: [Double]) -> [Double] {
            var o = [Double](repeating: 0, count: bins)
            for i in 0..<bins where a[i] != 0 {
                for j in max(0, i - r)...min(bins - 1, i + r) { o[j] += a[i] * k[j - i + r] }
            }
            return o
        }
        let dh = smooth(hh), dv = smooth(vh)
        var best = 0, bestS = -1.0
        for i in 0..<bins {
            let a = Double(i) * step - win
            // Agreement of the two families counts extra (½ of their geometric mean, twice).
            let s = (dh[i] + dv[i] + (dh[i] * dv[i]).squareRoot()) * exp(-a * a / (2 * prior * prior))
            if s > bestS { bestS = s; best = i }
        }
        var theta = Double(best) * step - win
        for _ in 0..<10 {
            var num = 0.0, den = 0.0
            for v in votes where abs(v.dev - theta) <= near { num += v.w * v.dev; den += v.w }
            guard den > 0 else { break }
            let next = num / den
            if abs(next - theta) < 1e-4 { theta = next; break }
            theta = next
        }
        var support = 0.0, sH = 0.0, sV = 0.0
        var lv = 0.0, lw = 0.0, rv = 0.0, rw = 0.0
        for v in votes {
            if abs(v.dev - theta) <= near { support += v.w; if v.vertical { sV += v.len } else { sH += v.len } }
            if v.vertical && abs(v.dev - theta) <= 10 {
                if v.x < 1.0 / 3 { lv += v.w * v.dev; lw += v.w } else if v.x > 2.0 / 3 { rv += v.w * v.dev; rw += v.w }
            }
        }
        tilt = theta
        horizontalSupport = sH; verticalSupport = sV
        confidence = support / all * (1 - exp(-(sH + sV) / Self.supportScale))
        convergingVerticals = lw > 0 && rw > 0 ? lv / lw - rv / rw : 0
    }
}

extension AnalysisContext {
    /// Long straight segments of L* and the level they indicate (camera angle), computed once.
    var levelEstimate: LevelEstimate {
        cached("levelEstimate") {
            let found = LineSegmentDetector.detect(tone.L, width, height)
            return LevelEstimate(found.segments, width: width, height: height, edgePixels: found.edgePixels)
        }
    }
}
