import Foundation

/// The illuminant of a photo in log-chroma (u = ln R/G, v = ln B/G of linear RGB, 0 = neutral),
/// with how much of it rests on neutral surfaces. What `WhiteBalanceFactor` reports.
struct IlluminantEstimate: Sendable {
    /// Best estimate of the illuminant (ln R/G, ln B/G): grey pixels weighted by `confidence`,
    /// grey-edge for the rest. Before the prior of finished photos is applied.
    var u: Double, v: Double
    /// Grey-edge estimate (van de Weijer et al. 2007, p = 6, 2× downsampled).
    var edgeU: Double, edgeV: Double
    /// Mode of the grey pixels (0, 0 when there are none).
    var greyU: Double, greyV: Double
    /// Share of the grey pixels' weight within `modeRadius` of their mode, 0…1.
    var modeShare: Double
    /// exp(−d²/2σ²) of the distance between the grey-pixel mode and grey-edge, 0…1.
    var agreement: Double
    /// How much of the estimate rests on grey pixels that agree with each other and with the
    /// edges, 0…1: min(1, modeShare / `fullModeShare`) × agreement.
    var confidence: Double
    /// Number of grey pixels found.
    var greyPixels: Int
    /// Share of the usable pixels (neither clipped nor dark) within `modeRadius` of (u, v).
    var neutralShare: Double
}

/// Grey pixels (Yang, Gao & Li, CVPR 2015; Qian et al., "On finding gray pixels", CVPR 2019)
/// fused with grey-edge.
///
/// A grey surface under shading keeps its chromaticity while its intensity changes, so at a grey
/// pixel the gradient of log-chroma is small against the gradient of log-intensity. The pixels
/// with the smallest ratio (`greyQuantile` of those with enough contrast) vote, by √Y, for
/// their log-chroma; the illuminant is the mode of those votes under a prior that finished
/// photos are near neutral (plus a bump at grey-edge, so strong casts are still followed).
/// Ratios are judged on a 3×3 box-filtered image, which keeps 8-bit quantisation from deciding
/// which pixels look grey (it otherwise favours pixels that happen to be exactly R = G = B).
/// Constants were set on a dev set of untouched photos and their benchmark-style casts
/// (docs/assessment-factors.md), not on the test fixtures.
enum IlluminantEstimator {
    /// Minimum log-intensity gradient (per pixel, half central difference) for a grey pixel.
    static let minContrast: Float = 0.03
    /// Share of the sampled, contrasted pixels taken as grey pixels (those with the smallest
    /// chroma/intensity gradient ratio).
    static let greyQuantile = 0.006
    /// Proxies with at least this many pixels are sampled on every other row and column.
    static let denseBelow = 60_000
    /// Prior width of finished photos' illuminants around neutral (log-chroma σ).
    static let neutralPrior = 0.25
    /// Width (σ) and weight of the prior's bump at the grey-edge estimate.
    static let edgePrior = 0.1, edgePriorWeight = 1.0
    /// Kernel σ of the vote density (log-chroma).
    static let voteKernel = 0.04
    /// Radius around the mode whose votes refine it and count as agreeing (log-chroma).
    static let modeRadius = 0.06
    /// Mode share at which the grey pixels are fully trusted.
    static let fullModeShare = 0.35
    /// σ of the grey-pixel / grey-edge agreement (log-chroma).
    static let agreementSigma = 0.3

    static func estimate(_ ctx: AnalysisContext) -> IlluminantEstimate {
        let w = ctx.width, h = ctx.height
        let lin = ctx.linear
        let (edgeU, edgeV) = greyEdge(lin, w, h)
        let grey = greyPixels(ctx, lin, edge: (edgeU, edgeV))
        var mu = (u: 0.0, v: 0.0), share = 0.0, agreement = 0.0, confidence = 0.0
        if let g = grey {
            mu = (g.u, g.v); share = g.share
            let du = g.u - edgeU, dv = g.v - edgeV
            agreement = exp(-(du * du + dv * dv) / (2 * agreementSigma * agreementSigma))
            confidence = min(1, share / fullModeShare) * agreement
        }
        let u = confidence * mu.u + (1 - confidence) * edgeU
        let v = confidence * mu.v + (1 - confidence) * edgeV
        return IlluminantEstimate(u: u, v: v, edgeU: edgeU, edgeV: edgeV, greyU: mu.u, greyV: mu.v,
                                  modeShare: share, agreement: agreement, confidence: confidence,
                                  greyPixels: grey?.count ?? 0, neutralShare: neutralShare(ctx, u: u, v: v))
    }

