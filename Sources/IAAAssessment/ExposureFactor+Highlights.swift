import Foundation
import IAACore

/// Where a frame's highlights sit against where a well-exposed photo puts them: the statistic
/// behind `ExposureFactor`'s raw value (see there for why the highlights and not the key).
public struct HighlightPlacement: Sendable, Hashable {
    /// EV offset of the highlights from the typical placement: `levelEV` minus
    /// `ExposureFactor.typicalHighlightEV(quantile)`. Below 0 the frame leaves headroom unused
    /// (it could be that much brighter before it clips as much as a typical photo); above 0 more
    /// of it is clipped than in a typical photo. Changes 1:1 with an exposure change until clipping.
    public var offsetEV: Double
    /// log₂ of the brightest channel (linear light, 1 = white) at `quantile`, ≤ 0.
    public var levelEV: Double
    /// The quantile measured: `ExposureFactor.highlightQuantile` (0.99), lowered to just below
    /// the clipped pixels when more than 1 % of the frame is clipped (never below 0.3).
    public var quantile: Double
    /// Share of the measured pixels with a channel at or above `ExposureFactor.clipCode`.
    public var clippedShare: Double
    /// Share of the frame left out as a clipped backdrop (0 when there is none).
    public var backdropShare: Double
}

extension ExposureFactor {
    /// Code value (0…255) from which a channel counts as clipped; 250 ≈ 0.956 linear.
    public static let clipCode = 250
    /// The upper quantile of the brightest channel compared with the typical placement.
    public static let highlightQuantile = 0.99
    /// Lowest quantile the clip-aware measurement moves down to (caps the raw value near +3 EV).
    public static let lowestQuantile = 0.3
    /// Share of the frame at one top code (below `clipCode`) that makes it a plateau. 1 %.
    public static let plateauShare = 0.01

    /// log₂ of the brightest channel at quantile `q` in a typical well-exposed photo:
    /// −2.5·(−ln q)^0.84 (−0.05 EV at q = 0.99, −0.38 at 0.9, −1.84 at the median). A least-squares
    /// fit to the per-quantile medians of the 44 untouched development photos (384-px proxies;
    /// largest deviation 0.07 EV over q = 0.3…0.995). Photographers and cameras place the
    /// brightest percent of a frame just below the clip, whatever the scene: over those photos
    /// this quantile spreads 0.26 EV (sd), the log-average key 0.81 EV.
    public static func typicalHighlightEV(_ q: Double) -> Double { -2.5 * pow(-log(q), 0.84) }

    /// Measures the highlight placement of an sRGB image. The brightest channel (not luminance)
    /// is what clips, so headroom is measured on max(R, G, B). When more of the frame than
    /// 1 − `highlightQuantile` is clipped, the quantile moves down to just below the clipped
    /// pixels, where values are still exact (an exposure gain scales them unclipped), and is
    /// compared with the typical value at that lower quantile: a frame whose clipped share grows
    /// as fast as in a typical photo keeps reading the exposure change 1:1.
    ///
    /// A clipped, flat backdrop that surrounds the subject (see `clippedBackdrop`) is left out.
    public static func highlightPlacement(_ img: RGBImage) -> HighlightPlacement {
        let n = img.pixelCount
        var whole = [Int](repeating: 0, count: 256)
        img.pixels.withUnsafeBufferPointer { p in
            whole.withUnsafeMutableBufferPointer { h in
                for i in 0..<n { h[Int(max(p[3 * i], p[3 * i + 1], p[3 * i + 2]))] += 1 }
            }
        }
        let clip = clipLevel(whole, pixels: n)
        let backdrop = clippedBackdrop(img, clip: clip)
        var hist = whole
        var measured = n
        if let backdrop {
            hist = [Int](repeating: 0, count: 256)
            measured = 0
            img.pixels.withUnsafeBufferPointer { p in
                hist.withUnsafeMutableBufferPointer { h in
                    for i in 0..<n where !backdrop[i] { h[Int(max(p[3 * i], p[3 * i + 1], p[3 * i + 2]))] += 1; measured += 1 }
                }
            }
        }
        guard measured > 0 else { return HighlightPlacement(offsetEV: 0, levelEV: 0, quantile: highlightQuantile, clippedShare: 0, backdropShare: 0) }
        let clipped = hist[clip...].reduce(0, +)
        let clippedShare = Double(clipped) / Double(measured)
        let q = max(min(highlightQuantile, 1 - clippedShare), lowestQuantile)
        // Continuous quantile on the codes (code c spans [c − ½, c + ½)), then linear light by
        // interpolating the decoding table.
        let target = q * Double(measured)
        var below = 0, code = 255
        for c in 0..<256 {
            if Double(below + hist[c]) > target { code = c; break }
            below += hist[c]
        }
        let frac = hist[code] > 0 ? min(1, max(0, (target - Double(below)) / Double(hist[code]))) : 0
        let x = min(255, max(0, Double(code) - 0.5 + frac)), i = Int(x), f = x - Double(i)
        let lut = ColorSpace.linearLUT
        let value = i >= 255 ? 1 : Double(lut[i]) * (1 - f) + Double(lut[i + 1]) * f
        let levelEV = log2(max(value, 1.0 / 4096))
        return HighlightPlacement(offsetEV: levelEV - typicalHighlightEV(q), levelEV: levelEV, quantile: q,
                                  clippedShare: clippedShare, backdropShare: Double(n - measured) / Double(n))
    }

