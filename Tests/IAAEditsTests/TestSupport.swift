import Foundation
import IAACore
import IAAEdits
import IAAImaging
import XCTest

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static func photo(_ name: String) -> String { root + "/photos/" + name }
    static func edits(_ name: String) -> String { root + "/edits/" + name }

    /// A 256 px proxy of a real photo.
    static func proxy(_ name: String = "macaws.jpg", longSide: Int = 256) throws -> RGBImage {
        try Photo(path: photo(name)).proxy(longSide: longSide)
    }

    static func context() throws -> EditContext { EditContext(looks: try LookLibrary.bundled()) }

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "iaa-edits-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// sRGB transfer function (IEC 61966-2-1), 0…255 → linear 0…1.
func linear(_ v: UInt8) -> Double {
    let c = Double(v) / 255
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
}

/// A horizontal grey ramp with a few saturated patches, `width` × `height`.
func syntheticImage(width: Int = 96, height: Int = 64) -> RGBImage {
    var p = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 3
            let g = UInt8(x * 255 / (width - 1))
            switch y * 4 / height {
            case 0: (p[i], p[i + 1], p[i + 2]) = (g, g, g)
            case 1: (p[i], p[i + 1], p[i + 2]) = (g, UInt8(255 - Int(g)), 40)
            case 2: (p[i], p[i + 1], p[i + 2]) = (200, g, 90)
            default: (p[i], p[i + 1], p[i + 2]) = (30, 120, g)
            }
        }
    }
    return RGBImage(width: width, height: height, pixels: p)
}

func maxAbsDiff(_ a: RGBImage, _ b: RGBImage) -> Int {
    precondition(a.width == b.width && a.height == b.height)
    var m = 0
    for i in 0..<a.pixels.count { m = max(m, abs(Int(a.pixels[i]) - Int(b.pixels[i]))) }
    return m
}

func meanAbsDiff(_ a: RGBImage, _ b: RGBImage) -> Double {
    var s = 0
    for i in 0..<a.pixels.count { s += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
    return Double(s) / Double(a.pixels.count)
}

/// Mean of each channel.
func means(_ img: RGBImage) -> (Double, Double, Double) {
    var r = 0.0, g = 0.0, b = 0.0
    for i in stride(from: 0, to: img.pixels.count, by: 3) {
        r += Double(img.pixels[i]); g += Double(img.pixels[i + 1]); b += Double(img.pixels[i + 2])
    }
    let n = Double(img.pixelCount)
    return (r / n, g / n, b / n)
}

/// Renders one edit on a proxy through the chain machinery.
func render(_ edit: any Edit, on image: RGBImage, context: EditContext = EditContext(looks: .empty)) throws -> RGBImage {
    try ChainRenderer(proxy: image, context: context).render(EditChain([edit]))
}

/// The edit's own operation, bypassing the chain's identity skip.
func applyDirectly(_ edit: any Edit, on image: RGBImage, context: EditContext) throws -> RGBImage {
    try edit.apply(to: EditImage(proxy: image), context: context).rgbImage()
}
