import IAAImaging

/// Exposure compensation in linear light, as a camera's shutter would do it.
public struct ExposureEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Exposure change in stops (EV): linear values are multiplied by 2^ev. −3…3, default 0.
        public var ev: Double
        public init(ev: Double) { self.ev = ev }
    }

    public static let kind = EditKind.exposure
    public static let summary = "Brighten or darken in linear light (multiply by 2^EV)."
    public static let workingSpace = "scRGB (linear sRGB primaries, D65)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("ev", unit: "EV", min: -3, max: 3, default: 0,
               "Exposure change in stops; +1 doubles the light, −1 halves it.", \.ev)]
    }
    public static let identity = Params(ev: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.exposure(ev: params.ev)
    }
}
