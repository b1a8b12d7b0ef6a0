import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes that either complete or leave nothing: the content goes to a temporary file in the
/// destination's folder (same file system, so the final rename is atomic), is flushed to disk
/// with fsync, and is renamed over the destination. On any failure the temporary file is
/// removed and the destination is untouched.
///
/// Lives in IAACore so that every layer (imaging, metadata) shares one implementation without
/// depending on libvips.
public enum AtomicWrite {
    /// Marker in every temporary name, so folder scans can skip half-written files.
    public static let temporaryMarker = ".iaa-tmp-"

    /// Calls `body` with a temporary path beside `destination`, then renames it into place.
    /// The temporary name keeps the destination's extension (some writers choose the format by it).
    /// - Parameter permissionsFrom: if given and that file exists, the result gets its permission
    ///   bits (an in-place edit must not turn a 0600 file into a 0644 one). Default: none, so the
    ///   process umask applies.
    public static func write(to destination: String, permissionsFrom: String? = nil,
                             _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: destination)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IAAError(.writeFailed, path: destination, "cannot be written: the folder \(dir) does not exist")
        }
        let ext = url.pathExtension
        let tmp = dir + "/." + url.deletingPathExtension().lastPathComponent + temporaryMarker
            + String(UInt32.random(in: 0...UInt32.max), radix: 36) + (ext.isEmpty ? "" : "." + ext)
        do {
            try body(tmp)
            if let source = permissionsFrom {
                var st = stat()
                if stat(source, &st) == 0 { _ = chmod(tmp, st.st_mode & 0o7777) }
            }
            try fsync(path: tmp, reportAs: destination)
            guard rename(tmp, destination) == 0 else {
                throw IAAError(.writeFailed, path: destination, "could not be written (\(String(cString: strerror(errno))))")
            }
            // Make the rename itself durable; a failure here does not undo a completed write.
            try? fsync(path: dir, reportAs: dir)
        } catch {
            unlink(tmp)
            if let e = error as? IAAError { throw e }
            throw IAAError(.writeFailed, path: destination, "could not be written (\(error))")
        }
    }

    /// Writes bytes atomically (see `write(to:permissionsFrom:_:)`).
    public static func write(_ data: [UInt8], to destination: String, permissionsFrom: String? = nil) throws {
        try write(to: destination, permissionsFrom: permissionsFrom) { tmp in
            let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else {
                throw IAAError(.writeFailed, path: destination, "could not be written (cannot create a file in its folder: \(String(cString: strerror(errno))))")
            }
            defer { close(fd) }
            var written = 0
            try data.withUnsafeBytes { raw in
                while written < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw IAAError(.writeFailed, path: destination, "could not be written (\(String(cString: strerror(errno))))")
                    }
                    written += n
                }
            }
        }
    }

    static func fsync(path: String, reportAs: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IAAError(.writeFailed, path: reportAs, "could not be opened to flush (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        #if canImport(Glibc)
        if Glibc.fsync(fd) != 0 { throw IAAError(.writeFailed, path: reportAs, "could not be flushed to disk (\(String(cString: strerror(errno))))") }
        #else
        if Darwin.fsync(fd) != 0 { throw IAAError(.writeFailed, path: reportAs, "could not be flushed to disk") }
        #endif
    }
}