    /// Grey-edge on a 2× downsampled image (noise would otherwise dominate the gradients):
    /// the Minkowski p = 6 norm of each channel's central-difference gradient magnitude.
    /// Streams three downsampled rows at a time (no full-size buffers).
    static func greyEdge(_ lin: LinearRGBPlanes, _ w: Int, _ h: Int) -> (Double, Double) {
        let ow = w / 2, oh = h / 2
        guard ow > 2, oh > 2 else { return (0, 0) }
        var ring = [Float](repeating: 0, count: 3 * 3 * ow)  // channel × (row % 3) × x
        var acc = [Double](repeating: 0, count: 3)
        lin.r.withUnsafeBufferPointer { R in lin.g.withUnsafeBufferPointer { G in lin.b.withUnsafeBufferPointer { B in
        ring.withUnsafeMutableBufferPointer { q in
            let planes = [R, G, B]
            for y in 0..<oh {
                let a = 2 * y * w, b = a + w
                for c in 0..<3 {
                    let s = planes[c], o = (c * 3 + y % 3) * ow
                    for x in 0..<ow { q[o + x] = (s[a + 2 * x] + s[a + 2 * x + 1] + s[b + 2 * x] + s[b + 2 * x + 1]) * 0.25 }
                }
                guard y >= 2 else { continue }
                let yc = y - 1  // row whose gradient is now computable
                for c in 0..<3 {
                    let up = (c * 3 + (yc - 1) % 3) * ow, mid = (c * 3 + yc % 3) * ow, dn = (c * 3 + (yc + 1) % 3) * ow
                    var row: Float = 0
                    for x in 1..<(ow - 1) {
                        let gx = (q[mid + x + 1] - q[mid + x - 1]) * 0.5, gy = (q[dn + x] - q[up + x]) * 0.5
                        let m2 = gx * gx + gy * gy
                        row += m2 * m2 * m2
                    }
                    acc[c] += Double(row)
                }
            }
        } } } }
        let e = acc.map { pow($0 / Double(ow * oh), 1.0 / 6) + 1e-9 }
        return (log(e[0] / e[1]), log(e[2] / e[1]))
    }

