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
            ColorSpace.linearLUT.withUnsafeBufferPointer { lut in
            image.pixels.withUnsafeBufferPointer { p in
            r.withUnsafeMutableBufferPointer { rp in g.withUnsafeMutableBufferPointer { gp in b.withUnsafeMutableBufferPointer { bp in
                for i in 0..<n {
                    rp[i] = lut[Int(p[3 * i])]; gp[i] = lut[Int(p[3 * i + 1])]; bp[i] = lut[Int(p[3 * i + 2])]
                }
            } } } } }
            return LinearRGBPlanes(r: r, g: g, b: b)
        }
    }

    /// Relative luminance Y, 0…1 (linear).
    public var luminance: [Float] {
        cached("luminance") {
            let l = linear
            var y = [Float](repeating: 0, count: count)
            l.r.withUnsafeBufferPointer { r in l.g.withUnsafeBufferPointer { g in l.b.withUnsafeBufferPointer { b in
            y.withUnsafeMutableBufferPointer { yp in
                for i in 0..<yp.count { yp[i] = ColorSpace.luminance(r[i], g[i], b[i]) }
            } } } }
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
            // which is most of the cost of Lab on a megapixel; hue through a polynomial atan2
            // (error < 1e-5 rad). Raw pointers throughout: this loop runs once per pixel.
            let knots = 4096
            let table = (0...knots).map { ColorSpace.f(Float($0) / Float(knots)) }
            table.withUnsafeBufferPointer { tb in
            l.r.withUnsafeBufferPointer { r in l.g.withUnsafeBufferPointer { g in l.b.withUnsafeBufferPointer { b in
            L.withUnsafeMutableBufferPointer { Lp in A.withUnsafeMutableBufferPointer { Ap in B.withUnsafeMutableBufferPointer { Bp in
            C.withUnsafeMutableBufferPointer { Cp in H.withUnsafeMutableBufferPointer { Hp in
                let t = tb.baseAddress!
                @inline(__always) func fFast(_ v: Float) -> Float {
                    let x = min(max(v, 0), 1) * Float(knots)
                    let i = min(Int(x), knots - 1)
                    let fr = x - Float(i)
                    return t[i] + (t[i + 1] - t[i]) * fr
                }
                let ixn = 1 / ColorSpace.xn, izn = 1 / ColorSpace.zn
                for i in 0..<n {
                    let rr = r[i], gg = g[i], bb0 = b[i]
                    let x = (0.4124 * rr + 0.3576 * gg + 0.1805 * bb0) * ixn
                    let y = 0.2126 * rr + 0.7152 * gg + 0.0722 * bb0
                    let z = (0.0193 * rr + 0.1192 * gg + 0.9505 * bb0) * izn
                    let fx = fFast(x), fy = fFast(y), fz = fFast(z)
                    let aa = 500 * (fx - fy), bb = 200 * (fy - fz)
                    Lp[i] = 116 * fy - 16; Ap[i] = aa; Bp[i] = bb
                    Cp[i] = (aa * aa + bb * bb).squareRoot()
                    Hp[i] = ColorSpace.hueDegrees(a: aa, b: bb)
                }
            } } } } } } } } }
            return LabPlanes(L: L, a: A, b: B, chroma: C, hue: H)
        }
    }

    /// Rec. 601 luma of the encoded values, 0…255 (the JPEG/BRISQUE luma).
    /// Built in the same pass over the rows as the noise estimate (see `NoiseEstimator`).
    public var luma: [Float] { lumaAndNoise.luma }

    private var lumaAndNoise: (luma: [Float], noise: NoiseLevels) {
        cached("lumaAndNoise") { NoiseEstimator.lumaAndNoise(image) }
    }

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
    public var noise: NoiseLevels { lumaAndNoise.noise }

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

    /// The saliency map at its working resolution (long side 64), computed on `reduced`.
    public var coarseSaliency: SaliencyMap {
        cached("coarseSaliency") { let r = reduced; return r === self ? Saliency.compute(self) : r.coarseSaliency }
    }

    /// The same cues without the centre prior (long side 64), for judging where the subject is placed.
    public var placementSaliency: SaliencyMap {
        cached("placementSaliency") { let r = reduced; return r === self ? Saliency.compute(self, centrePrior: false) : r.placementSaliency }
    }

    /// Long side (pixels) of the context the tone, colour and layout factors analyse; default 512.
    /// Exposure, white balance, saturation, colour, light and shadow, camera angle, composition
    /// and saliency measure statistics of the whole frame that a 512-px version carries just as
    /// well, at a quarter of the cost of a 1024-px proxy. Sharpness, noise, artifacts and focus
    /// keep the full proxy: they measure the finest detail.
    public static let reducedLongSide = 512

    /// This context with its image area-averaged to `reducedLongSide` (itself when the image is
    /// no larger), with faces scaled to match and the same external saliency map.
    public var reduced: AnalysisContext {
        // Not cached when it is `self`: a context must not hold itself.
        guard max(width, height) > Self.reducedLongSide else { return self }
        return cached("reduced") {
            let long = max(width, height)
            let s = Double(Self.reducedLongSide) / Double(long)
            let w = max(1, Int((Double(width) * s).rounded())), h = max(1, Int((Double(height) * s).rounded()))
            let sx = Double(w) / Double(width), sy = Double(h) / Double(height)
            let small = Planes.resizeArea8(image, to: w, h)
            let f = faces.map { FaceBox(x: $0.x * sx, y: $0.y * sy, width: $0.width * sx, height: $0.height * sy, confidence: $0.confidence) }
            return AnalysisContext(image: small, faces: f, saliency: externalSaliency)
        }
    }
}
