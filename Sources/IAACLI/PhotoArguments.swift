import ArgumentParser
import Foundation
import IAACore
import IAAImaging

/// Files and folders to process, shared by every command that takes photos.
struct PhotoArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("Photos, or folders searched recursively for photos.", valueName: "path"))
    var paths: [String]

    @Option(name: .customLong("max-megapixels"),
            help: ArgumentHelp("Refuse images larger than this many megapixels (decompression-bomb guard).", valueName: "MP"))
    var maxMegapixels: Double = 268

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Expected at least one photo or folder.") }
        if !(maxMegapixels > 0) { throw ValidationError("Expected a positive number for --max-megapixels but received \(maxMegapixels).") }
    }

    var decodeOptions: DecodeOptions { DecodeOptions(pixelLimit: Int(maxMegapixels * 1_000_000)) }

    /// Expands folders (recursively, sorted, hidden files skipped, only known image
    /// extensions); named files are always attempted, whatever their extension.
    func files(excluding excluded: String? = nil) -> [String] {
        let skip = excluded.map { URL(fileURLWithPath: $0).standardizedFileURL.path + "/" }
        let known = Set(PhotoFormat.allCases.flatMap(\.extensions))
        var out: [String] = []
        for path in paths {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                guard let e = FileManager.default.enumerator(atPath: path) else { continue }
                var found: [String] = []
                while let rel = e.nextObject() as? String {
                    let name = (rel as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    let full = (path as NSString).appendingPathComponent(rel)
                    if let skip, URL(fileURLWithPath: full).standardizedFileURL.path.hasPrefix(skip) { continue }
                    if known.contains((name as NSString).pathExtension.lowercased()),
                       !name.contains(AtomicWrite.temporaryMarker) {
                        found.append((path as NSString).appendingPathComponent(rel))
                    }
                }
                out += found.sorted()
            } else {
                out.append(path)
            }
        }
        return out
    }
}

/// Runs `body` on every file; a failure is reported and the batch goes on. Throws a
/// `BatchFailure` at the end if any file failed.
func forEachPhoto(_ files: [String], _ body: (String) throws -> Void) throws {
    var failures: [(String, IAAError)] = []
    for file in files {
        do {
            try body(file)
        } catch let e as IAAError {
            failures.append((file, e))
            FileHandle.standardError.write(Data("iaa-enhance: \(e.description)\n".utf8))
        } catch {
            let e = IAAError(.internalFailure, path: file, "failed (\(error))")
            failures.append((file, e))
            FileHandle.standardError.write(Data("iaa-enhance: \(e.description)\n".utf8))
        }
    }
    if !failures.isEmpty { throw BatchFailure(failures: failures, total: files.count) }
}