    /// The grey pixels' mode, its share of their weight and their number; nil without enough
    /// contrasted, usable pixels.
    static func greyPixels(_ ctx: AnalysisContext, _ lin: LinearRGBPlanes, edge: (Double, Double)) -> (u: Double, v: Double, share: Double, count: Int)? {
        let w = ctx.width, h = ctx.height
        guard w >= 5, h >= 5 else { return nil }
        // Sample every other row and column on proxies of `denseBelow` pixels or more, every
        // pixel below: about the same number of samples (and the same cost) at any proxy size.
        let step = w * h >= denseBelow ? 2 : 1
        // One streaming pass over rows, on a 3×3 box-filtered image (rings of three rows): for
        // every interior pixel whose 3×3 neighbourhood is neither clipped (8-bit max ≥ 250) nor
        // dark (min ≤ 6), the squared gradient of log-intensity and, where that is above
        // `minContrast`², the squared chroma/intensity gradient ratio. Ratios below `ratioCap`
        // (grey pixels are far below it) are kept, with a histogram for the quantile.
        let ratioCap: Float = 0.2, bins = 512
        let c2 = minContrast * minContrast, cap2 = ratioCap * ratioCap, scale = Float(bins) / ratioCap
        var histo = [Int](repeating: 0, count: bins)
        var candIndex = [Int32](), candRatio = [Float]()
        var contrasted = 0
        var hs = [Float](repeating: 0, count: 4 * 3 * w), bx = hs  // channel (r, g, b, bad) × (row % 3) × x
        var flag = [Float](repeating: 0, count: w)
        // Clipped (8-bit ≥ 250) or dark (≤ 6), judged on the linear planes.
        let clipLinear = ColorSpace.linearLUT[250], darkLinear = ColorSpace.linearLUT[6]
        lin.r.withUnsafeBufferPointer { R in lin.g.withUnsafeBufferPointer { G in lin.b.withUnsafeBufferPointer { B in
        hs.withUnsafeMutableBufferPointer { H in bx.withUnsafeMutableBufferPointer { X in flag.withUnsafeMutableBufferPointer { F in
            let planes = [R, G, B]
            // Horizontal 3-sums of row y into ring slot y % 3; the flag channel is a 3-wide OR.
            func horizontal(_ y: Int) {
                let o = y &* w, slot = y % 3
                for c in 0..<3 {
                    let s = planes[c], d = (c &* 3 &+ slot) &* w
                    H[d] = s[o] + s[o] + s[o &+ 1]
                    for x in 1..<(w - 1) { H[d &+ x] = s[o &+ x &- 1] + s[o &+ x] + s[o &+ x &+ 1] }
                    H[d &+ w &- 1] = s[o &+ w &- 2] + s[o &+ w &- 1] + s[o &+ w &- 1]
                }
                let rs = R.baseAddress! + o, gs = G.baseAddress! + o, bs = B.baseAddress! + o
                for x in 0..<w {
                    let hi = max(rs[x], gs[x], bs[x]), lo = min(rs[x], gs[x], bs[x])
                    F[x] = (hi >= clipLinear) || (lo <= darkLinear) ? 1 : 0
                }
                let d = (9 &+ slot) &* w
                H[d] = max(F[0], F[1])
                for x in 1..<(w - 1) { H[d &+ x] = max(F[x &- 1], F[x], F[x &+ 1]) }
                H[d &+ w &- 1] = max(F[w &- 2], F[w &- 1])
            }
            horizontal(0)
            for y in 0..<h {
                if y + 1 < h { horizontal(y + 1) }
                let up = max(0, y - 1) % 3, mid = y % 3, dn = min(h - 1, y + 1) % 3
                for c in 0..<4 {
                    let a = (c &* 3 &+ up) &* w, b = (c &* 3 &+ mid) &* w, e = (c &* 3 &+ dn) &* w, d = (c &* 3 &+ mid) &* w
                    let k: Float = c == 3 ? 1 : 1.0 / 9
                    for x in 0..<w { X[d &+ x] = (H[a &+ x] + H[b &+ x] + H[e &+ x]) * k }
                }
                guard y >= 2, y % step == 0 else { continue }
                let yc = y - 1
                let u0 = ((yc - 1) % 3) &* w, m0 = (yc % 3) &* w, d0 = ((yc + 1) % 3) &* w, third = 3 &* w
                var x = 1
                while x < w - 1 {
                    defer { x &+= step }
                    if X[3 &* third &+ m0 &+ x] > 0 { continue }
                    let rm = m0 &+ x, gm = third &+ rm, bm = third &+ gm
                    let ir = 0.5 / X[rm], ig = 0.5 / X[gm], ib = 0.5 / X[bm]
                    // d ln C ≈ dC / C: exact enough for a ratio, and equal across channels
                    // wherever the chromaticity is locally constant, which is what is tested.
                    let rx = (X[rm &+ 1] - X[rm &- 1]) * ir, gx = (X[gm &+ 1] - X[gm &- 1]) * ig, bx = (X[bm &+ 1] - X[bm &- 1]) * ib
                    let ry = (X[d0 &+ x] - X[u0 &+ x]) * ir
                    let gy = (X[third &+ d0 &+ x] - X[third &+ u0 &+ x]) * ig
                    let by = (X[2 &* third &+ d0 &+ x] - X[2 &* third &+ u0 &+ x]) * ib
                    let ix = (rx + gx + bx) * (1.0 / 3), iy = (ry + gy + by) * (1.0 / 3)
                    let gi2 = ix * ix + iy * iy
                    if gi2 <= c2 { continue }
                    contrasted &+= 1
                    let ux = rx - gx, uy = ry - gy, vx = bx - gx, vy = by - gy
                    let r2 = (ux * ux + uy * uy + vx * vx + vy * vy) / gi2
                    if r2 >= cap2 { continue }
                    histo[min(bins - 1, Int(r2.squareRoot() * scale))] &+= 1
                    candIndex.append(Int32(yc &* w &+ x)); candRatio.append(r2)
                }
            }
        } } } } } }
        guard contrasted >= 8, !candIndex.isEmpty else { return nil }
        // Smallest ratios: whole bins until `greyQuantile` of the contrasted pixels are in.
        let want = max(5, Int(greyQuantile * Double(contrasted)))
        var last = 0, acc = histo[0]
        while last < bins - 1 && acc < want { last += 1; acc += histo[last] }
        let limit = Float(last + 1) / scale, limit2 = limit * limit
        // Votes: log-chroma of the box-filtered pixel, weight √Y.
        var us = [Double](), vs = [Double](), ws = [Double]()
        us.reserveCapacity(acc); vs.reserveCapacity(acc); ws.reserveCapacity(acc)
        lin.r.withUnsafeBufferPointer { R in lin.g.withUnsafeBufferPointer { G in lin.b.withUnsafeBufferPointer { B in
            for k in 0..<candIndex.count where candRatio[k] < limit2 {
                let i = Int(candIndex[k])
                var r: Float = 0, g: Float = 0, b: Float = 0
                for row in [i - w, i, i + w] { for j in (row - 1)...(row + 1) { r += R[j]; g += G[j]; b += B[j] } }
                us.append(Double(logf(r / g))); vs.append(Double(logf(b / g)))
                ws.append(Double(ColorSpace.luminance(r, g, b) / 9).squareRoot())
            }
        } } }
        guard us.count >= 5 else { return nil }
        let m = mode(us, vs, ws, prior: edge)
        return (m.u, m.v, m.share, us.count)
    }

