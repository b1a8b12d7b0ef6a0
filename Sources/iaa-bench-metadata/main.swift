// iaa-bench-metadata: times tagging a file in place (the write alone: read, splice the XMP,
// atomic write with fsync, rename) against copying the same bytes, in one process and run.
// Driven by Tools/bench-metadata.sh, which also times `cp` in the same run. Release builds only.
import Foundation
import IAACore
import IAAMetadata

var args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: iaa-bench-metadata [--tag-only] FILE [ITERATIONS=20]\n".utf8))
    exit(2)
}
// --tag-only FILE: tag FILE in place once and exit (for timing a process per file).
if args[1] == "--tag-only", args.count >= 3 {
    do {
        let score = 4.0 + Double(UInt8.random(in: 0...50)) * 0.1
        try MetadataEmbedder.embed(AestheticRecord(levels: [.exposure: 3], aestheticScore: score), into: args[2], overwriteRating: true)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("iaa-bench-metadata: \(error)\n".utf8))
        exit(1)
    }
}
let source = args[1]
let n = args.count > 2 ? max(1, Int(args[2]) ?? 20) : 20
let dir = (source as NSString).deletingLastPathComponent
let work = dir + "/bench-tag-" + (source as NSString).lastPathComponent
let copyDest = dir + "/bench-copy-" + (source as NSString).lastPathComponent

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }

do {
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.copyItem(atPath: source, toPath: work)
    let size = (try FileManager.default.attributesOfItem(atPath: source)[.size] as? Int) ?? 0
    var tag: [Double] = [], atomicCopy: [Double] = [], plainCopy: [Double] = [], splice: [Double] = []
    let original = [UInt8](FileManager.default.contents(atPath: source)!)
    for i in 0..<n {
        // A different score each time, so every iteration really rewrites the file.
        let r = AestheticRecord(levels: [.exposure: 3, .sharpness: 4, .composition: 2],
                                scores: [.exposure: 5.1, .sharpness: 6.7, .composition: 4.4],
                                aestheticScore: 4.0 + Double(i % 50) * 0.1, aestheticSpread: 1.5, technicalScore: 6.2,
                                models: [ModelInfo(name: "NIMA-MobileNet-AVA", version: "idealo-0.07")])
        var t = now()
        try MetadataEmbedder.embed(r, into: work, mode: .inPlace, overwriteRating: true)
        tag.append(now() - t)
        // The format work alone, in memory (parse, merge the packet, splice), no I/O.
        t = now()
        let spliced = try MetadataEmbedder.embedding(r, in: original, path: source, overwriteRating: true)
        splice.append(now() - t)
        precondition(spliced != original, "the splice changed nothing")
        // Baseline 1: the same bytes through the same atomic writer (read, temp file, fsync, rename).
        t = now()
        let bytes = [UInt8](FileManager.default.contents(atPath: source)!)
        try AtomicWrite.write(bytes, to: copyDest)
        atomicCopy.append(now() - t)
        // Baseline 2: a plain copy without fsync (what `cp` does).
        t = now()
        try? FileManager.default.removeItem(atPath: copyDest)
        try FileManager.default.copyItem(atPath: source, toPath: copyDest)
        plainCopy.append(now() - t)
    }
    guard try MetadataReader.read(work) != nil else { throw IAAError(.internalFailure, path: work, "has no record after tagging") }
    try? FileManager.default.removeItem(atPath: work)
    try? FileManager.default.removeItem(atPath: copyDest)
    print(String(format: "file_bytes=%d iterations=%d tag_ms=%.3f splice_only_ms=%.3f atomic_copy_ms=%.3f plain_copy_ms=%.3f",
                 size, n, median(tag) * 1000, median(splice) * 1000, median(atomicCopy) * 1000, median(plainCopy) * 1000))
} catch {
    FileHandle.standardError.write(Data("iaa-bench-metadata: \(error)\n".utf8))
    exit(1)
}
