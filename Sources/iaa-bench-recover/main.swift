// Degrade-and-recover benchmark driver (run by Tools/bench-recover.sh; release builds only).
//
//   iaa-bench-recover degrade OUT PHOTO...   references (long side 1024, PNG) in OUT/ref and one
//                                            folder per degradation in OUT/deg/<kind>/
//   iaa-bench-recover apply OUT KIND METHOD RECIPE
//                                            renders one recipe (iaa-recipe/1 JSON) on every
//                                            degraded file of KIND into OUT/METHOD/KIND/: what a
//                                            fixed correction would recover (calibration)
//   iaa-bench-recover measure OUT            ΔE2000 and SSIM to the reference for every method
//                                            folder OUT/<method>/<kind>/, a table on stdout
//
// Degradations are made here with plain pixel arithmetic in linear light (not with the
// project's own edits, so recovering them is not a matter of inverting our own operators).
import Foundation
import IAAAssessment
import IAACore
import IAAEdits
import IAAImaging

/// Long side of the reference images.
let referenceSide = 1024

struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Per-pixel transform in linear light (gains per channel), clipped, re-encoded.
func linearGains(_ img: RGBImage, _ r: Double, _ g: Double, _ b: Double) -> RGBImage {
    let lut = (0..<256).map { ColorScience.linearize(Double($0) / 255) }
    var out = img
    let gains = [r, g, b]
    for i in 0..<img.pixels.count {
        let v = min(1, lut[Int(img.pixels[i])] * gains[i % 3])
        out.pixels[i] = UInt8((ColorScience.encode(v) * 255).rounded())
    }
    return out
}

func scaleChroma(_ img: RGBImage, _ k: Float) -> RGBImage {
    var out = img
    for p in 0..<img.pixelCount {
        let lab = ColorScience.lab(r: img.pixels[3 * p], g: img.pixels[3 * p + 1], b: img.pixels[3 * p + 2])
        let rgb = ColorSpace.linearRGB(L: Float(lab.L), a: Float(lab.a) * k, b: Float(lab.b) * k)
        out.pixels[3 * p] = ColorSpace.encode8(min(1, max(0, rgb.0)))
        out.pixels[3 * p + 1] = ColorSpace.encode8(min(1, max(0, rgb.1)))
        out.pixels[3 * p + 2] = ColorSpace.encode8(min(1, max(0, rgb.2)))
    }
    return out
}

func addNoise(_ img: RGBImage, sigma: Double, seed: UInt64) -> RGBImage {
    var rng = Rng(state: seed)
    var out = img
    for i in 0..<img.pixels.count {
        out.pixels[i] = UInt8(min(255, max(0, (Double(img.pixels[i]) + sigma * rng.gaussian()).rounded())))
    }
    return out
}

func centreCrop(_ img: RGBImage, width: Int, height: Int) -> RGBImage {
    let x0 = (img.width - width) / 2, y0 = (img.height - height) / 2
    var px = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        let s = 3 * ((y + y0) * img.width + x0)
        px.replaceSubrange(3 * y * width..<3 * (y + 1) * width, with: img.pixels[s..<(s + 3 * width)])
    }
    return RGBImage(width: width, height: height, pixels: px)
}

/// Rotates clockwise by `degrees` (a tilted camera) and keeps the largest inner box.
func tilt(_ img: RGBImage, degrees: Double) throws -> RGBImage {
    let rotated = try RGBCodec.rotate(img, degrees: degrees)
    let inner = StraightenEdit.innerSize(width: img.width, height: img.height, degrees: degrees)
    return centreCrop(rotated, width: inner.width, height: inner.height)
}

