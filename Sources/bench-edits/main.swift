// bench-edits: proxy render speed of edit chains (release builds only; see Tools/bench-edits.sh).
//
// Renders deterministic random chains drawn from the "natural" preset's search space on a
// 512 px proxy, (a) with the cache emptied before every chain (every step computed) and
// (b) as a search would: candidates sharing their first edits. The baseline, measured in the
// same run, is the cheapest possible pipeline on the same proxy: sRGB → scRGB → sRGB.
import Foundation
import IAACore
import IAAEdits
import IAAImaging

struct Rng {
    var s: UInt64
    mutating func next() -> Double {
        s &+= 0x9E3779B97F4A7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}

func now() -> Double {
    // Process CPU time (all threads) when BENCH_CPU is set: robust on a loaded machine.
    if ProcessInfo.processInfo.environment["BENCH_CPU"] != nil {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

let args = CommandLine.arguments
// `bench-edits --full IN OUT`: one full-resolution render of a rich chain (timing and a check
// that streaming works for large files).
if args.count >= 4 && args[1] == "--full" {
    let looks = try LookLibrary.bundled()
    let chain = try args.count > 4 ? EditChain(jsonText: args[4]) : EditChain(jsonText: """
    {"version":"iaa-recipe/1","edits":{"straighten":{"degrees":1.5},"crop":{"x":0.02,"y":0.02,"width":0.95,"height":0.95},
     "exposure":{"ev":0.3},"whiteBalance":{"temperature":10,"tint":2},"tone":{"contrast":15,"highlights":-20,"shadows":15},
     "colour":{"vibrance":20},"look":{"look":"teal-orange","amount":0.3},"denoise":{"strength":30},"sharpen":{"amount":60}}}
    """)
    let t = now()
    // BENCH_DIRECT=1: the direct pipeline instead of the colour table (for comparisons).
    let direct = ProcessInfo.processInfo.environment["BENCH_DIRECT"] != nil
    try ChainRenderer.render(chain, photo: Photo(path: args[2]), to: args[3], context: EditContext(looks: looks),
                             usesColourTable: !direct)
    print(String(format: "full render: %.2f s", now() - t))
    exit(0)
}
// `bench-edits --compare IN RECIPE [EXT]`: the colour-table render against the direct
// pipeline, written losslessly (PNG, or EXT: tif for 16-bit), as CIEDE2000 statistics.
if args.count >= 4 && args[1] == "--compare" {
    let looks = try LookLibrary.bundled()
    let chain = try EditChain(jsonText: args[3])
    let ext = args.count > 4 ? args[4] : "png"
    let dir = NSTemporaryDirectory() + "bench-edits-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let photo = try Photo(path: args[2])
    let context = EditContext(looks: looks)
    // Reference: the direct pipeline on the picture widened to 16 bits, exported at 16 bits.
    try ChainRenderer.render(chain, picture: photo.pictureForEditing().widenedTo16Bits(), context: context,
                             usesColourTable: false).save(to: dir + "/reference.tif")
    let t0 = now()
    try ChainRenderer.render(chain, photo: photo, to: dir + "/table." + ext, context: context)
    let t1 = now()
    try ChainRenderer.render(chain, photo: photo, to: dir + "/direct." + ext, context: context, usesColourTable: false)
    let t2 = now()
    let ref = try Photo(path: dir + "/reference.tif").labPixels()
    for name in ["table", "direct"] {
        let a = try Photo(path: dir + "/" + name + "." + ext).labPixels()
        precondition(a.width == ref.width && a.height == ref.height)
        var sum = 0.0, worst = 0.0
        var all: [Double] = []
        all.reserveCapacity(a.width * a.height)
        for i in stride(from: 0, to: a.lab.count, by: 3) {
            let d = ColorScience.deltaE2000((Double(a.lab[i]), Double(a.lab[i + 1]), Double(a.lab[i + 2])),
                                            (Double(ref.lab[i]), Double(ref.lab[i + 1]), Double(ref.lab[i + 2])))
            sum += d; worst = max(worst, d)
            all.append(d)
        }
        all.sort()
        let n = Double(all.count)
        print(String(format: "%@ vs 16-bit direct reference: ΔE2000 mean %.3f, p99 %.3f, p99.9 %.3f, max %.2f", name,
                     sum / n, all[Int(n * 0.99)], all[Int(n * 0.999)], worst))
    }
    print(String(format: "table %.2f s, direct %.2f s, lattice %d³", t1 - t0, t2 - t1, EditImage.colourTableSize))
    exit(0)
}
let photoPath = args.count > 1 ? args[1] : "Tests/Fixtures/photos/macaws.jpg"
let count = args.count > 2 ? Int(args[2]) ?? 200 : 200
let looks = try LookLibrary.bundled()
let preset = try Preset.bundled(looks: looks)["natural"]!
let proxy = try Photo(path: photoPath).proxy(longSide: 512)
var rng = Rng(s: 42)

func randomChain(_ rng: inout Rng, kinds: Set<EditKind>? = nil) throws -> EditChain {
    var json: [String: JSONValue] = [:]
    for d in preset.searchSpace {
        let parts = d.parameter.id.split(separator: ".").map(String.init)
        if let kinds, !kinds.contains(EditKind(rawValue: parts[0])!) { continue }
        let v = d.bounds.min + rng.next() * (d.bounds.max - d.bounds.min)
        var o = json[parts[0]]?.object ?? [:]
        o[parts[1]] = .number(v)
        json[parts[0]] = .object(o)
    }
    // Keep crops valid: x + width ≤ 1.
    if var c = json["crop"]?.object {
        c["width"] = .number(min(c["width"]!.number!, 1 - c["x"]!.number!))
        c["height"] = .number(min(c["height"]!.number!, 1 - c["y"]!.number!))
        json["crop"] = .object(c)
    }
    return try EditChain(json: .object(["version": .string(EditChain.formatVersion), "edits": .object(json)]))
}

// Baseline.
let base = try EditImage(proxy: proxy)
var t0 = now()
for _ in 0..<count { _ = try base.exposure(ev: 0).rgbImage() }
let baseline = (now() - t0) / Double(count)

// (a) Full chains, nothing cached. Geometry excluded from one variant to show its share.
let colourKinds: Set<EditKind> = [.exposure, .whiteBalance, .tone, .colour, .denoise, .sharpen]
let chains = try (0..<count).map { _ in try randomChain(&rng) }
let colourChains = try (0..<count).map { _ in try randomChain(&rng, kinds: colourKinds) }
let renderer = try ChainRenderer(proxy: proxy, context: EditContext(looks: looks), capacity: 64)
t0 = now()
for c in chains { renderer.clearCache(); _ = try renderer.render(c) }
let full = (now() - t0) / Double(count)
t0 = now()
for c in colourChains { renderer.clearCache(); _ = try renderer.render(c) }
let colourOnly = (now() - t0) / Double(count)

// (b) Search pattern: 10 prefixes (geometry, exposure, WB, tone) × 20 suffixes (colour, denoise, sharpen).
renderer.clearCache()
let before = renderer.statistics
t0 = now()
var n = 0
for _ in 0..<max(1, count / 20) {
    let prefix = try randomChain(&rng, kinds: [.straighten, .crop, .exposure, .whiteBalance, .tone])
    for _ in 0..<20 {
        var chain = prefix
        for e in try randomChain(&rng, kinds: [.colour, .denoise, .sharpen]).edits { chain = try chain.setting(e.base) }
        _ = try renderer.render(chain)
        n += 1
    }
}
let search = (now() - t0) / Double(n)
let after = renderer.statistics

func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
let env = ProcessInfo.processInfo.environment
print("proxy \(proxy.width)×\(proxy.height), \(count) chains, libvips concurrency \(env["VIPS_CONCURRENCY"] ?? "default"), "
      + (env["BENCH_CPU"] != nil ? "process CPU time" : "wall time"))
print("baseline sRGB→scRGB→sRGB round trip: \(ms(baseline))")
print("full random chain (all 9 edits possible), uncached: \(ms(full))  (\(String(format: "%.1f", full / baseline))× baseline)")
print("colour/detail chain (no geometry), uncached:        \(ms(colourOnly))  (\(String(format: "%.1f", colourOnly / baseline))× baseline)")
print("search pattern (shared 5-edit prefixes), cached:    \(ms(search))  (\(String(format: "%.1f", search / baseline))× baseline); steps reused \(after.stepsReused - before.stepsReused), computed \(after.stepsComputed - before.stepsComputed)")

// Per-edit cost: one step from a materialised scRGB image to a materialised result.
let context = EditContext(looks: looks)
let start = try EditImage(proxy: proxy).exposure(ev: 0.1).materialized()
let samples: [any Edit] = [
    StraightenEdit(.init(degrees: 2)), CropEdit(.init(x: 0.05, y: 0.05, width: 0.9, height: 0.9)),
    ExposureEdit(.init(ev: 0.5)), WhiteBalanceEdit(.init(temperature: 20, tint: 5)),
    ToneEdit(.init(contrast: 20, highlights: -20, shadows: 20)), ColourEdit(.init(vibrance: 30, saturation: 10)),
    LookEdit(.init(look: "teal-orange", amount: 0.5)), DenoiseEdit(.init(strength: 50)), SharpenEdit(.init(amount: 80)),
]
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]
for e in samples where only == nil || only == type(of: e).kind.rawValue {
    let reps = only == nil ? 30 : 200
    let t = now()
    for _ in 0..<reps { _ = try e.apply(to: start, context: context).materialized() }
    print("  \(type(of: e).kind.rawValue): \(ms((now() - t) / Double(reps)))")
}
var t1 = now()
for _ in 0..<30 { _ = try start.rgbImage() }
print("  output to sRGB8: \(ms((now() - t1) / 30))")
t1 = now()
for _ in 0..<30 { _ = try EditImage(proxy: proxy).materialized() }
print("  wrap proxy: \(ms((now() - t1) / 30))")
