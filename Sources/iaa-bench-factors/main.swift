// Benchmark of the classical assessment factors (release builds only; run Tools/bench-factors.sh).
//
// Usage: iaa-bench-factors PHOTO [LONG_SIDE=1024] [REPEATS=15]
//        iaa-bench-factors --values OUT.tsv LONG_SIDE PHOTO…   (every factor's values, for comparisons)
//        iaa-bench-factors --loop N PHOTO [LONG_SIDE]   (only the classical assessment, N times: for perf/callgrind)
// Prints, in one run: the time to decode the proxy, NIMA's inference on that proxy (batch 1,
// 1 thread — the baseline the classical factors are held to), the time to build the shared
// planes once, each factor's time on a context whose planes are already built, and one full
// assessment on a fresh context; every figure also as a ratio to decode and to NIMA. Medians.
//
// Times are CPU time of the measuring thread (CLOCK_THREAD_CPUTIME_ID), the same clock for NIMA
// and the factors, so other processes on a shared machine do not count. NIMA runs with one
// OpenBLAS thread, which computes on the calling thread; its process CPU time is printed beside
// it to show that no other thread did part of the work. Decoding is timed in process CPU time
// (libvips decodes on worker threads). NIMA and the classical assessment alternate in one loop,
// so drifts of clock speed or cache pressure affect both sides alike.
import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import IAAModels
import IAANeural

func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
func cpuMs(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
}
/// Thread CPU time of `body`, in ms.
func time(_ body: () throws -> Void) rethrows -> Double {
    let t0 = cpuMs(CLOCK_THREAD_CPUTIME_ID)
    try body()
    return cpuMs(CLOCK_THREAD_CPUTIME_ID) - t0
}
/// Process CPU time (all threads) of `body`, in ms.
func processTime(_ body: () throws -> Void) rethrows -> Double {
    let t0 = cpuMs(CLOCK_PROCESS_CPUTIME_ID)
    try body()
    return cpuMs(CLOCK_PROCESS_CPUTIME_ID) - t0
}

/// Minor page faults of the process so far.
func minorFaults() -> Int {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Int(u.ru_minflt)
}

/// `--values`: one TSV row per photo and factor (raw, score, level, measurements), with and
/// without visuals, so that two builds can be compared value by value.
func dumpValues(_ args: [String]) throws {
    guard args.count >= 4, let longSide = Int(args[3]) else {
        FileHandle.standardError.write(Data("usage: iaa-bench-factors --values OUT.tsv LONG_SIDE PHOTO…\n".utf8))
        exit(2)
    }
    var out = "context\tfactor\traw\tscore\tlevel\tmeasurements\n"
    for path in args[4...] {
        let image = try Photo(path: path).proxy(longSide: longSide)
        let name = "\(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)@\(image.width)x\(image.height)"
        for r in Assessor().assess(AnalysisContext(image: image)).results {
            let m = r.measurements.map { "\($0.name)=\($0.value)" }
            let v = r.visual.map { v -> String in
                let mean = Double(v.image.pixels.reduce(0) { $0 + Int($1) }) / Double(max(1, v.image.pixels.count))
                return "visualMean=\(mean)"
            }
            out += "\(name)\t\(r.id)\t\(r.raw)\t\(r.score)\t\(r.level.map { "\($0.value)" } ?? "-")\t\((m + (v.map { [$0] } ?? [])).joined(separator: ";"))\n"
        }
    }
    try out.write(toFile: args[2], atomically: true, encoding: .utf8)
}

let args = CommandLine.arguments
if args.count >= 2 && args[1] == "--values" {
    do { try dumpValues(args) } catch { FileHandle.standardError.write(Data("\(error)\n".utf8)); exit(1) }
    exit(0)
}
if args.count >= 4 && args[1] == "--loop", let n = Int(args[2]) {
    do {
        let image = try Photo(path: args[3]).proxy(longSide: args.count > 4 ? Int(args[4]) ?? 1024 : 1024)
        let factors = Assessor.classicalFactors(visuals: false)
        var t: [Double] = []
        let faults0 = minorFaults()
        for _ in 0..<n { t.append(time { _ = Assessor(factors: factors).assess(AnalysisContext(image: image)) }) }
        let faults = minorFaults() - faults0
        let s = t.sorted()
        FileHandle.standardError.write(Data(String(format: "classical assessment (no visuals): min %.2f ms, median %.2f ms of %d (thread CPU time), %d page faults each\n",
                                                   s[0], s[s.count / 2], n, faults / n).utf8))
    } catch { FileHandle.standardError.write(Data("\(error)\n".utf8)); exit(1) }
    exit(0)
}
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: iaa-bench-factors PHOTO [LONG_SIDE] [REPEATS]\n".utf8))
    exit(2)
}
let path = args[1]
let longSide = args.count > 2 ? Int(args[2]) ?? 1024 : 1024
let repeats = args.count > 3 ? Int(args[3]) ?? 15 : 15

