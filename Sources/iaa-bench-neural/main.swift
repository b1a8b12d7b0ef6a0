// Release-only benchmark of the Swift inference engine; driven by Tools/bench-neural.sh, which
// runs onnxruntime on the same networks in the same session and prints the ratios.
// Output: one "key value" line per measurement (milliseconds, megabytes).
import Foundation
import IAACore
import IAAImaging
import IAAModels
import IAANeural

func residentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
        return kb / 1024
    }
    return -1
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

/// Best of `runs` timings of `body`, after one warm-up call, in milliseconds (the minimum is
/// the least disturbed by other processes on a shared machine).
func best(runs: Int, _ body: () -> Void) -> Double {
    body()
    var t: [Double] = []
    for _ in 0..<runs {
        let s = now()
        body()
        t.append(now() - s)
    }
    t.sort()
    return t[0]
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write("usage: iaa-bench-neural INPUT224_DIR PHOTO_640_SOURCE\n".data(using: .utf8)!)
    exit(2)
}
do {
    let rssStart = residentMB()
    let nima = try NIMA.load()
    let yunet = try YuNet.load()
    print("rss_after_load_mb \(String(format: "%.1f", residentMB()))")
    print("rss_process_start_mb \(String(format: "%.1f", rssStart))")

    let dir = args[1]
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".png") }.sorted()
    var images = try files.map { try RGBCodec.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
    while images.count < 8 { images += images }
    let batch8 = Array(images.prefix(8))
    for threads in [1, 2] {
        NeuralThreads.set(threads)
        let b1 = best(runs: 15) { _ = nima.score([batch8[0]]) }
        let b8 = best(runs: 5) { _ = nima.score(batch8) } / 8
        print("nima_b1_t\(threads)_ms \(String(format: "%.2f", b1))")
        print("nima_b8_t\(threads)_ms \(String(format: "%.2f", b8))")
    }
    // YuNet on a 640-pixel-wide photo (the source reduced to 640 px on its long side).
    let photo = try Photo(path: args[2]).proxy(longSide: 640)
    for threads in [1, 2] {
        NeuralThreads.set(threads)
        var faces = 0
        let t = best(runs: 9) { faces = yunet.detect(photo, maxSide: nil).count }
        print("yunet_\(photo.width)x\(photo.height)_t\(threads)_ms \(String(format: "%.2f", t))")
        if threads == 1 { print("yunet_faces \(faces)") }
    }
    print("rss_after_inference_mb \(String(format: "%.1f", residentMB()))")
} catch {
    FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
    exit(1)
}
