import Foundation
import IAACore

/// Writes that either complete or leave nothing: the content goes to a temporary file in the
/// destination's folder (same file system, so the final rename is atomic), is flushed to disk
/// with fsync, and is renamed over the destination. On any failure the temporary file is
/// removed and the destination is untouched.
public enum AtomicFile {
    /// Calls `body` with a temporary path beside `destination`, then renames it into place.
    /// The temporary name keeps the destination's extension (some writers choose the format by it).
    public static func write(to destination: String, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: destination)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IAAError(.writeFailed, path: destination, "cannot be written: the folder \(dir) does not exist")
        }
        let ext = url.pathExtension
        let tmp = dir + "/." + url.deletingPathExtension().lastPathComponent + ".iaa-tmp-"
            + String(UInt32.random(in: 0...UInt32.max), radix: 36) + (ext.isEmpty ? "" : "." + ext)
        do {
            try body(tmp)
            try fsync(path: tmp)
            guard rename(tmp, destination) == 0 else {
                throw IAAError(.writeFailed, path: destination, "could not be written (\(String(cString: strerror(errno))))")
            }
            try? fsync(path: dir)
        } catch {
            unlink(tmp)
            if let e = error as? IAAError { throw e }
            throw IAAError(.writeFailed, path: destination, "could not be written (\(error))")
        }
    }

    /// Writes bytes atomically.
    public static func write(_ data: [UInt8], to destination: String) throws {
        try write(to: destination) { tmp in
            guard FileManager.default.createFile(atPath: tmp, contents: Data(data)) else {
                throw IAAError(.writeFailed, path: destination, "could not be written (cannot create a file in its folder)")
            }
        }
    }

    static func fsync(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IAAError(.writeFailed, path: path, "could not be opened to flush (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        #if canImport(Glibc)
        if Glibc.fsync(fd) != 0 { throw IAAError(.writeFailed, path: path, "could not be flushed to disk (\(String(cString: strerror(errno))))") }
        #else
        if Darwin.fsync(fd) != 0 { throw IAAError(.writeFailed, path: path, "could not be flushed to disk") }
        #endif
    }
}