    /// The clipped backdrop of a high-key shot, or nil: the flat clipped regions connected to the
    /// frame's edge (a channel ≥ `clipCode`, Rec. 601 luma within 2 levels of each 4-neighbour)
    /// with their one-pixel clipped rim, provided one of them touches all four edges and at
    /// least 5 % of the frame is left to measure. A backdrop surrounds its subject; the blown sky
    /// or foreground that over-exposure makes usually leaves an edge free, and stays counted.
    /// The code from which a pixel counts as clipped: `clipCode`, or the frame's own top code
    /// when that code alone holds at least `plateauShare` of the frame and three times what the
    /// two codes below it hold — a plateau: blown areas of a frame darkened after clipping (an
    /// exposure correction of an over-exposed photo) keep one flat value, and the highlights of
    /// such a frame sit below it, as they do below white. Real bright surfaces are not that flat.
    public static func clipLevel(_ hist: [Int], pixels n: Int) -> Int {
        guard let top = hist.lastIndex(where: { $0 > 0 }), top < clipCode, top >= 2 else { return clipCode }
        let below = hist[top - 1] + hist[top - 2]
        return Double(hist[top]) >= plateauShare * Double(n) && hist[top] >= 3 * below ? top : clipCode
    }

    public static func clippedBackdrop(_ img: RGBImage, clip level: Int = clipCode) -> [Bool]? {
        let w = img.width, h = img.height, n = img.pixelCount
        guard w >= 3, h >= 3 else { return nil }
        let clip = UInt8(level)
        return img.pixels.withUnsafeBufferPointer { p -> [Bool]? in
            // Rec. 601 luma × 1000, in integers.
            @inline(__always) func luma(_ i: Int) -> Int {
                299 * Int(p[3 * i]) + 587 * Int(p[3 * i + 1]) + 114 * Int(p[3 * i + 2])
            }
            @inline(__always) func flatClipped(_ i: Int, _ x: Int, _ y: Int) -> Bool {
                guard max(p[3 * i], p[3 * i + 1], p[3 * i + 2]) >= clip else { return false }
                let l = luma(i)
                if x > 0 && abs(luma(i - 1) - l) > 2000 { return false }
                if x < w - 1 && abs(luma(i + 1) - l) > 2000 { return false }
                if y > 0 && abs(luma(i - w) - l) > 2000 { return false }
                if y < h - 1 && abs(luma(i + w) - l) > 2000 { return false }
                return true
            }
            // A region touching all four edges needs a flat clipped pixel on each of them: most
            // frames (nothing clipped on the edge, or a blown sky along the top) stop here.
            var sidesSeen: UInt8 = 0
            for x in 0..<w {
                if flatClipped(x, x, 0) { sidesSeen |= 1 }
                if flatClipped((h - 1) * w + x, x, h - 1) { sidesSeen |= 2 }
            }
            for y in 0..<h {
                if flatClipped(y * w, 0, y) { sidesSeen |= 4 }
                if flatClipped(y * w + w - 1, w - 1, y) { sidesSeen |= 8 }
            }
            guard sidesSeen == 15 else { return nil }
            // Regions of flat clipped pixels by row runs and union-find (4-connected): one
            // pass for the flatness mask, one over the runs.
            let l = UnsafeMutablePointer<Int32>.allocate(capacity: n)
            let clipped = UnsafeMutablePointer<Bool>.allocate(capacity: n)
            let mask = UnsafeMutablePointer<Bool>.allocate(capacity: n)
            defer { l.deallocate(); clipped.deallocate(); mask.deallocate() }
            for i in 0..<n { l[i] = Int32(luma(i)); clipped[i] = max(p[3 * i], p[3 * i + 1], p[3 * i + 2]) >= clip }
            for y in 0..<h {
                let row = y &* w
                for x in 0..<w {
                    let i = row &+ x
                    guard clipped[i] else { mask[i] = false; continue }
                    let c = l[i]
                    mask[i] = (x == 0 || abs(l[i &- 1] &- c) <= 2000) && (x == w - 1 || abs(l[i &+ 1] &- c) <= 2000)
                        && (y == 0 || abs(l[i &- w] &- c) <= 2000) && (y == h - 1 || abs(l[i &+ w] &- c) <= 2000)
                }
            }
            // Runs: at most one per two pixels of a row, plus one.
            let cap = n / 2 + h + 1
            let runs = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * cap)  // y, x0, x1, parent
            defer { runs.deallocate() }
            var count = 0
            @inline(__always) func find(_ a: Int) -> Int {
                var r = a
                while Int(runs[4 * r + 3]) != r { r = Int(runs[4 * r + 3]) }
                var c = a
                while Int(runs[4 * c + 3]) != r { let next = Int(runs[4 * c + 3]); runs[4 * c + 3] = Int32(r); c = next }
                return r
            }
            var prevStart = 0, prevEnd = 0
            for y in 0..<h {
                let row = y * w, start = count
                var x = 0
                while x < w {
                    guard mask[row + x] else { x += 1; continue }
                    let x0 = x
                    while x < w && mask[row + x] { x += 1 }
                    let k = count
                    runs[4 * k] = Int32(y); runs[4 * k + 1] = Int32(x0); runs[4 * k + 2] = Int32(x - 1); runs[4 * k + 3] = Int32(k)
                    count += 1
                    // Union with the runs above that overlap [x0, x − 1].
                    var j = prevStart
                    while j < prevEnd && Int(runs[4 * j + 2]) < x0 { j += 1 }
                    while j < prevEnd && Int(runs[4 * j + 1]) <= x - 1 {
                        let a = find(k), b = find(j)
                        if a != b { runs[4 * max(a, b) + 3] = Int32(min(a, b)) }
                        j += 1
                    }
                }
                prevStart = start; prevEnd = count
            }
            var sides = [UInt8](repeating: 0, count: count)
            for k in 0..<count {
                var s: UInt8 = 0
                if runs[4 * k] == 0 { s |= 1 }
                if Int(runs[4 * k]) == h - 1 { s |= 2 }
                if runs[4 * k + 1] == 0 { s |= 4 }
                if Int(runs[4 * k + 2]) == w - 1 { s |= 8 }
                sides[find(k)] |= s
            }
            guard sides.contains(15) else { return nil }
            var backdrop = [Bool](repeating: false, count: n)
            var members = 0
            backdrop.withUnsafeMutableBufferPointer { b in
                for k in 0..<count where sides[find(k)] != 0 {
                    let row = Int(runs[4 * k]) * w, x0 = Int(runs[4 * k + 1]), x1 = Int(runs[4 * k + 2])
                    for x in x0...x1 { b[row &+ x] = true }
                    members += x1 - x0 + 1
                }
                // The backdrop's clipped rim against the subject (not flat only because its
                // neighbour is the subject) belongs to it too: one pixel, not grown further.
                var rim: [Int] = []
                for y in 0..<h {
                    let row = y &* w
                    for x in 0..<w {
                        let i = row &+ x
                        guard clipped[i], !b[i] else { continue }
                        if (x > 0 && b[i &- 1]) || (x < w - 1 && b[i &+ 1]) || (y > 0 && b[i &- w]) || (y < h - 1 && b[i &+ w]) { rim.append(i) }
                    }
                }
                for i in rim { b[i] = true }
                members += rim.count
            }
            return Double(n - members) >= 0.05 * Double(n) ? backdrop : nil
        }
    }
}
