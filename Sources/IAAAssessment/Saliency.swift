import Foundation
import IAACore

/// A coarse saliency map, 0…1 with maximum 1, long side 64.
public struct SaliencyMap: Sendable {
    public let map: [Float]
    public let width: Int, height: Int
    /// Scale from proxy pixels to map cells.
    public let scale: Double

    /// Saliency-weighted centroid in normalised coordinates (0…1, 0…1).
    public var centroid: (x: Double, y: Double) {
        var sx = 0.0, sy = 0.0, s = 0.0
        for y in 0..<height { for x in 0..<width {
            let v = Double(map[y * width + x])
            sx += v * (Double(x) + 0.5); sy += v * (Double(y) + 0.5); s += v
        } }
        guard s > 0 else { return (0.5, 0.5) }
        return (sx / s / Double(width), sy / s / Double(height))
    }
}

/// Classical saliency: spectral residual (Hou & Zhang, CVPR 2007) on a 64×64 luminance
/// thumbnail, frequency-tuned colour distinctness (Achanta et al., CVPR 2009), local contrast,
/// a centre prior, and face boxes when a detector supplied them. No model weights are needed,
/// and because it works at 64 px it is insensitive to fine blur and noise — which is what lets
/// the focus factor ask "is the subject sharp" without the answer leaking into the question.
enum Saliency {
    /// The map's size for an image of `width`×`height` (long side 64, each side at least 8) and
    /// the scale from image pixels to map cells.
    static func grid(width w: Int, height h: Int) -> (width: Int, height: Int, scale: Double) {
        let scale = 64.0 / Double(max(w, h))
        return (max(8, Int((Double(w) * scale).rounded())), max(8, Int((Double(h) * scale).rounded())), scale)
    }

    static func compute(_ ctx: AnalysisContext, centrePrior: Bool = true) -> SaliencyMap {
        let (cw, ch, scale) = grid(width: ctx.width, height: ctx.height)
        var s: [Float]
        if let ext = ctx.externalSaliency {
            s = Planes.resizeArea(ext.pixels, ext.width, ext.height, to: cw, ch)
            normalise(&s)
        } else {
            // The cues do not depend on the centre prior: built once, shared by both maps.
            s = ctx.cached("saliencyCues") { cues(ctx, cw, ch) }
            // Centre prior: photographers put subjects nearer the middle than the edges. Left out
            // when judging placement itself (composition), where it would make every subject central.
            if centrePrior { for y in 0..<ch { for x in 0..<cw {
                let dx = (Double(x) + 0.5) / Double(cw) - 0.5, dy = (Double(y) + 0.5) / Double(ch) - 0.5
                let prior = exp(-(dx * dx + dy * dy) / (2 * 0.28 * 0.28))
                s[y * cw + x] *= Float(0.25 + 0.75 * prior)
            } } }
            normalise(&s)
        }
        return finish(ctx, s, cw, ch, scale)
    }

    /// Spectral residual, colour distinctness and local contrast, mixed (before any prior).
    static func cues(_ ctx: AnalysisContext, _ cw: Int, _ ch: Int) -> [Float] {
        do {
            let (L, A, B) = ctx.labThumbnail
            var sr = spectralResidual(L, cw, ch); normalise(&sr)
            // Frequency-tuned: distance of the slightly blurred Lab to the image's mean Lab.
            let Lb = Planes.gaussian(L, cw, ch, sigma: 1), Ab = Planes.gaussian(A, cw, ch, sigma: 1), Bb = Planes.gaussian(B, cw, ch, sigma: 1)
            let n = Float(cw * ch)
            let mL = L.reduce(0, +) / n, mA = A.reduce(0, +) / n, mB = B.reduce(0, +) / n
            var ft = (0..<(cw * ch)).map { i -> Float in
                let dl = Lb[i] - mL, da = Ab[i] - mA, db = Bb[i] - mB
                return (dl * dl + da * da + db * db).squareRoot()
            }
            normalise(&ft)
            // Local contrast: lightness against its 4-cell neighbourhood.
            let Lc = Planes.gaussian(L, cw, ch, sigma: 4)
            var lc = Planes.gaussian((0..<(cw * ch)).map { abs(L[$0] - Lc[$0]) }, cw, ch, sigma: 1.5)
            normalise(&lc)
            return (0..<(cw * ch)).map { 0.35 * sr[$0] + 0.35 * ft[$0] + 0.3 * lc[$0] }
        }
    }

    /// Faces on top of the cues, a final blur and normalisation.
    static func finish(_ ctx: AnalysisContext, _ s0: [Float], _ cw: Int, _ ch: Int, _ scale: Double) -> SaliencyMap {
        var s = s0
        // Faces: the strongest cue there is when present.
        for f in ctx.faces where f.confidence > 0.3 {
            let x0 = max(0, Int(f.x * scale)), x1 = min(cw - 1, Int((f.x + f.width) * scale))
            let y0 = max(0, Int(f.y * scale)), y1 = min(ch - 1, Int((f.y + f.height) * scale))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 { for x in x0...x1 { s[y * cw + x] = max(s[y * cw + x], Float(f.confidence)) } }
        }
        s = Planes.gaussian(s, cw, ch, sigma: 1)
        normalise(&s)
        return SaliencyMap(map: s, width: cw, height: ch, scale: scale)
    }

