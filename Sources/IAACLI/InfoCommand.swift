import ArgumentParser
import Foundation
import IAACore
import IAAImaging

/// `iaa-enhance info`: what was loaded, without assessing anything.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show what iaa-enhance reads from photos: format, size, orientation, ICC, camera EXIF, XMP namespaces."
    )

    @OptionGroup var photos: PhotoArguments

    @Flag(help: "Write one JSON object per photo (JSON Lines) instead of text.")
    var json = false

    @Flag(help: "Also decode every pixel strictly, to check that the file is intact.")
    var check = false

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try forEachPhoto(photos.files()) { file in
            let photo = try Photo(path: file, options: photos.decodeOptions)
            if check { try photo.validate() }
            if json {
                print(String(decoding: try encoder.encode(InfoJSON(photo.info)), as: UTF8.self))
            } else {
                print(Self.text(photo.info))
            }
        }
    }

    static func text(_ i: PhotoInfo) -> String {
        var lines = ["\(i.path)"]
        func add(_ k: String, _ v: String) { lines.append("  " + k.padding(toLength: 17, withPad: " ", startingAt: 0) + v) }
        add("format", "\(i.format.rawValue.uppercased()), \(i.fileSize) bytes" + (i.pages > 1 ? ", \(i.pages) pages (first used)" : ""))
        if let m = i.extensionMismatch { add("note", m) }
        add("size", "\(i.width)×\(i.height) upright (\(String(format: "%.1f", Double(i.width * i.height) / 1e6)) MP)")
        add("orientation", "\(i.orientation)" + (i.orientation == 1 ? " (upright)" : " (rotated on load)"))
        add("pixels", "\(i.colourSpace), \(i.bands) band\(i.bands == 1 ? "" : "s") × \(i.bitsPerSample) bit" + (i.hasAlpha ? ", alpha" : ""))
        add("ICC", i.iccProfile.map { "\($0) (\(i.iccBytes) bytes)" } ?? (i.iccBytes > 0 ? "\(i.iccBytes) bytes" : "none (sRGB assumed)"))
        add("EXIF", i.exifBytes > 0 ? "\(i.exifBytes) bytes" : "none")
        for k in i.camera.keys.sorted() { add("  " + k, i.camera[k]!) }
        add("XMP", i.xmpBytes > 0 ? "\(i.xmpBytes) bytes, namespaces: " + i.xmpNamespaces.keys.sorted().joined(separator: ", ") : "none")
        add("IPTC", i.iptcBytes > 0 ? "\(i.iptcBytes) bytes" : "none")
        return lines.joined(separator: "\n")
    }
}

/// The stable JSON shape of `info --json`.
struct InfoJSON: Encodable {
    let file: String, format: String, fileSize: Int, width: Int, height: Int
    let storedWidth: Int, storedHeight: Int, orientation: Int, bands: Int, bitsPerSample: Int
    let hasAlpha: Bool, colourSpace: String, pages: Int
    let icc: String?, iccBytes: Int, exifBytes: Int, xmpBytes: Int, iptcBytes: Int
    let camera: [String: String], xmpNamespaces: [String: String], extensionMismatch: String?

    init(_ i: PhotoInfo) {
        file = i.path; format = i.format.rawValue; fileSize = i.fileSize; width = i.width; height = i.height
        storedWidth = i.storedWidth; storedHeight = i.storedHeight; orientation = i.orientation
        bands = i.bands; bitsPerSample = i.bitsPerSample; hasAlpha = i.hasAlpha; colourSpace = i.colourSpace
        pages = i.pages; icc = i.iccProfile; iccBytes = i.iccBytes; exifBytes = i.exifBytes
        xmpBytes = i.xmpBytes; iptcBytes = i.iptcBytes; camera = i.camera; xmpNamespaces = i.xmpNamespaces
        extensionMismatch = i.extensionMismatch
    }
}
