import Foundation
@testable import IAAAssessment
import IAACore
import XCTest

/// The one-walk detail pass against the measurements done plane by plane, as the factors did
/// them before they shared the walk: the noise blocks and the luma/4 exactly, the gradient
/// histograms exactly (counts) or up to the order of sums, the artifact statistics up to the
/// order of Float sums.
final class DetailPassTests: XCTestCase {
    /// Immerkær per 8×8 block on full Y, Cb, Cr planes, then the 10th percentile (sorted).
    static func referenceNoise(_ img: RGBImage) -> NoiseLevels {
        let w = img.width, h = img.height, y = img.luma601().pixels
        var cb = [Float](repeating: 0, count: w * h), cr = cb
        for i in 0..<(w * h) {
            let r = Float(img.pixels[3 * i]), g = Float(img.pixels[3 * i + 1]), b = Float(img.pixels[3 * i + 2])
            cb[i] = -0.1687 * r - 0.3313 * g + 0.5 * b; cr[i] = 0.5 * r - 0.4187 * g - 0.0813 * b
        }
        func n(_ p: [Float], _ x: Int, _ yy: Int) -> Float {
            func v(_ x: Int) -> Float { p[(yy - 1) * w + x] - 2 * p[yy * w + x] + p[(yy + 1) * w + x] }
            return abs(v(x - 1) - 2 * v(x) + v(x + 1))
        }
        var blocks: [(Float, Float)] = []
        let k = Float((Double.pi / 2).squareRoot() / 6)
        var by = 0
        while by + 8 < h {
            var bx = 0
            while bx + 8 < w {
                var sy: Float = 0, sc: Float = 0, sm: Float = 0, count = 0
                for yy in max(1, by)..<(by + 8) { for xx in max(1, bx)..<(bx + 8) {
                    sy += n(y, xx, yy); sc += n(cb, xx, yy) + n(cr, xx, yy); sm += y[yy * w + xx]; count += 1
                } }
                let c = Float(count), mean = sm / c
                if mean > 12 && mean < 243 { blocks.append((k * sy / c, k * sc / (2 * c))) }
                bx += 8
            }
            by += 8
        }
        guard !blocks.isEmpty else { return NoiseLevels(luma: 0, chroma: 0) }
        let q = max(0, Int(Double(blocks.count) * 0.1) - 1)
        return NoiseLevels(luma: Double(blocks.map(\.0).sorted()[q]), chroma: Double(blocks.map(\.1).sorted()[q]))
    }

    func testNoiseAndQuarterAreThePlaneComputations() throws {
        var images = [PlanesTests.image(100, 70), PlanesTests.image(9, 9), PlanesTests.image(19, 3)]
        if let p = try Fixtures.photos().first(where: { $0.name == "schoolgirls" }) { images.append(p.image) }
        for img in images {
            let pass = AnalysisContext(image: img).detailPass, ref = Self.referenceNoise(img)
            XCTAssertEqual(pass.noise.luma, ref.luma, "\(img.width)×\(img.height)")
            XCTAssertEqual(pass.noise.chroma, ref.chroma)
            let q = Planes.downsample(img.luma601().pixels, img.width, img.height, by: 4)
            XCTAssertEqual(pass.quarter.p, q.p); XCTAssertEqual(pass.quarter.w, q.w); XCTAssertEqual(pass.quarter.h, q.h)
            XCTAssertEqual(pass.coarse.p, Planes.gradientMagnitude(q.p, q.w, q.h))
        }
    }

    /// The noise-only walk (the enhancer's 1:1 probe) gives the full pass's noise levels exactly.
    func testNoiseOnlyContextMeasuresTheSameNoise() throws {
        var images = [PlanesTests.image(100, 70), PlanesTests.image(9, 9), PlanesTests.image(19, 3)]
        images += try Fixtures.photos().prefix(4).map(\.image)
        for img in images {
            let full = AnalysisContext(image: img).noise, alone = AnalysisContext(image: img, noiseOnly: true).noise
            XCTAssertEqual(alone.luma, full.luma, "\(img.width)×\(img.height)")
            XCTAssertEqual(alone.chroma, full.chroma)
            XCTAssertEqual(alone.luma, Self.referenceNoise(img).luma)
        }
    }

