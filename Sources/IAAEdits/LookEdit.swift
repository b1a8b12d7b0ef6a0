import Foundation
import IAAImaging

/// Applies a colour-grading look from `Presets/looks` with an amount: the look's tone curve
/// (blended with the identity by the amount), then its saturation, then its split toning (so a
/// monochrome look can still be toned).
public struct LookEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// The look's id (a file in `Presets/looks`); nil for no look. Default nil.
        public var look: String?
        /// How much of the look, 0…1, default 1 (with no look nothing happens).
        public var amount: Double
        public init(look: String?, amount: Double = 1) { self.look = look; self.amount = amount }
    }

    public static let kind = EditKind.look
    public static let summary = "A colour-grading look (split toning, tone curve, saturation) with an amount."
    public static let workingSpace = "CIE Lab / LCh (D65)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("amount", unit: "fraction", min: 0, max: 1, default: 1,
               "Strength of the look named by look.look (0: none, 1: as designed).", \.amount)]
    }
    public static var extraFieldNames: [String] { ["look"] }
    public static let identity = Params(look: nil)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    public var isIdentity: Bool { params.look == nil || params.amount == 0 }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        guard let id = params.look else { return image }
        let look = try context.looks.look(id)
        let amount = params.amount
        // Curve, saturation and split toning in one pass over Lab.
        let curve = look.toneCurve.map { points -> [Float] in
            let f = ToneCurve.monotoneCubic(points.map { (x: $0[0], y: $0[1]) })
            return ToneCurve.lut { x in x + amount * (f(x) - x) }
        }
        let chroma = look.saturation.flatMap { $0 == 0 ? nil : ColourEdit.scale(gain: 1 + amount * $0 / 100, vibrance: 0) }
        let offsets = look.splitToning.flatMap { s in
            s.shadows.strength > 0 || s.highlights.strength > 0 ? Self.splitToningLUTs(s, amount: amount) : nil
        }
        if curve == nil && chroma == nil && offsets == nil { return image }
        return try image.labPointwise(lightness: curve, maxLightness: ToneCurve.maxLightness, chroma: chroma,
                                      offsets: offsets.map { (da: $0.0, db: $0.1) })
    }

    static func smoothstep(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let t = min(1, max(0, (x - a) / (b - a)))
        return t * t * (3 - 2 * t)
    }

    /// a* and b* offsets by L*: shadows weighted 1 below the split fading to 0 at it,
    /// highlights from the split up; pure black and pure white stay neutral.
    static func splitToningLUTs(_ s: LookDefinition.SplitToning, amount: Double) -> ([Float], [Float]) {
        let n = EditImage.lutSize
        let pivot = 0.5 - 0.25 * s.balance
        let sh = s.shadows.hue * .pi / 180, hh = s.highlights.hue * .pi / 180
        var da = [Float](repeating: 0, count: n), db = da
        for i in 0..<n {
            let x = Double(i) / Double(n - 1) * ToneCurve.maxLightness / 100
            let ws = (1 - smoothstep(0, pivot, x)) * smoothstep(0, 0.08, x)
            let wh = smoothstep(pivot, 1, x) * (1 - smoothstep(0.94, 1.0, x))
            let a = s.shadows.strength * ws * cos(sh) + s.highlights.strength * wh * cos(hh)
            let b = s.shadows.strength * ws * sin(sh) + s.highlights.strength * wh * sin(hh)
            da[i] = Float(amount * a)
            db[i] = Float(amount * b)
        }
        return (da, db)
    }
}
