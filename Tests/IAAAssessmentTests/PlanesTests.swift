import Foundation
@testable import IAAAssessment
import IAACore
import XCTest

/// The vectorised plane kernels give exactly what the one-pixel-at-a-time definitions give
/// (the same sums in the same order), on sizes that exercise the eight-lane bodies, their
/// scalar tails and the clamped borders.
final class PlanesTests: XCTestCase {
    /// A seeded plane of values 0…255 with some structure and some noise.
    static func plane(_ w: Int, _ h: Int, seed: UInt64 = 7) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<(w * h)).map { i in
            let x = Float(i % w), y = Float(i / w)
            return 128 + 60 * sinf(x / 7) * cosf(y / 5) + Float(rng.uniform() * 40 - 20)
        }
    }

    static func image(_ w: Int, _ h: Int, seed: UInt64 = 11) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            let x = Double(i % w), y = Double(i / w)
            p[3 * i] = UInt8(max(0, min(255, 120 + 100 * sin(x / 9) + rng.uniform() * 30)))
            p[3 * i + 1] = UInt8(max(0, min(255, 90 + 80 * cos(y / 6) + rng.uniform() * 30)))
            p[3 * i + 2] = UInt8(max(0, min(255, 60 + 50 * sin((x + y) / 11) + rng.uniform() * 30)))
        }
        return RGBImage(width: w, height: h, pixels: p)
    }

    func testGaussianIsThePerPixelSum() {
        for (w, h, sigma) in [(37, 23, Float(2.5)), (64, 43, 4), (9, 5, 5.12), (256, 12, 1)] {
            let src = Self.plane(w, h)
            let r = max(1, Int((3 * sigma).rounded(.up)))
            var k = (-r...r).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
            let sum = k.reduce(0, +)
            k = k.map { $0 / sum }
            var tmp = [Float](repeating: 0, count: w * h), ref = tmp
            for y in 0..<h { for x in 0..<w {
                var acc: Float = 0
                for i in -r...r { acc += k[i + r] * src[y * w + min(w - 1, max(0, x + i))] }
                tmp[y * w + x] = acc
            } }
            for y in 0..<h { for x in 0..<w {
                var acc: Float = 0
                for i in -r...r { acc += k[i + r] * tmp[min(h - 1, max(0, y + i)) * w + x] }
                ref[y * w + x] = acc
            } }
            XCTAssertEqual(Planes.gaussian(src, w, h, sigma: sigma), ref, "\(w)×\(h) σ \(sigma)")
        }
    }

    func testBilinearRowsArePixelByPixel() {
        for (w, h, ow, oh) in [(64, 43, 1024, 683), (13, 9, 50, 31), (64, 43, 64, 64)] {
            let src = Self.plane(w, h)
            var ref = [Float](repeating: 0, count: ow * oh)
            let sx = Float(w) / Float(ow), sy = Float(h) / Float(oh)
            for oy in 0..<oh { for ox in 0..<ow {
                let fx = max(0, min(Float(w - 1), (Float(ox) + 0.5) * sx - 0.5)), fy = max(0, min(Float(h - 1), (Float(oy) + 0.5) * sy - 0.5))
                let x0 = Int(fx), x1 = min(w - 1, x0 + 1), tx = fx - Float(x0), y0 = Int(fy), y1 = min(h - 1, y0 + 1), ty = fy - Float(y0)
                let a = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx, b = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx
                ref[oy * ow + ox] = a * (1 - ty) + b * ty
            } }
            XCTAssertEqual(Planes.resizeBilinear(src, w, h, to: ow, oh), ref, "\(w)×\(h) → \(ow)×\(oh)")
        }
    }

    func testDownsampleAndGradientArePixelByPixel() {
        let (w, h) = (101, 37), src = Self.plane(w, h)
        for f in [2, 3, 4] {
            let ow = w / f, oh = h / f
            var ref = [Float](repeating: 0, count: ow * oh)
            for oy in 0..<oh { for ox in 0..<ow {
                var acc: Float = 0
                for dy in 0..<f { for dx in 0..<f { acc += src[(oy * f + dy) * w + ox * f + dx] } }
                ref[oy * ow + ox] = acc * (1 / Float(f * f))
            } }
            let d = Planes.downsample(src, w, h, by: f)
            XCTAssertEqual(d.p, ref, "by \(f)"); XCTAssertEqual(d.w, ow); XCTAssertEqual(d.h, oh)
        }
        var ref = [Float](repeating: 0, count: w * h)
        for y in 1..<(h - 1) { for x in 1..<(w - 1) {
            let i = y * w + x, gx = (src[i + 1] - src[i - 1]) * 0.5, gy = (src[i + w] - src[i - w]) * 0.5
            ref[i] = (gx * gx + gy * gy).squareRoot()
        } }
        XCTAssertEqual(Planes.gradientMagnitude(src, w, h), ref)
    }

    func testAreaResizeOfCodesRoundsLikeIntegerMeans() {
        for (w, h, ow, oh) in [(1024, 683, 512, 342), (768, 512, 512, 341), (50, 31, 17, 9)] {
            let img = Self.image(w, h)
            let xs = (0...ow).map { min(w, Int(Double($0) * Double(w) / Double(ow))) }
            let ys = (0...oh).map { min(h, Int(Double($0) * Double(h) / Double(oh))) }
            var ref = [UInt8](repeating: 0, count: ow * oh * 3)
            for oy in 0..<oh { for ox in 0..<ow {
                let y0 = ys[oy], y1 = min(h, max(y0 + 1, ys[oy + 1])), x0 = xs[ox], x1 = min(w, max(x0 + 1, xs[ox + 1]))
                for c in 0..<3 {
                    var s = 0
                    for y in y0..<y1 { for x in x0..<x1 { s += Int(img.pixels[(y * w + x) * 3 + c]) } }
                    let n = (y1 - y0) * (x1 - x0)
                    ref[(oy * ow + ox) * 3 + c] = UInt8((s + n / 2) / n)
                }
            } }
            XCTAssertEqual(Planes.resizeArea8(img, to: ow, oh).pixels, ref, "\(w)×\(h) → \(ow)×\(oh)")
        }
    }

    func testLumaRowsAreLuma601() {
        for (w, h) in [(37, 5), (8, 3), (1, 1)] {
            let img = Self.image(w, h)
            var out = [Float](repeating: 0, count: w * h)
            img.pixels.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { o in
                for y in 0..<h { Planes.lumaRow(p.baseAddress!, y, w, h, o.baseAddress! + y * w) }
            } }
            XCTAssertEqual(out, img.luma601().pixels, "\(w)×\(h)")
        }
    }

    func testKthSmallestIsTheSortedElement() {
        var rng = SplitMix64(seed: 3)
        for n in [1, 2, 7, 100, 1001] {
            let v = (0..<n).map { _ in Float((rng.uniform() * 50).rounded()) }  // with ties
            let sorted = v.sorted()
            for k in Set([0, n / 10, n / 2, n - 1]) {
                var copy = v
                XCTAssertEqual(Planes.kthSmallest(&copy, k), sorted[k], "n \(n) k \(k)")
            }
        }
    }
}
