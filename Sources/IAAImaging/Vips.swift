import CVips
import CVipsShim
import Foundation
import IAACore

/// libvips start-up, done once per process before the first call.
enum Vips {
    static let started: Bool = {
        let ok = iaa_vips_init(CommandLine.arguments.first ?? "iaa-enhance") == 0
        return ok
    }()

    static func ensureStarted() throws {
        if !started {
            throw IAAError(.internalFailure, path: nil, "libvips could not start (\(takeError()))")
        }
    }

    /// Reads and clears the libvips error buffer, as one line.
    static func takeError() -> String {
        guard let raw = iaa_vips_error_take() else { return "unknown libvips error" }
        defer { g_free(raw) }
        let text = String(cString: raw)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        // libvips stacks messages from the innermost failure outwards; keep them unique and short.
        var seen = Set<String>()
        let unique = lines.filter { seen.insert($0).inserted }
        return unique.isEmpty ? "unknown libvips error" : unique.prefix(3).joined(separator: "; ")
    }
}

/// An owned reference to a `VipsImage`; never leaves this module.
final class VipsRef: @unchecked Sendable {
    let ptr: UnsafeMutablePointer<VipsImage>

    init(_ ptr: UnsafeMutablePointer<VipsImage>) { self.ptr = ptr }
    deinit { iaa_vips_unref(ptr) }

    var width: Int { Int(vips_image_get_width(ptr)) }
    var height: Int { Int(vips_image_get_height(ptr)) }
    var bands: Int { Int(vips_image_get_bands(ptr)) }
    var format: VipsBandFormat { vips_image_get_format(ptr) }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(ptr) }
    var hasAlpha: Bool { vips_image_hasalpha(ptr) != 0 }

    func int(_ name: String) -> Int? {
        var v: Int32 = 0
        return iaa_vips_get_int(ptr, name, &v) == 0 ? Int(v) : nil
    }

    func string(_ name: String) -> String? {
        var s: UnsafePointer<CChar>? = nil
        guard iaa_vips_get_string(ptr, name, &s) == 0, let s else { return nil }
        return String(cString: s)
    }

    func blob(_ name: String) -> [UInt8]? {
        var len = 0
        guard let p = iaa_vips_get_blob(ptr, name, &len), len > 0 else { return nil }
        return Array(UnsafeRawBufferPointer(start: p, count: len))
    }

    func fields() -> [String] {
        guard let list = iaa_vips_fields(ptr) else { return [] }
        defer { g_strfreev(list) }
        var out: [String] = []
        var i = 0
        while let s = list[i] { out.append(String(cString: s)); i += 1 }
        return out
    }

    /// Runs a libvips call that produces an image; throws with the libvips message.
    static func make(_ path: String?, _ what: String,
                     _ body: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32) throws -> VipsRef {
        var out: UnsafeMutablePointer<VipsImage>? = nil
        if body(&out) != 0 || out == nil {
            if let out { iaa_vips_unref(out) }
            throw Vips.classify(path: path, what: what, message: Vips.takeError())
        }
        return VipsRef(out!)
    }
}

extension Vips {
    /// Turns a libvips message into the user-facing error kind and sentence.
    static func classify(path: String?, what: String, message raw: String) -> IAAError {
        // libvips often prefixes messages with the file name; the sentence names it already.
        var message = raw
        if let path {
            message = message.replacingOccurrences(of: path + ": ", with: "").replacingOccurrences(of: path, with: "the file")
        }
        let m = message.lowercased()
        if m.contains("premature end") || m.contains("truncated") || m.contains("unexpected end")
            || m.contains("out of data") || m.contains("read error") && m.contains("end") {
            return IAAError(.truncated, path: path, "is truncated: the file ends before the image data does (\(message))")
        }
        if m.contains("is not a known file format") || m.contains("not a known") {
            return IAAError(.unsupportedFormat, path: path, "is not an image in a format iaa-enhance reads (JPEG, PNG, WebP, TIFF, GIF, HEIF/AVIF)")
        }
        if m.contains("no such file") || m.contains("does not exist") {
            return IAAError(.notFound, path: path, "does not exist")
        }
        return IAAError(.corrupt, path: path, "could not be \(what): the image data is damaged (\(message))")
    }
}
