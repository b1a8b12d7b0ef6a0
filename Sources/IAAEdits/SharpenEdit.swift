import IAAImaging

/// Output sharpening: an unsharp mask on luma (the photo's own gamma-encoded RGB, BT.709
/// weights, 0…100) with libvips `sharpen`'s curve — detailed areas only, so flat skies and
/// noise are left alone — the detail added equally to R′, G′ and B′ so colours keep their
/// chroma. One pass on the native pixels (`EditImage.sharpen`).
public struct SharpenEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Strength, 0…300 %, default 0; 100 % is libvips' default slope (m2 = 3).
        public var amount: Double
        public init(amount: Double) { self.amount = amount }
    }

    public static let kind = EditKind.sharpen
    public static let summary = "Unsharp mask on luma (libvips sharpen's curve), radius from the image size."
    public static let workingSpace = "native gamma-encoded RGB, luma only (detail added equally to R′G′B′)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("amount", unit: "%", min: 0, max: 300, default: 0,
               "Sharpening strength in detailed areas; 100 is libvips' default.", \.amount)]
    }
    public static let identity = Params(amount: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// Gaussian sigma grows with the image: 0.5 px + 1 px per 4000 px of long side (0.63 px
    /// on a 512 px proxy, 2 px on a 6000 px file), so proxy and full file look alike.
    public static func sigma(longSide: Int) -> Double { 0.5 + Double(longSide) / 4000 }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.sharpen(sigma: Self.sigma(longSide: image.longSide), x1: 2, m1: 0, m2: 3 * params.amount / 100)
    }
}
