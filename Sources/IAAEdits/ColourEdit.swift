import Foundation
import IAAImaging

/// Saturation and vibrance on chroma (LCh): saturation scales every colour's chroma;
/// vibrance boosts muted colours more than vivid ones and spares skin hues.
public struct ColourEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Chroma boost weighted towards muted colours, skin hues reduced, −100…100 %, default 0.
        public var vibrance: Double
        /// Uniform chroma scale: −100 % gives grey, 100 % doubles chroma. Default 0.
        public var saturation: Double
        public init(vibrance: Double = 0, saturation: Double = 0) { self.vibrance = vibrance; self.saturation = saturation }
    }

    public static let kind = EditKind.colour
    public static let summary = "Vibrance (muted colours more, skin less) and saturation, on LCh chroma."
    public static let workingSpace = "CIE Lab (D65): LCh chroma scaled at constant L* and hue"
    public static var parameters: [NumberParameter<Params>] {
        [
            .init("vibrance", unit: "%", min: -100, max: 100, default: 0,
                  "Chroma change weighted towards muted colours, with skin hues (20–60°) protected.", \.vibrance),
            .init("saturation", unit: "%", min: -100, max: 100, default: 0,
                  "Uniform chroma change; −100 makes the image grey.", \.saturation),
        ]
    }
    public static let identity = Params()

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// Chroma domain of the weight LUT (sRGB colours stay under C* 140; P3/scRGB a bit more).
    static let maxChroma = 200.0

    /// Vibrance weight by chroma: 1 for grey, falling smoothly to 0 at C* 90.
    static let chromaWeights: [Float] = (0..<EditImage.lutSize).map { i in
        let c = Double(i) / Double(EditImage.lutSize - 1) * maxChroma
        let t = max(0, 1 - c / 90)
        return Float(t * t)
    }

    /// Centre of the protected skin hues (LCh h, degrees).
    static let skinHue = 40.0

    /// Vibrance weight by hue, indexed by cos(h − 40°) over −1…1: 0.4 across skin hues
    /// 25–55° (within 15° of 40°), easing back to 1 at 15° and 65° (25° away) with a raised
    /// cosine, so no hue edge shows.
    static let hueWeights: [Float] = (0..<EditImage.lutSize).map { i in
        let c = Double(i) / Double(EditImage.lutSize - 1) * 2 - 1
        let away = acos(max(-1, min(1, c))) * 180 / .pi
        let inside: Double
        if away <= 15 { inside = 1 }
        else if away < 25 { inside = 0.5 + 0.5 * cos((away - 15) / 10 * .pi) }
        else { inside = 0 }
        return Float(1 - 0.6 * inside)
    }

    /// The chroma operation with this edit's weights.
    static func scale(gain: Double, vibrance: Double) -> EditImage.ChromaScale {
        EditImage.ChromaScale(gain: gain, vibrance: vibrance, chromaWeights: chromaWeights, maxChroma: maxChroma,
                              hueWeights: hueWeights, referenceHue: skinHue)
    }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try image.labPointwise(lightness: nil, maxLightness: ToneCurve.maxLightness,
                               chroma: Self.scale(gain: 1 + params.saturation / 100, vibrance: params.vibrance / 100),
                               offsets: nil)
    }
}
