import Foundation
import IAACore

/// Everything the detail factors measure at the proxy's full resolution, from one walk down its
/// rows: each row is split once into Rec. 601 luma (`RGBImage.luma601`'s values), Cb and Cr,
/// its fine gradient is computed once, and the rows are handed to each measurement in turn —
/// the noise blocks (noise, and sharpness's and focus's noise correction), the luma box-averaged
/// by 4 (the coarse gradient's input), the fine gradient under the saliency map (sharpness and
/// focus, `SubjectDetail`) and the artifact statistics. The last 16 luma rows, 3 of Cb and Cr
/// and one gradient row are kept; no full-size plane is stored, and the proxy is read once.
///
/// It needs the saliency map (built on the reduced context), so asking for the noise level
/// alone also builds that.
struct DetailPass {
    let noise: NoiseLevels
    /// The luma box-averaged by 4 (`Planes.downsample(luma, by: 4)`, the same sums).
    let quarter: (p: [Float], w: Int, h: Int)
    /// The gradient magnitude of `quarter` (`detail.coarse`).
    let coarse: (p: [Float], w: Int, h: Int)
    let subject: SubjectDetail
    let artifact: (blockiness: Double, banding: Double, ringing: Double)

    init(_ ctx: AnalysisContext) {
        let img = ctx.image, w = img.width, h = img.height
        let sal = ctx.saliencyRows()
        var noise = NoiseBlocks(width: w, height: h)
        var subject = SubjectDetail.Accumulator(width: w, height: h)
        var artifact = ArtifactFactor.Accumulator(width: w, height: h)
        // The by-4 box average: rows 4·oy … 4·oy + 3 add into output row oy, column by column.
        let qw = max(1, w / 4), qh = max(1, h / 4), boxable = w >= 4 && h >= 4
        var quarter = [Float](repeating: 0, count: qw * qh)
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: 16 * w + 6 * w + 2 * w + 16)
        defer { rows.deallocate() }
        let chroma = rows + 16 * w, grad = chroma + 6 * w, salRow = grad + w
        @inline(__always) func luma(_ y: Int) -> UnsafeMutablePointer<Float> { rows + (y % 16) * w }
        @inline(__always) func cb(_ y: Int) -> UnsafeMutablePointer<Float> { chroma + 2 * w * (y % 3) }
        @inline(__always) func cr(_ y: Int) -> UnsafeMutablePointer<Float> { chroma + 2 * w * (y % 3) + w }
        let lumaRow: (Int) -> UnsafePointer<Float> = { UnsafePointer(luma($0)) }
        // Gradient row g from luma rows g − 1 … g + 1 (0 on the border, as `gradientMagnitude`),
        // then everything that reads gradient rows.
        func gradientRow(_ g: Int) {
            let out = artifact.gradientBuffer(g) ?? grad  // straight into the ringing ring
            if w > 2 && h > 2 && g > 0 && g < h - 1 {
                Planes.gradientRow(up: luma(g - 1), mid: luma(g), down: luma(g + 1), w, out)
                out[0] = 0; out[w - 1] = 0
            } else {
                out.initialize(repeating: 0, count: w)
            }
            sal.row(g, into: salRow)
            subject.addRow(g, gradient: out, saliency: salRow)
            artifact.addGradientRow(g, out, lumaRow)
        }
        img.pixels.withUnsafeBufferPointer { pb in quarter.withUnsafeMutableBufferPointer { qb in
            let p = pb.baseAddress!
            for y in 0..<h {
                // Split row y: luma (the same expression as luma601), Cb and Cr.
                let L = luma(y)
                Self.splitRow(p, w, h, y, luma: L, cb: cb(y), cr: cr(y))
                if boxable && y < 4 * qh { Self.addToQuarter(L, qb.baseAddress! + (y / 4) * qw, qw, closes: y % 4 == 3) }
                artifact.addLumaRow(y, lumaRow)
                // Row y − 1 has both neighbours now.
                if y >= 2 {
                    @inline(__always) func three(_ f: (Int) -> UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
                        (UnsafePointer(f(y - 2)), UnsafePointer(f(y - 1)), UnsafePointer(f(y)))
                    }
                    noise.addRow(y - 1, luma: three(luma), cb: three(cb), cr: three(cr))
                }
                if y >= 1 { gradientRow(y - 1) }
            }
            gradientRow(h - 1)
        } }
        // Images narrower or lower than 4 px: as `Planes.downsample` does them.
        let box = boxable ? (quarter, qw, qh) : Planes.downsample(img.luma601().pixels, w, h, by: 4)
        self.noise = noise.levels()
        self.quarter = box
        coarse = (Planes.gradientMagnitude(box.0, box.1, box.2), box.1, box.2)
        self.subject = subject.finish(coarse: coarse, sigma: Float(self.noise.luma))
        self.artifact = artifact.values
    }

    /// Row `y` of the w×h interleaved RGB image at `p` as Rec. 601 luma, Cb and Cr (w floats
    /// each), eight pixels at a time.
    @inline(__always)
    static func splitRow(_ p: UnsafePointer<UInt8>, _ w: Int, _ h: Int, _ y: Int, luma L: UnsafeMutablePointer<Float>,
                         cb B: UnsafeMutablePointer<Float>, cr R: UnsafeMutablePointer<Float>) {
        let src = p + 3 * w * y
        var x = 0
        while x < w {
            // A group of eight reads 3·8 + 1 bytes: not past the image's last one.
            let c = 3 * (w * y + x + 8) + 1 > 3 * w * h ? rgb8Padded(src + 3 * x, w - x) : rgb8(src + 3 * x)
            let lv = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b
            let bv = -0.1687 * c.r - 0.3313 * c.g + 0.5 * c.b
            let rv = 0.5 * c.r - 0.4187 * c.g - 0.0813 * c.b
            if x + 8 <= w {
                store8(lv, L, x); store8(bv, B, x); store8(rv, R, x)
            } else {
                for k in 0..<(w - x) { L[x + k] = lv[k]; B[x + k] = bv[k]; R[x + k] = rv[k] }
            }
            x += 8
        }
    }

    /// The noise levels alone: the same row split and noise blocks as a full pass (so the same
    /// values), without saliency, gradients or artifact statistics. For a window that is
    /// measured for noise only (the enhancer's 1:1 detail probe, once per candidate).
    static func noiseLevels(_ img: RGBImage) -> NoiseLevels {
        let w = img.width, h = img.height
        var noise = NoiseBlocks(width: w, height: h)
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: 9 * w + 16)
        defer { rows.deallocate() }
        @inline(__always) func luma(_ y: Int) -> UnsafeMutablePointer<Float> { rows + (y % 3) * w }
        @inline(__always) func cb(_ y: Int) -> UnsafeMutablePointer<Float> { rows + 3 * w + 2 * w * (y % 3) }
        @inline(__always) func cr(_ y: Int) -> UnsafeMutablePointer<Float> { rows + 3 * w + 2 * w * (y % 3) + w }
        img.pixels.withUnsafeBufferPointer { pb in
            let p = pb.baseAddress!
            for y in 0..<h {
                splitRow(p, w, h, y, luma: luma(y), cb: cb(y), cr: cr(y))
                if y >= 2 {
                    @inline(__always) func three(_ f: (Int) -> UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
                        (UnsafePointer(f(y - 2)), UnsafePointer(f(y - 1)), UnsafePointer(f(y)))
                    }
                    noise.addRow(y - 1, luma: three(luma), cb: three(cb), cr: three(cr))
                }
            }
        }
        return noise.levels()
    }

    /// Adds luma row `L` into the by-4 box average's output row `q` (`qw` outputs), in
    /// `Planes.downsample`'s order; `closes`: the row is the fourth, so scale by 1/16.
    static func addToQuarter(_ L: UnsafePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ qw: Int, closes: Bool) {
        // Columns 4k … 4k + 3 of sixteen are the even/odd halves of halves.
        var ox = 0
        while ox + 4 <= qw {
            let v = UnsafeRawPointer(L).loadUnaligned(fromByteOffset: 16 * ox, as: SIMD16<Float>.self)
            let ev = v.evenHalf, od = v.oddHalf
            var acc = UnsafeRawPointer(q + ox).loadUnaligned(as: SIMD4<Float>.self)
            acc += ev.evenHalf; acc += od.evenHalf; acc += ev.oddHalf; acc += od.oddHalf
            UnsafeMutableRawPointer(q + ox).storeBytes(of: acc, as: SIMD4<Float>.self)
            ox += 4
        }
        while ox < qw {
            var acc = q[ox]
            for dx in 0..<4 { acc += L[4 * ox + dx] }
            q[ox] = acc
            ox += 1
        }
        if closes { for k in 0..<qw { q[k] = q[k] * (1 / Float(16)) } }
    }
}
