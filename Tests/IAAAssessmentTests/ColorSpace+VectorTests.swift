import Foundation
@testable import IAAAssessment
import XCTest

/// The eight-lane colour conversions against their scalar definitions: the hue exactly, the
/// Lab of every lane as the table path computes it, the log₂ within a few ulp.
final class ColorSpaceVectorTests: XCTestCase {
    func testHueIsTheScalarHueExactly() {
        var rng = SplitMix64(seed: 5)
        var pairs: [(Float, Float)] = [(0, 0), (0, 5), (0, -5), (5, 0), (-5, 0), (3, 3), (-3, 3), (3, -3), (-3, -3), (-0.0, 0), (1e-30, -1e-30)]
        for _ in 0..<2000 { pairs.append((Float(rng.uniform() * 256 - 128), Float(rng.uniform() * 256 - 128))) }
        for chunk in stride(from: 0, to: pairs.count - 7, by: 8) {
            var a = SIMD8<Float>(), b = a
            for k in 0..<8 { a[k] = pairs[chunk + k].0; b[k] = pairs[chunk + k].1 }
            let h = ColorSpace.hue8(a, b)
            for k in 0..<8 { XCTAssertEqual(h[k], ColorSpace.hueDegrees(a: a[k], b: b[k]), "a \(a[k]) b \(b[k])") }
        }
    }

    func testLabLanesAreTheTablePath() {
        // Every code on the grey axis and at the gamut corners, and a spread of colours.
        var px: [UInt8] = []
        for v in 0..<256 { px += [UInt8(v), UInt8(v), UInt8(v)] }
        for r in stride(from: 0, through: 255, by: 51) { for g in stride(from: 0, through: 255, by: 51) { for b in stride(from: 0, through: 255, by: 51) {
            px += [UInt8(r), UInt8(g), UInt8(b)]
        } } }
        while px.count % 24 != 0 { px += [255, 255, 255] }
        let t = ColorSpace.fTable
        func fRef(_ v: Float) -> Float {
            let x = min(max(v, 0), 1) * Float(ColorSpace.fKnots)
            let i = min(Int(x), ColorSpace.fKnots - 1)
            return t[i] + (t[i + 1] - t[i]) * (x - Float(i))
        }
        let lut = ColorSpace.linearLUT
        px.withUnsafeBufferPointer { p in lut.withUnsafeBufferPointer { l in t.withUnsafeBufferPointer { tb in
            for g in stride(from: 0, to: px.count / 3, by: 8) {
                let v = ColorSpace.lab8(p.baseAddress! + 3 * g, l.baseAddress!, tb.baseAddress!)
                for k in 0..<8 {
                    let i = 3 * (g + k)
                    let rr = lut[Int(px[i])], gg = lut[Int(px[i + 1])], bb = lut[Int(px[i + 2])]
                    let x = (0.4124 * rr + 0.3576 * gg + 0.1805 * bb) * (1 / ColorSpace.xn)
                    let y = 0.2126 * rr + 0.7152 * gg + 0.0722 * bb
                    let z = (0.0193 * rr + 0.1192 * gg + 0.9505 * bb) * (1 / ColorSpace.zn)
                    XCTAssertEqual(v.L[k], 116 * fRef(y) - 16, "\(px[i]) \(px[i + 1]) \(px[i + 2])")
                    XCTAssertEqual(v.a[k], 500 * (fRef(x) - fRef(y)))
                    XCTAssertEqual(v.b[k], 200 * (fRef(y) - fRef(z)))
                    XCTAssertEqual(v.y[k], ColorSpace.luminance(rr, gg, bb))
                }
            }
        } } }
    }

    func testLog2IsWithinAFewUlp() {
        var v = Float(1.0 / 4096)
        while v <= 1 {
            let l = ColorSpace.log2x8(SIMD8<Float>(repeating: v))[0]
            XCTAssertLessThanOrEqual(abs(l - log2f(v)), 4 * Float.ulpOfOne * max(1, abs(log2f(v))), "\(v)")
            v *= 1.0137
        }
        XCTAssertEqual(ColorSpace.log2x8(SIMD8<Float>(repeating: 0.25))[0], -2)
        XCTAssertEqual(ColorSpace.log2x8(SIMD8<Float>(repeating: 1))[0], 0)
    }
}