/// The degradations, by folder name. Seeds derive from the photo's name for reproducibility.
nonisolated(unsafe) let degradations: [(String, @Sendable (RGBImage, UInt64) throws -> RGBImage)] = [
    ("clean", { img, _ in img }),
    ("ev-1.5", { img, _ in linearGains(img, 0.3536, 0.3536, 0.3536) }),
    ("ev+1", { img, _ in linearGains(img, 2, 2, 2) }),
    ("warm", { img, _ in linearGains(img, 1.08, 1.0, 0.86) }),
    ("cold", { img, _ in linearGains(img, 0.9, 0.98, 1.12) }),
    ("sat0.6", { img, _ in scaleChroma(img, 0.6) }),
    ("noise12", { img, s in addNoise(img, sigma: 12, seed: s) }),
    ("tilt3", { img, _ in try tilt(img, degrees: 3) }),
    ("ev-1.5+warm", { img, _ in linearGains(img, 0.3536 * 1.08, 0.3536, 0.3536 * 0.86) }),
    ("cold+sat0.6", { img, _ in linearGains(scaleChroma(img, 0.6), 0.9, 0.98, 1.12) }),
    ("ev-1+noise12", { img, s in addNoise(linearGains(img, 0.5, 0.5, 0.5), sigma: 12, seed: s) }),
]

func seed(_ name: String) -> UInt64 { name.utf8.reduce(1469598103934665603) { ($0 ^ UInt64($1)) &* 1099511628211 } }

func write(_ img: RGBImage, _ path: String) throws {
    try AtomicWrite.write(try RGBCodec.encode(img, as: .png), to: path)
}

func read(_ path: String) throws -> RGBImage { try Photo(path: path).proxy(longSide: 100_000) }

// MARK: SSIM

/// SSIM (Wang et al. 2004) on Rec. 601 luma with an 8×8 sliding window, step 4 (the common
/// fast variant), constants K1 0.01, K2 0.03, L 255.
func ssim(_ a: RGBImage, _ b: RGBImage) -> Double {
    let x = a.luma601().pixels, y = b.luma601().pixels
    let w = a.width, h = a.height
    let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
    var total = 0.0, n = 0
    var y0 = 0
    while y0 + 8 <= h {
        var x0 = 0
        while x0 + 8 <= w {
            var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
            for j in y0..<(y0 + 8) {
                for i in x0..<(x0 + 8) {
                    let p = Double(x[j * w + i]), q = Double(y[j * w + i])
                    sx += p; sy += q; sxx += p * p; syy += q * q; sxy += p * q
                }
            }
            let mx = sx / 64, my = sy / 64
            let vx = sxx / 64 - mx * mx, vy = syy / 64 - my * my, cxy = sxy / 64 - mx * my
            total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
            n += 1
            x0 += 4
        }
        y0 += 4
    }
    return total / Double(max(1, n))
}

/// The reference region to compare `candidate` with: the whole reference when sizes agree,
/// else its centre crop at the candidate's size (straightened and tilted frames are centred).
func aligned(_ ref: RGBImage, _ candidate: RGBImage) -> RGBImage? {
    if ref.width == candidate.width && ref.height == candidate.height { return ref }
    guard candidate.width <= ref.width, candidate.height <= ref.height else { return nil }
    return centreCrop(ref, width: candidate.width, height: candidate.height)
}

