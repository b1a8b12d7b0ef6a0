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

    /// The context is asked for its noise levels only (a 1:1 window judged for noise): they are
    /// measured on their own, without the saliency and detail statistics of the full detail pass
    /// (the same values; other factors still work, at the usual cost).
    public let noiseOnly: Bool

    public init(image: RGBImage, faces: [FaceBox] = [], saliency: GrayImage? = nil, noiseOnly: Bool = false) {
        self.image = image
        self.faces = faces
        self.externalSaliency = saliency
        self.noiseOnly = noiseOnly
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
            var r: [Float] = uninitializedPlane(n), g: [Float] = uninitializedPlane(n), b: [Float] = uninitializedPlane(n)  // all written below
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
            // The tone pass computes the same values; take them when it has run.
            if let t = store["tone"] as? ToneChannels { return t.y }  // (under the lock already)
            let n = count
            return [Float](unsafeUninitializedCapacity: n) { y, done in
                ColorSpace.linearLUT.withUnsafeBufferPointer { lut in image.pixels.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        y[i] = ColorSpace.luminance(lut[Int(p[3 * i])], lut[Int(p[3 * i + 1])], lut[Int(p[3 * i + 2])])
                    }
                } }
                done = n
            }
        }
    }

    /// CIELab and LCh planes.
    public var lab: LabPlanes {
        cached("lab") {
            let n = count, w = width
            var L: [Float] = uninitializedPlane(n), A: [Float] = uninitializedPlane(n), B: [Float] = uninitializedPlane(n)
            var C: [Float] = uninitializedPlane(n), H: [Float] = uninitializedPlane(n)  // every pixel is written below
            var pad = [UInt8](repeating: 0, count: 24)
            // Eight pixels at a time (`ColorSpace.lab8`: table cbrt, polynomial hue); the last
            // partial group of a row runs on a zero-padded copy.
            ColorSpace.linearLUT.withUnsafeBufferPointer { lutb in ColorSpace.fTable.withUnsafeBufferPointer { tb in
            image.pixels.withUnsafeBufferPointer { pb in pad.withUnsafeMutableBufferPointer { padb in
            L.withUnsafeMutableBufferPointer { Lp in A.withUnsafeMutableBufferPointer { Ap in B.withUnsafeMutableBufferPointer { Bp in
            C.withUnsafeMutableBufferPointer { Cp in H.withUnsafeMutableBufferPointer { Hp in
                for y in 0..<height {
                    var x = 0
                    while x < w {
                        let i0 = y * w + x, m = min(8, w - x)
                        let src: UnsafePointer<UInt8>
                        if m == 8 { src = pb.baseAddress! + 3 * i0 } else {
                            for k in 0..<24 { padb[k] = k < 3 * m ? pb[3 * i0 + k] : 0 }
                            src = UnsafePointer(padb.baseAddress!)
                        }
                        let v = ColorSpace.lab8(src, lutb.baseAddress!, tb.baseAddress!)
                        let c = (v.a * v.a + v.b * v.b).squareRoot(), hue = ColorSpace.hue8(v.a, v.b)
                        for k in 0..<m { Lp[i0 + k] = v.L[k]; Ap[i0 + k] = v.a[k]; Bp[i0 + k] = v.b[k]; Cp[i0 + k] = c[k]; Hp[i0 + k] = hue[k] }
                        x += 8
                    }
                }
            } } } } } } } } }
            return LabPlanes(L: L, a: A, b: B, chroma: C, hue: H)
        }
    }

    /// L*, C*, Y and hue bins per pixel and L*a*b* per saliency cell, from one pass (the tone,
    /// colour and layout factors' inputs; see `ToneChannels`).
    var tone: ToneChannels { cached("tone") { ToneChannels(image) } }

    /// Mean L*, a*, b* on the saliency map's grid (`Saliency.grid`), as `Planes.resizeArea` of
    /// the Lab planes gives them.
    var labThumbnail: (L: [Float], A: [Float], B: [Float]) {
        if let c = tone.cells { return (c.L, c.a, c.b) }
        return cached("labThumbnail") {
            let g = Saliency.grid(width: width, height: height), lab = self.lab
            return (Planes.resizeArea(lab.L, width, height, to: g.width, g.height),
                    Planes.resizeArea(lab.a, width, height, to: g.width, g.height),
                    Planes.resizeArea(lab.b, width, height, to: g.width, g.height))
        }
    }

    /// L* box-averaged by `factor` (light and shadow's clarity and the line statistics share the by-2 one).
    func downsampledL(by factor: Int) -> (p: [Float], w: Int, h: Int) {
        cached("L/\(factor)") { Planes.downsample(tone.L, width, height, by: factor) }
    }

    /// Rec. 601 luma of the encoded values, 0…255 (the JPEG/BRISQUE luma). The factors do not
    /// read this plane: `DetailPass` computes the rows as it walks the image.
    public var luma: [Float] {
        cached("luma") {
            let w = width, h = height
            return [Float](unsafeUninitializedCapacity: w * h) { out, count in
                image.pixels.withUnsafeBufferPointer { p in for y in 0..<h { Planes.lumaRow(p.baseAddress!, y, w, h, out.baseAddress! + y * w) } }
                count = w * h
            }
        }
    }

    /// Gradient energy at the proxy scale and at 1/4 of it.
    public var detail: DetailPlanes {
        cached("detail") {
            let c = coarseDetail
            return DetailPlanes(fine: Planes.gradientMagnitude(luma, width, height), coarse: c.p, coarseWidth: c.w, coarseHeight: c.h)
        }
    }

    /// One walk down the proxy's rows for every full-resolution measurement (see `DetailPass`).
    var detailPass: DetailPass { cached("detailPass") { DetailPass(self) } }

    /// `detail.coarse` on its own, from the detail pass.
    var coarseDetail: (p: [Float], w: Int, h: Int) { detailPass.coarse }

    /// The fine gradient under the saliency map (sharpness and focus; see `SubjectDetail`).
    var subjectDetail: SubjectDetail { detailPass.subject }

    /// Luma and chroma noise, estimated once (noise, sharpness and focus share it).
    public var noise: NoiseLevels { noiseOnly ? cached("noiseOnly") { DetailPass.noiseLevels(image) } : detailPass.noise }

    /// Saliency at the proxy size, 0…1 (max 1). Faces dominate when given; otherwise spectral
    /// residual, colour distinctness and local contrast under a centre prior.
    public var saliency: [Float] {
        cached("saliency") {
            let c = coarseSaliency
            return Planes.resizeBilinear(c.map, c.width, c.height, to: width, height)
        }
    }

    /// The rows of `saliency`, interpolated on demand (the same values), for consumers that walk
    /// the image once row by row and need not keep the full-size plane.
    func saliencyRows() -> BilinearRows {
        let c = coarseSaliency
        return BilinearRows(c.map, c.width, c.height, to: width, height)
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

    /// The planes the classical factors share, in dependency order. They are built lazily by
    /// the first factor that needs one; `prepare(_:)` builds one ahead of time (the benchmark
    /// times them one by one this way).
    public enum SharedPlane: String, CaseIterable, Sendable {
        /// The 512-px reduced image.
        case reducedImage = "reduced image"
        /// Reduced: L*, C*, Y, hue bins, saliency-grid L*a*b*.
        case tone = "reduced tone channels"
        /// Reduced: the 64-px saliency maps (with and without the centre prior).
        case saliency = "saliency maps"
        /// Reduced: L*/2 and the straight-line statistics.
        case lines = "line statistics"
        /// Full proxy, one walk down its rows: noise, coarse gradient, the fine gradient under the
        /// saliency (sharpness, focus), artifact statistics.
        case detailPass = "full-resolution detail pass"
    }

    /// Builds `plane` now (and what it depends on) instead of when a factor first asks for it.
    public func prepare(_ plane: SharedPlane) {
        switch plane {
        case .reducedImage: _ = reduced
        case .tone: _ = reduced.tone
        case .saliency: _ = coarseSaliency; _ = placementSaliency
        case .lines: _ = reduced.lines
        case .detailPass: _ = detailPass
        }
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