    /// Mode of weighted votes: a 2-D histogram (bins of 0.02 on ±0.8), blurred by `voteKernel`,
    /// times the prior, argmax; then the weighted mean of the votes within `modeRadius`, three times.
    static func mode(_ us: [Double], _ vs: [Double], _ ws: [Double], prior edge: (Double, Double)) -> (u: Double, v: Double, share: Double) {
        let nb = 80, range = 0.8, bin = 2 * range / Double(nb)
        var hist = [Double](repeating: 0, count: nb * nb)
        var total = 0.0, lo = (nb, nb), hi = (-1, -1)
        for k in 0..<us.count {
            total += ws[k]
            let a = Int(((us[k] + range) / bin).rounded(.down)), b = Int(((vs[k] + range) / bin).rounded(.down))
            if a >= 0 && a < nb && b >= 0 && b < nb {
                hist[a * nb + b] += ws[k]
                lo = (min(lo.0, a), min(lo.1, b)); hi = (max(hi.0, a), max(hi.1, b))
            }
        }
        guard hi.0 >= 0 else { return (0, 0, 0) }
        // Separable Gaussian blur, zero outside; only the bins it can reach from a vote.
        let sigma = voteKernel / bin, radius = Int((4 * sigma).rounded())
        let a0 = max(0, lo.0 - radius), a1 = min(nb - 1, hi.0 + radius), b0 = max(0, lo.1 - radius), b1 = min(nb - 1, hi.1 + radius)
        let kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        var tmp = [Double](repeating: 0, count: nb * nb)
        kernel.withUnsafeBufferPointer { k in hist.withUnsafeBufferPointer { src in tmp.withUnsafeMutableBufferPointer { dst in
            for a in lo.0...hi.0 { for b in b0...b1 {
                var s = 0.0
                for t in max(-radius, -b)...min(radius, nb - 1 - b) { s += k[t + radius] * src[a * nb + b + t] }
                dst[a * nb + b] = s
            } }
        } } }
        let centre = (0..<nb).map { (Double($0) + 0.5) * bin - range }
        // Prior: neutral Gaussian plus a bump at grey-edge; separable per term.
        func g1(_ x: Double, _ m: Double, _ s: Double) -> Double { exp(-(x - m) * (x - m) / (2 * s * s)) }
        let pu0 = centre.map { g1($0, 0, neutralPrior) }, pu1 = centre.map { g1($0, edge.0, edgePrior) }
        let pv0 = centre.map { g1($0, 0, neutralPrior) }, pv1 = centre.map { g1($0, edge.1, edgePrior) }
        var best = -1.0, bu = 0.0, bv = 0.0
        kernel.withUnsafeBufferPointer { k in tmp.withUnsafeBufferPointer { src in
            for a in a0...a1 { for b in b0...b1 {
                var s = 0.0
                for t in max(-radius, -a)...min(radius, nb - 1 - a) { s += k[t + radius] * src[(a + t) * nb + b] }
                let p = s * (pu0[a] * pv0[b] + edgePriorWeight * pu1[a] * pv1[b])
                if p > best { best = p; bu = centre[a]; bv = centre[b] }
            } }
        } }
        let r2 = modeRadius * modeRadius
        func within(_ u: Double, _ v: Double) -> (su: Double, sv: Double, sw: Double) {
            var su = 0.0, sv = 0.0, sw = 0.0
            for k in 0..<us.count {
                let du = us[k] - u, dv = vs[k] - v
                if du * du + dv * dv < r2 { su += ws[k] * us[k]; sv += ws[k] * vs[k]; sw += ws[k] }
            }
            return (su, sv, sw)
        }
        for _ in 0..<3 {
            let s = within(bu, bv)
            guard s.sw > 0 else { break }
            bu = s.su / s.sw; bv = s.sv / s.sw
        }
        return (bu, bv, total > 0 ? within(bu, bv).sw / total : 0)
    }

    /// ln of linear light per 8-bit code (floored at 1e-4, the darkest codes are excluded anyway).
    static let logLinearLUT: [Float] = ColorSpace.linearLUT.map { logf(max($0, 1e-4)) }

    /// Share of the usable pixels (every fourth one) whose log-chroma is within `modeRadius` of (u, v).
    static func neutralShare(_ ctx: AnalysisContext, u: Double, v: Double) -> Double {
        var usable = 0, near = 0
        let fu = Float(u), fv = Float(v), r2 = Float(modeRadius * modeRadius)
        logLinearLUT.withUnsafeBufferPointer { L in ctx.image.pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < ctx.count {
                let r = p[3 * i], g = p[3 * i + 1], b = p[3 * i + 2]
                if max(r, g, b) < 250 && min(r, g, b) > 6 {
                    usable += 1
                    let du = L[Int(r)] - L[Int(g)] - fu, dv = L[Int(b)] - L[Int(g)] - fv
                    if du * du + dv * dv < r2 { near += 1 }
                }
                i += 4
            }
        } }
        return Double(near) / Double(max(1, usable))
    }
}
