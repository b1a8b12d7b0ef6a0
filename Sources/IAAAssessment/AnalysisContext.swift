import Foundation
import IAACore

/// A face (or other known subject) box in proxy pixel coordinates, origin top-left.
public struct FaceBox: Sendable, Hashable, Codable {
    public var x: Double, y: Double, width: Double, height: Double
    /// Detector confidence 0…1 (1 when the box comes from a person).
    public var confidence: Double
    public init(x: Double, y: Double, width: Double, height: Double, confidence: Double = 1) {
        self.x = x; self.y = y; self.width = width; self.height = height; self.confidence = confidence
    }
    public var centerX: Double { x + width / 2 }
    public var centerY: Double { y + height / 2 }
}

/// Linear-light RGB planes (0…1), one value per pixel.
public struct LinearRGBPlanes: Sendable { public let r: [Float], g: [Float], b: [Float] }

/// CIELab (D65) planes plus LCh chroma and hue (degrees 0…360) derived from them.
public struct LabPlanes: Sendable {
    public let L: [Float], a: [Float], b: [Float]
    public let chroma: [Float], hue: [Float]
}

/// Fine- and coarse-scale gradient energy of the encoded luma, and the luma/chroma noise level:
/// what sharpness, focus and light-and-shadow share.
public struct DetailPlanes: Sendable {
    /// Gradient magnitude of the proxy's luma (0…255 units per pixel), full size.
    public let fine: [Float]
    /// Gradient magnitude after 4× box downsampling (same units per coarse pixel), `coarseWidth`×`coarseHeight`.
    public let coarse: [Float]
    public let coarseWidth: Int, coarseHeight: Int
}

/// Noise standard deviations in 8-bit code values (Immerkær's operator on flat blocks).
public struct NoiseLevels: Sendable {
    public let luma: Double
    public let chroma: Double
}

/// Everything the factors read about one image, computed lazily and ONCE: the sRGB proxy,
/// linear RGB, luminance, CIELab/LCh, luma, gradient detail, noise level and a saliency map.
/// Optional inputs from other models (faces, an external saliency map) refine the saliency.
///
/// Thread-safe: planes are built under a lock the first time a factor asks for them.
public final class AnalysisContext: @unchecked Sendable {
    /// The analysis proxy (upright sRGB; ~1 MP recommended).
    public let image: RGBImage
    /// Faces in proxy pixels (from a face detector), possibly empty.
    public let faces: [FaceBox]
    /// An external saliency map (any size, higher = more salient); replaces the classical cues.
    public let externalSaliency: GrayImage?

    public var width: Int { image.width }
    public var height: Int { image.height }
    public var count: Int { image.pixelCount }

    private let lock = NSRecursiveLock()
    private var store: [String: Any] = [:]

    public init(image: RGBImage, faces: [FaceBox] = [], saliency: GrayImage? = nil) {
        self.image = image
        self.faces = faces
        self.externalSaliency = saliency
    }

    func cached<T>(_ key: String, _ make: () -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        if let hit = store[key] as? T { return hit }
        let v = make()
        store[key] = v
        return v
    }