    func testSubjectHistogramsAreTheWeightedPlaneHistograms() throws {
        let (_, img) = try XCTUnwrap(Fixtures.photos().first { $0.name == "macaws" })
        let ctx = AnalysisContext(image: img)
        let d = ctx.subjectDetail, detail = ctx.detail, sal = ctx.saliency, w = img.width, h = img.height
        let (floor, slope) = SharpnessFactor.saliencyWeight
        // The histograms sharpness built pixel by pixel from the planes; the sums only change order.
        var hf = Histogram(lo: 0, hi: 128, count: 1024), hc = Histogram(lo: 0, hi: 128, count: 1024)
        for i in detail.fine.indices { hf.add(detail.fine[i], weight: floor + slope * sal[i]) }
        for cy in 0..<detail.coarseHeight { for cx in 0..<detail.coarseWidth {
            hc.add(detail.coarse[cy * detail.coarseWidth + cx], weight: floor + slope * sal[min(h - 1, cy * 4 + 2) * w + min(w - 1, cx * 4 + 2)])
        } }
        for k in 0..<1024 {
            XCTAssertEqual(d.fine.bins[k], hf.bins[k], accuracy: 1e-9 * max(1, hf.bins[k]))
            XCTAssertEqual(d.coarse.bins[k], hc.bins[k], accuracy: 1e-9 * max(1, hc.bins[k]))
        }
        XCTAssertEqual(d.fine.total, hf.total, accuracy: 1e-9 * hf.total)
        XCTAssertEqual(d.fine.quantile(0.98), hf.quantile(0.98), accuracy: 1e-4)
        XCTAssertEqual(d.blocks.cols, img.width / d.blocks.size)
        XCTAssertEqual(d.blocks.index.compactMap { $0 }.count > 4, true)
    }

    func testArtifactStatisticsAreThePlaneComputations() throws {
        var images = [PlanesTests.image(100, 70)]
        for name in ["carrots", "vintage_cars"] { if let p = try Fixtures.photos().first(where: { $0.name == name }) { images.append(p.image) } }
        // A posterised ramp, so that banding has smooth banded blocks to find.
        var ramp = [UInt8](repeating: 0, count: 128 * 64 * 3)
        for y in 0..<64 { for x in 0..<128 { let v = UInt8(100 + (x / 12) * 2); for c in 0..<3 { ramp[(y * 128 + x) * 3 + c] = v } } }
        images.append(RGBImage(width: 128, height: 64, pixels: ramp))
        for img in images {
            let w = img.width, h = img.height, s = img.luma601().pixels
            let v = AnalysisContext(image: img).detailPass.artifact
            // Blockiness: mean capped step per phase, best phase against the rest.
            var hs = [Double](repeating: 0, count: 8), vs = hs, vn = hs
            for yy in 0..<h { for x in 0..<(w - 1) { hs[x & 7] += Double(min(24, abs(s[yy * w + x + 1] - s[yy * w + x]))) } }
            let hn = (0..<8).map { Double(h * ((w - 1 - $0 + 7) / 8)) }
            for yy in 0..<(h - 1) { for x in 0..<w { vs[yy & 7] += Double(min(24, abs(s[yy * w + w + x] - s[yy * w + x]))) }; vn[yy & 7] += Double(w) }
            func excess(_ s: [Double], _ n: [Double]) -> Double {
                let m = (0..<8).map { s[$0] / max(1, n[$0]) }
                let best = m.indices.max { m[$0] < m[$1] }!
                let rest = (m.reduce(0, +) - m[best]) / 7
                return rest > 0 ? m[best] / rest - 1 : 0
            }
            XCTAssertEqual(v.blockiness, max(0, (excess(hs, hn) + excess(vs, vn)) / 2), accuracy: 1e-6)
            // Banding: smooth 16×16 blocks made of flat runs and ≥ 2-level jumps.
            var smooth = 0, banded = 0, by = 0
            while by + 16 <= h {
                var bx = 0
                while bx + 16 <= w {
                    var lo: Float = 255, hi: Float = 0, zeros = 0, steps = 0, big = 0
                    for yy in by..<(by + 16) { for xx in bx..<(bx + 16) {
                        let p = s[yy * w + xx]; lo = min(lo, p); hi = max(hi, p)
                        if xx + 1 < bx + 16 { let d = abs(s[yy * w + xx + 1] - p); if d < 0.5 { zeros += 1 } else { steps += 1; if d >= 1.5 { big += 1 } } }
                    } }
                    if hi - lo >= 2 && hi - lo <= 12 {
                        smooth += 1
                        if Double(zeros) >= 0.8 * Double(zeros + steps) && steps > 0 && Double(big) >= 0.6 * Double(steps) { banded += 1 }
                    }
                    bx += 16
                }
                by += 16
            }
            XCTAssertEqual(v.banding, smooth >= 8 ? Double(banded) / Double(smooth) : 0, "\(w)×\(h)")
            // Ringing: flat pixels within 2 steps (L1) of a strong edge against the others.
            let g = Planes.gradientMagnitude(s, w, h)
            var nearE = 0.0, nearN = 0.0, farE = 0.0, farN = 0.0
            for yy in 2..<(h - 2) { for x in 2..<(w - 2) {
                let i = yy * w + x
                guard g[i] < 8 else { continue }
                var near = false
                for dy in -2...2 { for dx in -2...2 where abs(dx) + abs(dy) <= 2 { if g[i + dy * w + dx] > 30 { near = true } } }
                let lap = Double(abs(4 * s[i] - s[i - 1] - s[i + 1] - s[i - w] - s[i + w]))
                if near { nearE += lap; nearN += 1 } else { farE += lap; farN += 1 }
            } }
            let ringing = nearN > 100 && farN > 100 && farE > 0 ? max(0, (nearE / nearN) / (farE / farN) - 1) : 0
            XCTAssertEqual(v.ringing, ringing, accuracy: 1e-5 * max(1, ringing), "\(w)×\(h)")
        }
    }
}
