import IAACore
import IAAImaging

/// Keeps a box of the (levelled) frame, given in fractions of its width and height so that
/// the same recipe crops a proxy and the full-resolution file alike.
public struct CropEdit: Edit {
    public struct Params: Codable, Hashable, Sendable {
        /// Left edge, fraction of the width. 0…0.95, default 0.
        public var x: Double
        /// Top edge, fraction of the height. 0…0.95, default 0.
        public var y: Double
        /// Box width, fraction of the width. 0.05…1, default 1.
        public var width: Double
        /// Box height, fraction of the height. 0.05…1, default 1.
        public var height: Double
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    public static let kind = EditKind.crop
    public static let summary = "Keep a box of the frame (normalised coordinates)."
    public static let workingSpace = "any (geometry: the file's own space)"
    public static var parameters: [NumberParameter<Params>] {
        [
            .init("x", unit: "fraction of width", min: 0, max: 0.95, default: 0, "Left edge of the box.", \.x),
            .init("y", unit: "fraction of height", min: 0, max: 0.95, default: 0, "Top edge of the box.", \.y),
            .init("width", unit: "fraction of width", min: 0.05, max: 1, default: 1, "Width of the box.", \.width),
            .init("height", unit: "fraction of height", min: 0.05, max: 1, default: 1, "Height of the box.", \.height),
        ]
    }
    public static let identity = Params(x: 0, y: 0, width: 1, height: 1)

    public var params: Params
    public init(_ params: Params) { self.params = params }

    public static func validateRelations(_ p: Params) throws {
        // A tolerance of one canonical rounding step: 0.3 + 0.7 may not add up to exactly 1.
        if p.x + p.width > 1 + 1e-6 {
            throw IAAError(.invalidArgument, path: nil, "Expected crop.x + crop.width to be at most 1 but received \(CanonicalJSON.format(p.x + p.width))")
        }
        if p.y + p.height > 1 + 1e-6 {
            throw IAAError(.invalidArgument, path: nil, "Expected crop.y + crop.height to be at most 1 but received \(CanonicalJSON.format(p.y + p.height))")
        }
    }

    /// The pixel box for a `width` × `height` frame: edges rounded to the nearest pixel.
    public func pixelBox(width: Int, height: Int) -> (left: Int, top: Int, width: Int, height: Int) {
        let l = min(width - 1, Int((params.x * Double(width)).rounded()))
        let t = min(height - 1, Int((params.y * Double(height)).rounded()))
        let r = min(width, max(l + 1, Int(((params.x + params.width) * Double(width)).rounded())))
        let b = min(height, max(t + 1, Int(((params.y + params.height) * Double(height)).rounded())))
        return (l, t, r - l, b - t)
    }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        let box = pixelBox(width: image.width, height: image.height)
        return try image.crop(left: box.left, top: box.top, width: box.width, height: box.height)
    }
}