func median(_ v: [Double]) -> Double {
    guard !v.isEmpty else { return .nan }
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

// MARK: Commands

func degrade(out: String, photos: [String]) throws {
    let fm = FileManager.default
    try fm.createDirectory(atPath: out + "/ref", withIntermediateDirectories: true)
    for (kind, _) in degradations { try fm.createDirectory(atPath: out + "/deg/" + kind, withIntermediateDirectories: true) }
    var names = Set<String>()
    for path in photos {
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        while names.contains(name) { name += "_" }
        names.insert(name)
        let ref = try Photo(path: path).proxy(longSide: referenceSide)
        try write(ref, "\(out)/ref/\(name).png")
        for (kind, make) in degradations { try write(try make(ref, seed(name + kind)), "\(out)/deg/\(kind)/\(name).png") }
    }
    print("\(names.count) photos × \(degradations.count) degradations in \(out)")
}

func measure(out: String, methods: [String]) throws {
    let fm = FileManager.default
    let refs = try fm.contentsOfDirectory(atPath: out + "/ref").filter { $0.hasSuffix(".png") }.sorted()
    print("photos: \(refs.count); ΔE = mean CIEDE2000 to the original, SSIM on luma; both on the aligned frame")
    print("recovered = 1 − ΔE(after)/ΔE(degraded), median over photos")
    print("")
    let header = "kind".padding(toLength: 14, withPad: " ", startingAt: 0)
        + methods.map { $0.padding(toLength: 30, withPad: " ", startingAt: 0) }.joined()
    print(header)
    print(String(repeating: " ", count: 14) + methods.map { _ in "ΔE    SSIM   recovered      ".padding(toLength: 30, withPad: " ", startingAt: 0) }.joined())
    var summary: [String: [String: Double]] = [:]
    // Per photo, for looking into a kind: OUT/perphoto.tsv (kind, method, photo, ΔE degraded, ΔE after).
    var perPhoto = "kind\tmethod\tphoto\tdeltaE_degraded\tdeltaE_after\n"
    defer { try? perPhoto.write(toFile: out + "/perphoto.tsv", atomically: true, encoding: .utf8) }
    for (kind, _) in degradations {
        var line = kind.padding(toLength: 14, withPad: " ", startingAt: 0)
        for m in methods {
            var des: [Double] = [], ss: [Double] = [], rec: [Double] = [], missing = 0
            for r in refs {
                let refImg = try read("\(out)/ref/\(r)")
                let degPath = "\(out)/deg/\(kind)/\(r)"
                let candPath = m == "identity" ? degPath : "\(out)/\(m)/\(kind)/\(r)"
                guard fm.fileExists(atPath: candPath), let cand = try? read(candPath), let ref = aligned(refImg, cand) else { missing += 1; continue }
                let de = ColorScience.meanDeltaE2000(ref, cand, step: 3)
                des.append(de)
                ss.append(ssim(ref, cand))
                if kind != "clean", let deg = try? read(degPath), let dref = aligned(refImg, deg) {
                    let before = ColorScience.meanDeltaE2000(dref, deg, step: 3)
                    if before > 0 { rec.append(1 - de / before) }
                    perPhoto += "\(kind)\t\(m)\t\(r)\t\(String(format: "%.3f", before))\t\(String(format: "%.3f", de))\n"
                }
            }
            let meanDE = des.reduce(0, +) / Double(max(1, des.count)), meanSS = ss.reduce(0, +) / Double(max(1, ss.count))
            // A method with missing outputs is not compared.
            if missing == 0 { summary[kind, default: [:]][m] = meanDE }
            let cell = String(format: "%5.2f  %.3f  %@", meanDE, meanSS, kind == "clean" ? "   –  " : String(format: "%+5.0f%%", 100 * median(rec)))
                + (missing > 0 ? " (\(missing) missing)" : "")
            line += cell.padding(toLength: 30, withPad: " ", startingAt: 0)
        }
        print(line)
    }
    print("")
    if let iaa = methods.first(where: { $0 == "iaa" }) {
        var wins: [String] = [], losses: [String] = []
        for (kind, _) in degradations where kind != "clean" {
            guard let mine = summary[kind]?[iaa] else { continue }
            let rivals = methods.filter { $0 != iaa && $0 != "identity" }.map { summary[kind]?[$0] }
            guard !rivals.contains(where: { $0 == nil }) else { continue }
            if rivals.allSatisfy({ mine < $0! }) { wins.append(kind) } else { losses.append(kind) }
        }
        print("iaa beats every baseline on mean ΔE: \(wins.count) of \(wins.count + losses.count) kinds" + (losses.isEmpty ? "" : "; not on: \(losses.joined(separator: ", "))"))
    }
    // Do no harm: the enhancer on untouched photos.
    if methods.contains("iaa") {
        var des: [Double] = [], falls: [String] = []
        let assessor = Assessor(factors: Assessor.classicalFactors(visuals: false))
        for r in refs {
            let input = try read("\(out)/deg/clean/\(r)")
            guard let output = try? read("\(out)/iaa/clean/\(r)") else { continue }
            if let ref = aligned(input, output) { des.append(ColorScience.meanDeltaE2000(ref, output, step: 3)) }
            let a = assessor.assess(AnalysisContext(image: try Photo.downsample(input, longSide: 512)))
            let b = assessor.assess(AnalysisContext(image: try Photo.downsample(output, longSide: 512)))
            for x in a.results {
                if let l0 = x.level, let l1 = b.result(x.id)?.level, !l0.isFault, l1.isFault { falls.append("\(r): \(x.id) \(l0.label) → \(l1.label)") }
            }
        }
        print(String(format: "do no harm (clean photos): median ΔE output→input %.2f, max %.2f; unchanged (ΔE < 0.05): %d of %d",
                     median(des), des.max() ?? .nan, des.filter { $0 < 0.05 }.count, des.count))
        print("factors pushed from normal to a fault level: \(falls.count)" + (falls.isEmpty ? "" : "\n  " + falls.joined(separator: "\n  ")))
    }
}

/// Every classical factor's raw value and measurements on the enhancer's proxy of each
/// degraded file, as TSV (kind, photo, factor, raw, score, level, measurements…): the data
/// the analytic proposals are calibrated on.
func dumpFactors(out: String, proxy: Int) throws {
    let fm = FileManager.default
    let assessor = Assessor(factors: Assessor.classicalFactors(visuals: false))
    print("kind\tphoto\tfactor\traw\tscore\tlevel\tmeasurements")
    for (kind, _) in degradations {
        let dir = "\(out)/deg/\(kind)"
        for f in try fm.contentsOfDirectory(atPath: dir).filter({ $0.hasSuffix(".png") }).sorted() {
            let img = try Photo(path: "\(dir)/\(f)").proxy(longSide: proxy)
            for r in assessor.assess(AnalysisContext(image: img)).results {
                let m = r.measurements.map { "\($0.name)=\(String(format: "%.5g", $0.value))" }.joined(separator: ",")
                print("\(kind)\t\(f)\t\(r.id)\t\(String(format: "%.5g", r.raw))\t\(String(format: "%.3f", r.score))\t\(r.level?.value ?? 0)\t\(m)")
            }
        }
    }
}

func apply(out: String, kind: String, method: String, recipe: String) throws {
    let fm = FileManager.default
    let chain = try EditChain(jsonText: recipe)
    let context = EditContext(looks: try LookLibrary.bundled())
    let dir = "\(out)/deg/\(kind)", dest = "\(out)/\(method)/\(kind)"
    try fm.createDirectory(atPath: dest, withIntermediateDirectories: true)
    for f in try fm.contentsOfDirectory(atPath: dir).filter({ $0.hasSuffix(".png") }).sorted() {
        let img = try read("\(dir)/\(f)")
        try write(try ChainRenderer(proxy: img, context: context).render(chain), "\(dest)/\(f)")
    }
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "degrade" where args.count >= 3: try degrade(out: args[1], photos: Array(args[2...]))
    case "apply" where args.count == 5: try apply(out: args[1], kind: args[2], method: args[3], recipe: args[4])
    case "measure" where args.count >= 3: try measure(out: args[1], methods: Array(args[2...]))
    case "factors" where args.count >= 2: try dumpFactors(out: args[1], proxy: args.count > 2 ? Int(args[2]) ?? 384 : 384)
    default:
        FileHandle.standardError.write(Data("usage: iaa-bench-recover degrade OUT PHOTO... | measure OUT METHOD... | factors OUT [PROXY]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("iaa-bench-recover: \(error)\n".utf8))
    exit(1)
}
