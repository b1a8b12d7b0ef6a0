import Foundation
import IAACore

/// A tiny RGB canvas for the factors' visuals: alpha-blended discs, lines, rectangles.
struct Canvas {
    var width: Int, height: Int
    var px: [Float]  // 0…255, interleaved RGB

    init(width: Int, height: Int, fill: (Float, Float, Float)) {
        self.width = width; self.height = height
        px = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { px[3 * i] = fill.0; px[3 * i + 1] = fill.1; px[3 * i + 2] = fill.2 }
    }

    /// Starts from an image, dimmed towards grey by `dim` (0 = unchanged).
    init(_ image: RGBImage, dim: Float = 0) {
        width = image.width; height = image.height
        px = image.pixels.map { Float($0) * (1 - dim) + 128 * dim * 0.5 }
    }

    mutating func blend(_ x: Int, _ y: Int, _ c: (Float, Float, Float), _ a: Float) {
        guard x >= 0, y >= 0, x < width, y < height, a > 0 else { return }
        let i = (y * width + x) * 3
        px[i] += (c.0 - px[i]) * a; px[i + 1] += (c.1 - px[i + 1]) * a; px[i + 2] += (c.2 - px[i + 2]) * a
    }

    /// An antialiased line of `thickness` pixels.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: (Float, Float, Float), thickness: Double = 1.5, alpha: Float = 1) {
        let minX = Int(min(x0, x1) - thickness - 1), maxX = Int(max(x0, x1) + thickness + 1)
        let minY = Int(min(y0, y1) - thickness - 1), maxY = Int(max(y0, y1) + thickness + 1)
        let dx = x1 - x0, dy = y1 - y0, len2 = max(1e-9, dx * dx + dy * dy)
        for y in max(0, minY)...min(height - 1, max(0, maxY)) {
            for x in max(0, minX)...min(width - 1, max(0, maxX)) {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                let t = max(0, min(1, ((px - x0) * dx + (py - y0) * dy) / len2))
                let ex = x0 + t * dx - px, ey = y0 + t * dy - py
                let d = (ex * ex + ey * ey).squareRoot()
                let a = Float(max(0, min(1, thickness / 2 + 0.5 - d)))
                if a > 0 { blend(x, y, c, a * alpha) }
            }
        }
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: (Float, Float, Float), thickness: Double = 2) {
        line(x, y, x + w, y, c, thickness: thickness); line(x + w, y, x + w, y + h, c, thickness: thickness)
        line(x + w, y + h, x, y + h, c, thickness: thickness); line(x, y + h, x, y, c, thickness: thickness)
    }

    /// A ring (circle outline) or, with `fill`, a disc.
    mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, _ c: (Float, Float, Float), thickness: Double = 2, fill: Bool = false, alpha: Float = 1) {
        let ext = Int(r + thickness + 2)
        for y in max(0, Int(cy) - ext)...min(height - 1, Int(cy) + ext) {
            for x in max(0, Int(cx) - ext)...min(width - 1, Int(cx) + ext) {
                let d = ((Double(x) + 0.5 - cx) * (Double(x) + 0.5 - cx) + (Double(y) + 0.5 - cy) * (Double(y) + 0.5 - cy)).squareRoot()
                let a = fill ? max(0, min(1, r + 0.5 - d)) : max(0, min(1, thickness / 2 + 0.5 - abs(d - r)))
                if a > 0 { blend(x, y, c, Float(a) * alpha) }
            }
        }
    }

    var image: RGBImage {
        RGBImage(width: width, height: height, pixels: px.map { UInt8(max(0, min(255, $0.rounded()))) })
    }
}
