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

    /// Radii scale with the image (per 2000 px of long side) so a proxy and the full file get
    /// the same relative smoothing; never under half a pixel.
    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        let t = params.strength / 100
        let scale = Double(image.longSide) / 2000
        let sigmaL = max(0.5, (0.8 + 1.2 * t) * scale)
        return try image.denoise(sigmaL: sigmaL, amountL: t, edge: 4 + 8 * t,
                                 sigmaAB: max(0.8, 2 * sigmaL), amountAB: t)
    }
}
