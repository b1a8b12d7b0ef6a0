// Release-only benchmark of the Swift inference engine; driven by Tools/bench-neural.sh, which
// runs onnxruntime on the same networks in the same session and prints the ratios.
// Output: one "key value" line per measurement (milliseconds, megabytes); wall-clock best of
// N, plus thread CPU time for the single-thread runs.
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

/// CPU time of the calling thread, ms. With one thread all work runs on the caller, so this
/// is immune to the time slices other processes take on a shared machine.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

/// Best of `runs` timings of `body`, after one warm-up call, in milliseconds (the minimum is
/// the least disturbed by other processes on a shared machine).
func best(runs: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    var wall = Double.infinity, cpu = Double.infinity
    for _ in 0..<runs {
        let s = now(), c = threadCPU()
        body()
        cpu = min(cpu, threadCPU() - c)
        wall = min(wall, now() - s)
    }
    return (wall, cpu)
}

func report(_ key: String, _ t: (wall: Double, cpu: Double), per: Double = 1, cpu: Bool) {
    print("\(key)_ms \(String(format: "%.2f", t.wall / per))")
    if cpu { print("\(key)_cpu_ms \(String(format: "%.2f", t.cpu / per))") }
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
    print("rss_after_load_nima_yunet_mb \(String(format: "%.1f", residentMB()))")
    // Every model `score` loads (the registry's whole table), for the "< 100 MB" budget.
    let classical: (Brisque, Niqe) = (try Brisque.load(), try Niqe.load())
    let effnet = try EfficientNetLite0.load()
    _ = classical
    print("rss_after_load_mb \(String(format: "%.1f", residentMB()))")
    print("rss_process_start_mb \(String(format: "%.1f", rssStart))")

    let dir = args[1]
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".png") }.sorted()
    var images = try files.map { try RGBCodec.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
    while images.count < 8 { images += images }
    let batch8 = Array(images.prefix(8))
    for threads in [1, 2] {
        NeuralThreads.set(threads)
        report("nima_b1_t\(threads)", best(runs: 15) { _ = nima.score([batch8[0]]) }, cpu: threads == 1)
        report("nima_b8_t\(threads)", best(runs: 5) { _ = nima.score(batch8) }, per: 8, cpu: threads == 1)
    }
    // YuNet on a 640-pixel-wide photo (the source reduced to 640 px on its long side).
    let photo = try Photo(path: args[2]).proxy(longSide: 640)
    for threads in [1, 2] {
        NeuralThreads.set(threads)
        var faces = 0
        report("yunet_\(photo.width)x\(photo.height)_t\(threads)", best(runs: 9) { faces = yunet.detect(photo, maxSide: nil).count },
               cpu: threads == 1)
        if threads == 1 { print("yunet_faces \(faces)") }
    }
    print("rss_after_inference_mb \(String(format: "%.1f", residentMB()))")
    // EfficientNet-Lite0 (theme classifier), one 224×224 input.
    for threads in [1, 2] {
        NeuralThreads.set(threads)
        report("effnet_b1_t\(threads)", best(runs: 15) { _ = effnet.probabilities([batch8[0]]) }, cpu: threads == 1)
    }
} catch {
    FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
    exit(1)
}
