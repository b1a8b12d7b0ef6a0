import Foundation
import IAACore
import IAAImaging

/// Where a command writes the file it derives from an input photo.
///
/// - no `-o`: beside the input, `photo.jpg` → `photo.enhanced.jpg` (the suffix is the command's);
/// - `-o DIR/` (a trailing slash or an existing folder): `DIR/photo.jpg`, or
///   `DIR/photo.enhanced.jpg` when DIR is the input's own folder;
/// - `-o PATH`: exactly PATH (one input only); its extension chooses the format;
/// - `--in-place`: the input itself (written atomically).
/// The input is never the destination unless `inPlace` is set.
public struct OutputNaming: Sendable, Equatable {
    public var output: String?
    public var inPlace: Bool
    public var suffix: String

    public init(output: String?, inPlace: Bool = false, suffix: String = "enhanced") {
        self.output = output
        self.inPlace = inPlace
        self.suffix = suffix
    }

    /// Checks the options against the number of inputs (usage errors).
    public func validate(inputCount: Int) throws {
        if inPlace && output != nil { throw IAAError(.invalidArgument, path: nil, "--in-place and -o cannot be used together") }
        if let o = output, !isDirectory(o), inputCount > 1 {
            throw IAAError(.invalidArgument, path: nil, "-o \(o) names one file but \(inputCount) photos were given; use -o FOLDER/ instead")
        }
    }

    func isDirectory(_ path: String) -> Bool {
        if path.hasSuffix("/") { return true }
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// The destination for `input`.
    public func destination(for input: String) throws -> String {
        if inPlace { return input }
        let url = URL(fileURLWithPath: input)
        let stem = url.deletingPathExtension().lastPathComponent
        let inputExt = url.pathExtension
        // Keep the input's format when we can write it; otherwise JPEG.
        let ext = OutputFormat(path: input) != nil ? inputExt : "jpg"
        var dest: String
        if let o = output {
            if isDirectory(o) {
                let dir = URL(fileURLWithPath: o).standardizedFileURL
                let sameFolder = dir.path == url.deletingLastPathComponent().standardizedFileURL.path
                dest = dir.appendingPathComponent(sameFolder ? "\(stem).\(suffix).\(ext)" : "\(stem).\(ext)").path
            } else {
                dest = o
                if OutputFormat(path: o) == nil {
                    throw IAAError(.invalidArgument, path: o, "has an extension iaa-enhance cannot write (use .jpg, .png, .webp or .tif)")
                }
            }
        } else {
            dest = url.deletingLastPathComponent().appendingPathComponent("\(stem).\(suffix).\(ext)").path
        }
        if URL(fileURLWithPath: dest).standardizedFileURL.path == url.standardizedFileURL.path {
            throw IAAError(.invalidArgument, path: input, "would be overwritten by its own output; pass --in-place to replace the original")
        }
        return dest
    }
}
