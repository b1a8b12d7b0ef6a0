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
        var out = image
        if let points = look.toneCurve {
            let f = ToneCurve.monotoneCubic(points.map { (x: $0[0], y: $0[1]) })
            out = try out.lightnessCurve(ToneCurve.lut { x in x + amount * (f(x) - x) }, maxLightness: ToneCurve.maxLightness)
        }
        if let s = look.saturation, s != 0 {
            out = try out.scaleChroma(gain: 1 + amount * s / 100, vibrance: 0, chromaWeights: ColourEdit.chromaWeights,
                                      maxChroma: ColourEdit.maxChroma, hueWeights: ColourEdit.hueWeights,
                                      referenceHue: ColourEdit.skinHue)
        }
        if let split = look.splitToning, split.shadows.strength > 0 || split.highlights.strength > 0 {
            let (da, db) = Self.splitToningLUTs(split, amount: amount)
            out = try out.offsetChromaByLightness(da: da, db: db, maxLightness: ToneCurve.maxLightness)
        }
        return out
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
