import IAAImaging

/// Exposure compensation in linear light, as a camera's shutter would do it, with an optional
/// shoulder that keeps white at white (as a photographer's curve would when darkening an
/// over-exposed frame, or brightening one whose highlights must not clip).
public struct ExposureEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Exposure change in stops (EV): linear values are multiplied by 2^ev. −3…3, default 0.
        public var ev: Double
        /// Highlight protection, 0…1, default 0: x ↦ 2^ev·x / (1 + protect·(2^ev − 1)·x) in
        /// linear light. 0 is a plain gain (brightening clips what passes white, darkening turns
        /// blown areas grey); 1 maps white to white and rolls the highlights off smoothly.
        public var protect: Double
        public init(ev: Double, protect: Double = 0) { self.ev = ev; self.protect = protect }
    }

    public static let kind = EditKind.exposure
    public static let summary = "Brighten or darken in linear light (multiply by 2^EV), optionally keeping white at white."
    public static let workingSpace = "scRGB (linear sRGB primaries, D65)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("ev", unit: "EV", min: -3, max: 3, default: 0,
               "Exposure change in stops; +1 doubles the light, −1 halves it.", \.ev),
         .init("protect", unit: "fraction", min: 0, max: 1, default: 0,
               "Highlight protection: 0 scales all light; 1 keeps white at white with a smooth shoulder.", \.protect)]
    }
    public static let identity = Params(ev: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// No exposure change leaves every pixel alone, whatever the protection.
    public var isIdentity: Bool { params.ev == 0 }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.exposure(ev: params.ev, protect: params.protect)
    }
}