    static func normalise(_ v: inout [Float]) {
        let lo = v.min() ?? 0, hi = v.max() ?? 1
        let d = hi - lo
        guard d > 1e-9 else { for i in v.indices { v[i] = 1 }; return }
        for i in v.indices { v[i] = (v[i] - lo) / d }
    }

    /// Spectral residual saliency of a plane, computed on a 64×64 resampling and returned at
    /// the plane's own size.
    static func spectralResidual(_ p: [Float], _ w: Int, _ h: Int) -> [Float] {
        let n = 64
        let sq = Planes.resizeBilinear(p, w, h, to: n, n)
        var re = sq.map { $0 / 100 }, im = [Float](repeating: 0, count: n * n)
        FFT.transform2D(&re, &im, n: n, inverse: false)
        var logA = [Float](repeating: 0, count: n * n), phase = logA
        for i in 0..<(n * n) {
            logA[i] = logf((re[i] * re[i] + im[i] * im[i]).squareRoot() + 1e-6)
            phase[i] = atan2f(im[i], re[i])
        }
        // Residual = log amplitude minus its 3×3 local mean (wrapping: the spectrum is periodic).
        for y in 0..<n { for x in 0..<n {
            var acc: Float = 0
            for dy in -1...1 { for dx in -1...1 { acc += logA[((y + dy + n) % n) * n + (x + dx + n) % n] } }
            let r = logA[y * n + x] - acc / 9
            re[y * n + x] = expf(r) * cosf(phase[y * n + x])
            im[y * n + x] = expf(r) * sinf(phase[y * n + x])
        } }
        FFT.transform2D(&re, &im, n: n, inverse: true)
        var out = (0..<(n * n)).map { re[$0] * re[$0] + im[$0] * im[$0] }
        out = Planes.gaussian(out, n, n, sigma: 2.5)
        return Planes.resizeBilinear(out, n, n, to: w, h)
    }
}

/// Radix-2 complex FFT (in place), enough for the 64×64 spectral residual.
enum FFT {
    static func transform(_ re: inout [Float], _ im: inout [Float], offset: Int, stride: Int, n: Int, inverse: Bool) {
        let (cw, sw) = twiddles(n, inverse: inverse)
        transform(&re, &im, offset: offset, stride: stride, n: n, inverse: inverse, cos: cw, sin: sw)
    }

    /// cos and sin of (∓2π k / n), k < n/2: stage `len` uses every (n/len)-th entry.
    static func twiddles(_ n: Int, inverse: Bool) -> ([Float], [Float]) {
        let base = (inverse ? 2 : -2) * Double.pi / Double(n)
        return ((0..<(n / 2)).map { Float(cos(base * Double($0))) }, (0..<(n / 2)).map { Float(sin(base * Double($0))) })
    }

    static func transform(_ re: inout [Float], _ im: inout [Float], offset: Int, stride: Int, n: Int, inverse: Bool,
                          cos cw: [Float], sin sw: [Float]) {
        re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
        cw.withUnsafeBufferPointer { cb in sw.withUnsafeBufferPointer { sb in
            transform(rb.baseAddress! + offset, ib.baseAddress! + offset, stride: stride, n: n, inverse: inverse, cos: cb.baseAddress!, sin: sb.baseAddress!)
        } } } }
    }

    /// The transform on raw pointers (`stride` between elements); the arithmetic of the array form.
    static func transform(_ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, stride: Int, n: Int, inverse: Bool,
                          cos cw: UnsafePointer<Float>, sin sw: UnsafePointer<Float>) {
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j {
                let a = i * stride, b = j * stride
                let tr = re[a]; re[a] = re[b]; re[b] = tr
                let ti = im[a]; im[a] = im[b]; im[b] = ti
            }
        }
        var len = 2
        while len <= n {
            let step = n / len, halfLen = len / 2
            var start = 0
            while start < n {
                for k in 0..<halfLen {
                    let wr = cw[k * step], wi = sw[k * step]
                    let a = (start + k) * stride, b = (start + k + halfLen) * stride
                    let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += len
            }
            len <<= 1
        }
        if inverse {
            for i in 0..<n { re[i * stride] /= Float(n); im[i * stride] /= Float(n) }
        }
    }

    static func transform2D(_ re: inout [Float], _ im: inout [Float], n: Int, inverse: Bool) {
        let (cw, sw) = twiddles(n, inverse: inverse)
        re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
        cw.withUnsafeBufferPointer { cb in sw.withUnsafeBufferPointer { sb in
            let r = rb.baseAddress!, i = ib.baseAddress!, c = cb.baseAddress!, s = sb.baseAddress!
            for row in 0..<n { transform(r + row * n, i + row * n, stride: 1, n: n, inverse: inverse, cos: c, sin: s) }
            for col in 0..<n { transform(r + col, i + col, stride: n, n: n, inverse: inverse, cos: c, sin: s) }
        } } } }
    }
}