    /// Linear-light RGB, 0…1.
    public var linear: LinearRGBPlanes {
        cached("linear") {
            let n = count
            var r = [Float](repeating: 0, count: n), g = r, b = r
            let lut = ColorSpace.linearLUT
            image.pixels.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    r[i] = lut[Int(p[3 * i])]; g[i] = lut[Int(p[3 * i + 1])]; b[i] = lut[Int(p[3 * i + 2])]
                }
            }
            return LinearRGBPlanes(r: r, g: g, b: b)
        }
    }

    /// Relative luminance Y, 0…1 (linear).
    public var luminance: [Float] {
        cached("luminance") {
            let l = linear
            var y = [Float](repeating: 0, count: count)
            for i in 0..<count { y[i] = ColorSpace.luminance(l.r[i], l.g[i], l.b[i]) }
            return y
        }
    }

    /// CIELab and LCh planes.
    public var lab: LabPlanes {
        cached("lab") {
            let l = linear
            let n = count
            var L = [Float](repeating: 0, count: n), A = [Float](repeating: 0, count: n), B = [Float](repeating: 0, count: n)
            var C = [Float](repeating: 0, count: n), H = [Float](repeating: 0, count: n)
            // cbrt through a table (4097 knots on 0…1, linear interpolation; error < 1e-4 in f),
            // which is most of the cost of Lab on a megapixel.
            let knots = 4096
            let table = (0...knots).map { ColorSpace.f(Float($0) / Float(knots)) }
            @inline(__always) func fFast(_ t: Float) -> Float {
                let x = min(max(t, 0), 1) * Float(knots)
                let i = min(Int(x), knots - 1)
                let fr = x - Float(i)
                return table[i] + (table[i + 1] - table[i]) * fr
            }
            l.r.withUnsafeBufferPointer { r in l.g.withUnsafeBufferPointer { g in l.b.withUnsafeBufferPointer { b in
            L.withUnsafeMutableBufferPointer { Lp in A.withUnsafeMutableBufferPointer { Ap in B.withUnsafeMutableBufferPointer { Bp in
            C.withUnsafeMutableBufferPointer { Cp in H.withUnsafeMutableBufferPointer { Hp in
                for i in 0..<n {
                    let x = (0.4124 * r[i] + 0.3576 * g[i] + 0.1805 * b[i]) / ColorSpace.xn
                    let y = 0.2126 * r[i] + 0.7152 * g[i] + 0.0722 * b[i]
                    let z = (0.0193 * r[i] + 0.1192 * g[i] + 0.9505 * b[i]) / ColorSpace.zn
                    let fx = fFast(x), fy = fFast(y), fz = fFast(z)
                    let aa = 500 * (fx - fy), bb = 200 * (fy - fz)
                    Lp[i] = 116 * fy - 16; Ap[i] = aa; Bp[i] = bb
                    Cp[i] = (aa * aa + bb * bb).squareRoot()
                    var h = atan2f(bb, aa) * (180 / .pi)
                    if h < 0 { h += 360 }
                    Hp[i] = h
                }
            } } } } } } } }
            return LabPlanes(L: L, a: A, b: B, chroma: C, hue: H)
        }
    }

    /// Rec. 601 luma of the encoded values, 0…255 (the JPEG/BRISQUE luma).
    public var luma: [Float] { cached("luma") { image.luma601().pixels } }

    /// Gradient energy at the proxy scale and at 1/4 of it.
    public var detail: DetailPlanes {
        cached("detail") {
            let y = luma
            let fine = Planes.gradientMagnitude(y, width, height)
            let d = Planes.downsample(y, width, height, by: 4)
            let coarse = Planes.gradientMagnitude(d.p, d.w, d.h)
            return DetailPlanes(fine: fine, coarse: coarse, coarseWidth: d.w, coarseHeight: d.h)
        }
    }

    /// Luma and chroma noise, estimated once (noise, sharpness and artifact factors share it).
    public var noise: NoiseLevels { cached("noise") { NoiseEstimator.estimate(self) } }

    /// Saliency at the proxy size, 0…1 (max 1). Faces dominate when given; otherwise spectral
    /// residual, colour distinctness and local contrast under a centre prior.
    public var saliency: [Float] {
        cached("saliency") {
            let c = coarseSaliency
            return Planes.resizeBilinear(c.map, c.width, c.height, to: width, height)
        }
    }

    /// Straight-line orientation statistics (camera angle and composition share them).
    var lines: LineStatistics { cached("lines") { LineStatistics(self) } }

    /// The saliency map at its working resolution (long side 64).
    public var coarseSaliency: SaliencyMap { cached("coarseSaliency") { Saliency.compute(self) } }

    /// The same cues without the centre prior (long side 64), for judging where the subject is placed.
    public var placementSaliency: SaliencyMap { cached("placementSaliency") { Saliency.compute(self, centrePrior: false) } }
}
