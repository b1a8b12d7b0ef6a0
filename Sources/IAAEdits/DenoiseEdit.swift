import IAAImaging

/// Edge-preserving noise reduction: flat areas are blended towards a blur, edges (large
/// lightness gradients) keep their detail; chroma noise is smoothed more widely.
public struct DenoiseEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Strength, 0…100 %, default 0.
        public var strength: Double
        public init(strength: Double) { self.strength = strength }
    }

    public static let kind = EditKind.denoise
    public static let summary = "Edge-preserving noise reduction (edge-weighted blur blend on L*, wider on a*b*)."
    public static let workingSpace = "CIE Lab (D65)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("strength", unit: "%", min: 0, max: 100, default: 0,
               "How much flat areas are smoothed; edges are protected.", \.strength)]
    }
    public static let identity = Params(strength: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// Radii are in pixels, not scaled with the image: sensor noise has a grain of about one
    /// pixel at any resolution (a proxy has less of it, because downsampling averaged it, not
    /// because its grain is larger). L*: sigma 0.7…2 px; a*b*: twice that. The edge scale, in
    /// L* per pixel of the blurred lightness (noise left after the blur is well under 1, real
    /// edges several), grows with strength so strong settings also smooth fine texture.
    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        let t = params.strength / 100
        let sigmaL = 0.7 + 1.3 * t
        return try image.denoise(sigmaL: sigmaL, amountL: t, edge: 1.5 + 2.5 * t, sigmaAB: 2 * sigmaL, amountAB: t)
    }
}
