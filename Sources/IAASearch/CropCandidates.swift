import Foundation
import IAAAssessment
import IAAEdits

/// A box in normalised frame coordinates (0…1 on both axes, origin top left).
public struct FrameBox: Sendable, Hashable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// Whether `other` lies inside this box, allowing `slack` (a fraction of the frame) on
    /// every side.
    public func contains(_ other: FrameBox, slack: Double = 0) -> Bool {
        other.x >= x - slack && other.y >= y - slack
            && other.x + other.width <= x + width + slack && other.y + other.height <= y + height + slack
    }
}

/// Auto-crop candidates: boxes at the photo's own and the common aspect ratios, at least
/// `minArea` of the frame, placed so that the subject's centre falls on a third or the centre,
/// and each keeping every face and the subject box inside (a crop never cuts what the photo
/// is of). They are ranked by a cheap prior — subject on a thirds intersection, more of the
/// frame kept, the original aspect ratio — and the judge scores the best few by composition
/// and, among the finalists, aesthetics.
public enum CropCandidates {
    /// Aspect ratios tried besides the photo's own (width ÷ height, landscape; flipped for a
    /// portrait frame): 3:2, 4:3, 1:1, 16:9, and 4:5 flipped (a portrait crop of a landscape).
    public static let aspects: [Double] = [3.0 / 2.0, 4.0 / 3.0, 1, 16.0 / 9.0]

    /// What a crop must keep.
    public struct Protected: Sendable {
        /// Faces, normalised.
        public var faces: [FrameBox]
        /// The subject box (the central 90 % of saliency mass), normalised.
        public var subject: FrameBox
        /// The saliency centroid.
        public var centroid: (x: Double, y: Double)

        public init(faces: [FrameBox], subject: FrameBox, centroid: (x: Double, y: Double)) {
            self.faces = faces; self.subject = subject; self.centroid = centroid
        }

        /// Faces with a margin of a quarter of their size, and the subject box less a 4 %
        /// tolerance (its edges are a mass quantile, not an outline).
        public func allows(_ box: FrameBox) -> Bool {
            for f in faces {
                let m = FrameBox(x: f.x - f.width / 4, y: f.y - f.height / 4, width: f.width * 1.5, height: f.height * 1.5)
                if !box.contains(m, slack: 0.005) { return false }
            }
            return box.contains(subject, slack: 0.04)
        }
    }

    /// What `ctx` (the original proxy with its faces) asks a crop to keep.
    public static func protected(_ ctx: AnalysisContext) -> Protected {
        let l = CompositionFactor.layout(ctx)
        let w = Double(ctx.width), h = Double(ctx.height)
        return Protected(faces: ctx.faces.map { FrameBox(x: $0.x / w, y: $0.y / h, width: $0.width / w, height: $0.height / h) },
                         subject: FrameBox(x: l.box.x, y: l.box.y, width: l.box.w, height: l.box.h),
                         centroid: l.centroid)
    }

    /// Up to `count` crop boxes (as crop parameters) for a `width` × `height` frame.
    public static func boxes(width: Int, height: Int, keep: Protected, minArea: Double = 0.6, count: Int = 6) -> [FrameBox] {
        let frameAspect = Double(width) / Double(height)
        let landscape = frameAspect >= 1
        var ratios = [frameAspect] + aspects.map { landscape ? $0 : 1 / $0 }
        ratios.append(landscape ? 4.0 / 5.0 : 5.0 / 4.0)
        var scored: [(FrameBox, Double)] = []
        for (ri, r) in ratios.enumerated() {
            // The largest box of aspect r inside the frame, in normalised units.
            let wMax = r >= frameAspect ? 1 : r / frameAspect
            let hMax = r >= frameAspect ? frameAspect / r : 1
            for scale in [1.0, 0.9, 0.8] {
                let bw = wMax * scale, bh = hMax * scale
                if bw * bh < minArea - 1e-9 || (ri == 0 && scale == 1) { continue }
                // Place the subject's centre at a third or the middle of the box, on each axis.
                for fx in [1.0 / 3, 0.5, 2.0 / 3] {
                    for fy in [1.0 / 3, 0.5, 2.0 / 3] {
                        let x = min(max(0, keep.centroid.x - fx * bw), 1 - bw)
                        let y = min(max(0, keep.centroid.y - fy * bh), 1 - bh)
                        let box = FrameBox(x: x, y: y, width: bw, height: bh)
                        guard keep.allows(box) else { continue }
                        // Prior: subject near a thirds intersection of the box, larger boxes,
                        // the original aspect ratio first.
                        let cx = (keep.centroid.x - x) / bw, cy = (keep.centroid.y - y) / bh
                        let thirds = min(abs(cx - 1.0 / 3), abs(cx - 2.0 / 3)) + min(abs(cy - 1.0 / 3), abs(cy - 2.0 / 3))
                        scored.append((box, bw * bh - thirds - (ri == 0 ? 0 : 0.05)))
                    }
                }
            }
        }
        var out: [FrameBox] = []
        for (b, _) in scored.sorted(by: { $0.1 > $1.1 }) where !out.contains(where: { near($0, b) }) {
            out.append(b)
            if out.count == count { break }
        }
        return out
    }

    static func near(_ a: FrameBox, _ b: FrameBox) -> Bool {
        abs(a.x - b.x) < 0.02 && abs(a.y - b.y) < 0.02 && abs(a.width - b.width) < 0.02 && abs(a.height - b.height) < 0.02
    }

    /// The crop parameters of `box`.
    public static func values(_ box: FrameBox) -> [String: Double] {
        ["crop.x": box.x, "crop.y": box.y, "crop.width": box.width, "crop.height": box.height]
    }

    /// The part of the original frame `point` keeps (straightening keeps a centred inner box,
    /// the crop a box of that), normalised to the original frame; nil without geometry.
    public static func keptBox(_ point: SearchPoint, width: Int, height: Int) -> FrameBox? {
        guard point.kinds.contains(.crop) || point.kinds.contains(.straighten) else { return nil }
        var outer = FrameBox(x: 0, y: 0, width: 1, height: 1)
        if point.kinds.contains(.straighten) {
            let inner = StraightenEdit.innerSize(width: width, height: height, degrees: point["straighten.degrees"])
            let iw = Double(inner.width) / Double(width), ih = Double(inner.height) / Double(height)
            outer = FrameBox(x: (1 - iw) / 2, y: (1 - ih) / 2, width: iw, height: ih)
        }
        guard point.kinds.contains(.crop) else { return outer }
        return FrameBox(x: outer.x + point["crop.x"] * outer.width, y: outer.y + point["crop.y"] * outer.height,
                        width: point["crop.width"] * outer.width, height: point["crop.height"] * outer.height)
    }
}
