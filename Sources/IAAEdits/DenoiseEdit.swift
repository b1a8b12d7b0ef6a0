import IAAImaging

/// Edge-preserving noise reduction: flat areas are blended towards a blur, edges (large
/// luma gradients) keep their detail; chroma noise is smoothed more widely. One pass on the
/// native pixels (`EditImage.denoise`).
public struct DenoiseEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Strength, 0…100 %, default 0.
        public var strength: Double
        public init(strength: Double) { self.strength = strength }
    }

    public static let kind = EditKind.denoise
    public static let summary = "Edge-preserving noise reduction (edge-weighted blur blend on luma, wider on chroma)."
    public static let workingSpace = "native gamma-encoded RGB as Y′CbCr (BT.709 weights)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("strength", unit: "%", min: 0, max: 100, default: 0,
               "How much flat areas are smoothed; edges are protected.", \.strength)]
    }
    public static let identity = Params(strength: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// Radii are in pixels, not scaled with the image: sensor noise has a grain of about one
    /// pixel at any resolution (a proxy has less of it, because downsampling averaged it, not
    /// because its grain is larger). Luma: sigma 0.7…2 px of the photo; chroma: twice that. The edge scale, in
    /// luma units (0…100, close to L*) per pixel of the blurred luma (noise left after the blur is well under 1, real
    /// edges several), grows with strength so strong settings also smooth fine texture.
    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        let t = params.strength / 100
        // On a proxy the same blur, in proxy pixels (`EditContext.detailScale`): what a proxy of
        // the denoised photo shows.
        let sigmaL = (0.7 + 1.3 * t) * context.detailScale
        return try image.denoise(sigmaL: sigmaL, amountL: t, edge: 2 + 10 * t, sigmaAB: 2 * sigmaL, amountAB: t)
    }
}