do {
    var proxy: RGBImage? = nil
    var decode: [Double] = []
    var info = ""
    for _ in 0..<repeats {
        decode.append(try processTime {
            let photo = try Photo(path: path)
            info = "\(photo.info.width)×\(photo.info.height)"
            proxy = try photo.proxy(longSide: longSide)
        })
    }
    let image = proxy!
    let base = median(decode)
    // NIMA on the same proxy, batch 1, one thread (its own 224-px resize included), warmed up.
    NeuralThreads.set(1)
    let nima = try NIMA.load()
    _ = nima.score(image)
    let classicalFactors = Assessor.classicalFactors(visuals: false)
    _ = Assessor(factors: classicalFactors).assess(AnalysisContext(image: image))
    // Alternating, so both sides see the same machine.
    var nimaTimes: [Double] = [], nimaProcess: [Double] = [], classicalTimes: [Double] = [], classicalFaults: [Int] = []
    for _ in 0..<max(repeats, 5) {
        var t = 0.0
        nimaProcess.append(processTime { t = time { _ = nima.score(image) } })
        nimaTimes.append(t)
        let f0 = minorFaults()
        classicalTimes.append(time { _ = Assessor(factors: classicalFactors).assess(AnalysisContext(image: image)) })
        classicalFaults.append(minorFaults() - f0)
    }
    let nimaMs = median(nimaTimes), classical = median(classicalTimes)
    print("photo \(path) (\(info)), proxy \(image.width)×\(image.height), \(max(repeats, 5)) repeats, medians of thread CPU time")
    func row(_ name: String, _ ms: Double) {
        print(name.padding(toLength: 30, withPad: " ", startingAt: 0)
              + String(format: "%9.2f ms  %6.2f× decode  %6.2f× NIMA", ms, ms / base, ms / nimaMs))
    }
    print("decode proxy".padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%9.2f ms  (process CPU time, all libvips threads)", base))
    row("NIMA b1 t1 (baseline)", nimaMs)
    print("  NIMA process CPU time".padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%9.2f ms  (≈ thread time: one thread did the work)", median(nimaProcess)))
    let planes = (0..<repeats).map { _ in
        time {
            let c = AnalysisContext(image: image)
            for p in AnalysisContext.SharedPlane.allCases { c.prepare(p) }
        }
    }
    row("shared planes (once)", median(planes))
    // Each shared plane on its own (in dependency order, so each row is that plane's own cost).
    var perPlane = [[Double]](repeating: [], count: AnalysisContext.SharedPlane.allCases.count)
    for _ in 0..<repeats {
        let c = AnalysisContext(image: image)
        for (k, p) in AnalysisContext.SharedPlane.allCases.enumerated() { perPlane[k].append(time { c.prepare(p) }) }
    }
    for (k, p) in AnalysisContext.SharedPlane.allCases.enumerated() { row("  plane " + p.rawValue, median(perPlane[k])) }
    // Each factor on a context whose shared planes are built (factor-private work is included).
    func prepared() -> AnalysisContext {
        let c = AnalysisContext(image: image)
        for p in AnalysisContext.SharedPlane.allCases { c.prepare(p) }
        return c
    }
    // Factors as `iaa-enhance score` runs them (no visuals; those are only for --explain).
    for f in classicalFactors {
        row("  " + f.id, median((0..<repeats).map { _ in let c = prepared(); return time { _ = f.assess(c) } }))
    }
    row("full assessment (fresh)", median((0..<repeats).map { _ in time { _ = Assessor().assess(AnalysisContext(image: image)) } }))
    row("  without visuals", classical)
    print("  page faults per assessment".padding(toLength: 30, withPad: " ", startingAt: 0) + "\(classicalFaults.sorted()[classicalFaults.count / 2]) (median; fresh pages the kernel must zero)")
    print(String(format: "classical assessment (no visuals) / NIMA = %.2f (goal < 1)", classical / nimaMs))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
