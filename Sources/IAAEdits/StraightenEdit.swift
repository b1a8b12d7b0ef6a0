import Foundation
import IAAImaging

/// Levels a tilted horizon: rotates, then keeps the largest centred axis-aligned rectangle of
/// the original aspect ratio that lies inside the rotated frame (no empty corners).
public struct StraightenEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Rotation in degrees, counter-clockwise positive. −45…45, default 0.
        public var degrees: Double
        public init(degrees: Double) { self.degrees = degrees }
    }

    public static let kind = EditKind.straighten
    public static let summary = "Rotate to level the horizon, cropping to the largest inner rectangle of the same aspect."
    public static let workingSpace = "any (geometry: the file's own space)"
    public static var parameters: [NumberParameter<Params>] {
        [.init("degrees", unit: "°", min: -45, max: 45, default: 0,
               "Rotation angle; positive turns the picture counter-clockwise.", \.degrees)]
    }
    public static let identity = Params(degrees: 0)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    /// The size of the largest rectangle of aspect `width:height`, centred and axis-aligned,
    /// inside a `width` × `height` frame rotated by `degrees`, less one pixel on each side
    /// (bilinear resampling blends the frame's outermost pixels with the background).
    public static func innerSize(width: Int, height: Int, degrees: Double) -> (width: Int, height: Int) {
        let t = abs(degrees) * .pi / 180
        let w = Double(width), h = Double(height)
        let (c, s) = (cos(t), sin(t))
        // A w'×h' box (w'/h' = w/h) fits when w'c + h's ≤ w and w's + h'c ≤ h; scale = s·(w, h).
        let scale = min(w / (w * c + h * s), h / (w * s + h * c))
        let margin = t == 0 ? 0 : 2
        return (max(1, Int((scale * w).rounded(.down)) - margin), max(1, Int((scale * h).rounded(.down)) - margin))
    }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        let size = Self.innerSize(width: image.width, height: image.height, degrees: params.degrees)
        // libvips rotates clockwise for positive angles (y points down).
        return try image.rotate(degreesClockwise: -params.degrees, width: size.width, height: size.height)
    }
}
