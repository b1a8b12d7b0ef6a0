import IAAImaging

/// Tonal adjustments as one smooth monotone curve on L* (a and b untouched): contrast,
/// highlights, shadows, whites and blacks each add a smooth term, and the sum is made
/// monotone and applied with one lookup table (libvips `maplut`).
public struct ToneEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// S-curve strength around mid-grey, −100…100 %, default 0.
        public var contrast: Double
        /// Brightness of the light tones (peak at L* 75), −100…100 %, default 0.
        public var highlights: Double
        /// Brightness of the dark tones (peak at L* 25), −100…100 %, default 0.
        public var shadows: Double
        /// White point: positive clips more to white, negative dims it, −100…100 %, default 0.
        public var whites: Double
        /// Black point: positive lifts (fades) black, negative crushes, −100…100 %, default 0.
        public var blacks: Double
        public init(contrast: Double = 0, highlights: Double = 0, shadows: Double = 0, whites: Double = 0, blacks: Double = 0) {
            self.contrast = contrast; self.highlights = highlights; self.shadows = shadows
            self.whites = whites; self.blacks = blacks
        }
    }

    public static let kind = EditKind.tone
    public static let summary = "Contrast, highlights, shadows, whites and blacks as one monotone curve on L*."
    public static let workingSpace = "CIE Lab (D65), L* only"
    public static var parameters: [NumberParameter<Params>] {
        [
            .init("contrast", unit: "%", min: -100, max: 100, default: 0, "S-curve around mid-grey; negative flattens.", \.contrast),
            .init("highlights", unit: "%", min: -100, max: 100, default: 0, "Light tones brighter (positive) or recovered (negative).", \.highlights),
            .init("shadows", unit: "%", min: -100, max: 100, default: 0, "Dark tones lifted (positive) or deepened (negative).", \.shadows),
            .init("whites", unit: "%", min: -100, max: 100, default: 0, "White point; positive clips more to white, negative dims it.", \.whites),
            .init("blacks", unit: "%", min: -100, max: 100, default: 0, "Black point; positive fades black, negative crushes it.", \.blacks),
        ]
    }
    public static let identity = Params()

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// The curve y(x) on x = L*/100 before the monotone/clamp pass of `ToneCurve.lut`.
    /// Each term vanishes at 0 and 1 except whites/blacks, which move the end points; the
    /// amplitudes keep each term monotone on its own over the full ±100 % range.
    public func curve(_ x: Double) -> Double {
        let c = params.contrast / 100, h = params.highlights / 100, s = params.shadows / 100
        let w = params.whites / 100, b = params.blacks / 100
        let one = 1 - x
        let bumpNorm = 0.10546875  // max of x(1−x)³, at x = 1/4
        return x
            + 0.4 * c * 4 * x * one * (x - 0.5)           // slope 1 ± 0.4 at mid-grey, ≥ 0.2 at ends
            + 0.1 * s * x * one * one * one / bumpNorm    // shadows bump, peak at 0.25
            + 0.1 * h * x * x * x * one / bumpNorm        // highlights bump, peak at 0.75
            + 0.12 * w * x * x * x * x                    // white point ±0.12
            + 0.12 * b * one * one * one * one            // black point ±0.12
    }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.lightnessCurve(ToneCurve.lut(curve), maxLightness: ToneCurve.maxLightness)
    }
}
