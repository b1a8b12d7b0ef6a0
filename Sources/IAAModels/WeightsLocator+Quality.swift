import Foundation
import IAACore

/// The path of the weight file `name` (e.g. `brisque_live.safetensors`).
///
/// Looks in `$IAA_WEIGHTS_DIR` when it is set (and only there: an explicit setting is never
/// second-guessed), else in a `Weights` folder found by walking up from the current directory
/// and then from the running executable's folder (so both `swift run` / `swift test` in a
/// checkout and an installed binary beside its `Weights` folder work).
/// - Throws: `IAAError(.notFound)` naming where it looked.
public func locateWeights(_ name: String) throws -> String {
    let fm = FileManager.default
    if let dir = ProcessInfo.processInfo.environment["IAA_WEIGHTS_DIR"], !dir.isEmpty {
        let path = (dir as NSString).appendingPathComponent(name)
        guard fm.fileExists(atPath: path) else {
            throw IAAError(.notFound, path: path, "does not exist (IAA_WEIGHTS_DIR is set to \(dir))")
        }
        return path
    }
    var starts = [fm.currentDirectoryPath]
    let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent().path
    if !exe.isEmpty { starts.append(exe) }
    for start in starts {
        var dir = URL(fileURLWithPath: start).standardizedFileURL
        while true {
            let candidate = dir.appendingPathComponent("Weights").appendingPathComponent(name).path
            if fm.fileExists(atPath: candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
    }
    throw IAAError(.notFound, path: name,
                   "was not found in a Weights folder above \(starts.joined(separator: " or ")) (set IAA_WEIGHTS_DIR to the folder holding it)")
}
