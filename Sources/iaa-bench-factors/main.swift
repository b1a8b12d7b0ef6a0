// Benchmark of the classical assessment factors (release builds only; run Tools/bench-factors.sh).
//
// Usage: iaa-bench-factors PHOTO [LONG_SIDE=1024] [REPEATS=5]
// Prints, in one run: the time to decode the proxy, NIMA's inference on that proxy (batch 1,
// 1 thread — the baseline the classical factors are held to), the time to build the shared
// planes once, each factor's time on a context whose planes are already built, and one full
// assessment on a fresh context; every figure also as a ratio to decode and to NIMA. Medians.
import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import IAAModels
import IAANeural

func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
func time(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: iaa-bench-factors PHOTO [LONG_SIDE] [REPEATS]\n".utf8))
    exit(2)
}
let path = args[1]
let longSide = args.count > 2 ? Int(args[2]) ?? 1024 : 1024
let repeats = args.count > 3 ? Int(args[3]) ?? 5 : 5

do {
    var proxy: RGBImage? = nil
    var decode: [Double] = []
    var info = ""
    for _ in 0..<repeats {
        decode.append(try time {
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
    let nimaMs = median((0..<max(repeats, 5)).map { _ in time { _ = nima.score(image) } })
    print("photo \(path) (\(info)), proxy \(image.width)×\(image.height), \(repeats) repeats, medians")
    func row(_ name: String, _ ms: Double) {
        print(name.padding(toLength: 26, withPad: " ", startingAt: 0)
              + String(format: "%9.2f ms  %6.2f× decode  %6.2f× NIMA", ms, ms / base, ms / nimaMs))
    }
    row("decode proxy", base)
    row("NIMA b1 t1 (baseline)", nimaMs)
    let planes = (0..<repeats).map { _ in
        time {
            let c = AnalysisContext(image: image)
            _ = c.luma; _ = c.detail; _ = c.noise; _ = c.saliency
            let r = c.reduced
            _ = r.linear; _ = r.luminance; _ = r.lab
        }
    }
    row("shared planes (once)", median(planes))
    // Each plane on its own (in dependency order, so each row is that plane's own cost).
    // Full-proxy planes (detail factors) and the 512-px reduced context's planes (tone, colour, layout).
    let planeSteps: [(String, (AnalysisContext) -> Void)] = [
        ("luma", { _ = $0.luma }), ("detail", { _ = $0.detail }), ("noise", { _ = $0.noise }),
        ("reduced image", { _ = $0.reduced }), ("reduced linear", { _ = $0.reduced.linear }),
        ("reduced luminance", { _ = $0.reduced.luminance }), ("reduced lab", { _ = $0.reduced.lab }),
        ("saliency", { _ = $0.saliency }),
    ]
    var perPlane = [[Double]](repeating: [], count: planeSteps.count)
    for _ in 0..<repeats {
        let c = AnalysisContext(image: image)
        for (k, step) in planeSteps.enumerated() { perPlane[k].append(time { step.1(c) }) }
    }
    for (k, step) in planeSteps.enumerated() { row("  plane " + step.0, median(perPlane[k])) }
    // Each factor on a context whose public planes are built (factor-private work is included).
    func prepared() -> AnalysisContext {
        let c = AnalysisContext(image: image)
        _ = c.luma; _ = c.detail; _ = c.noise; _ = c.saliency
        let r = c.reduced
        _ = r.linear; _ = r.luminance; _ = r.lab
        return c
    }
    // Factors as `iaa-enhance score` runs them (no visuals; those are only for --explain).
    for f in Assessor.classicalFactors(visuals: false) {
        row("  " + f.id, median((0..<repeats).map { _ in let c = prepared(); return time { _ = f.assess(c) } }))
    }
    row("full assessment (fresh)", median((0..<repeats).map { _ in time { _ = Assessor().assess(AnalysisContext(image: image)) } }))
    let classical = median((0..<repeats).map { _ in
        time { _ = Assessor(factors: Assessor.classicalFactors(visuals: false)).assess(AnalysisContext(image: image)) } })
    row("  without visuals", classical)
    print(String(format: "classical assessment (no visuals) / NIMA = %.2f (goal < 1)", classical / nimaMs))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
