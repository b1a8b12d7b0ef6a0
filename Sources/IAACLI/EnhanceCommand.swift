import ArgumentParser
import Foundation
import IAAAssessment
import IAACore
import IAAEdits
import IAAImaging
import IAANeural
import IAASearch

/// `iaa-enhance [enhance] photo.jpg`: search edits with the aesthetic judge, render the winner
/// once at full resolution, write it with the original's metadata plus the aesthetic record.
struct EnhanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enhance",
        abstract: "Improve photos: candidate edits judged on a proxy, the winner rendered once at full resolution.",
        discussion: """
        The judge weighs the assessment factors with the preset's weights; the original is always \
        a candidate and wins unless an edit beats it by a margin, so a photo is never made worse \
        by the judge's own measure. The output keeps the input's EXIF, ICC, XMP and IPTC and \
        carries the aesthetic record and the recipe (iaa XMP; a .xmp sidecar for TIFF).
        """
    )

    @OptionGroup var photos: PhotoArguments

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (its extension picks JPEG, PNG, WebP or TIFF) or folder (ending in /).", valueName: "path"))
    var output: String?

    @Flag(name: .customLong("in-place"), help: "Replace each original (atomically).")
    var inPlace = false

    @Option(help: ArgumentHelp("Preset: natural, vivid, portrait, landscape, night or bw. A named preset sets the style; without one the photo's theme chooses what the judge weighs (portrait, landscape, night), else natural.", valueName: "name"))
    var preset: String?

    @Option(help: ArgumentHelp("The photo's theme, instead of the one EfficientNet-Lite0 finds (portrait, landscape, night, food, …).", valueName: "theme"))
    var theme: String?

    @Flag(inversion: .prefixedNo, help: "Allow geometric edits (straighten and crop); --no-crop keeps the input's size.")
    var crop = true

    @Option(help: ArgumentHelp("Candidates the judge evaluates per photo.", valueName: "N"))
    var budget = 32

    @Option(help: ArgumentHelp("Seed of the search order (same photo and seed, same recipe).", valueName: "N"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Folder for a before/after side-by-side PNG and the per-edit score changes.", valueName: "dir"))
    var explain: String?

    @Option(name: .customLong("proxy"), help: ArgumentHelp("Long side in pixels of the proxy the judge works on.", valueName: "px"))
    var proxySize = 384

    @Option(help: ArgumentHelp("JPEG/WebP quality of the output, 1…100.", valueName: "Q"))
    var quality = 92

    @Flag(help: "Write one JSON object per photo (JSON Lines) instead of text.")
    var json = false

    func validate() throws {
        if budget < 1 { throw ValidationError("Expected a positive number for --budget but received \(budget).") }
        if proxySize < 64 { throw ValidationError("Expected at least 64 for --proxy but received \(proxySize).") }
        if !(1...100).contains(quality) { throw ValidationError("Expected a number between 1 and 100 for --quality but received \(quality).") }
    }

    func run() throws {
        let files = photos.files()
        let naming = OutputNaming(output: output, inPlace: inPlace)
        try naming.validate(inputCount: files.count)
        if let explain { try FileManager.default.createDirectory(atPath: explain, withIntermediateDirectories: true) }
        // -o FOLDER/ names a folder to write into: make it, as `mkdir -p` would.
        if let output, output.hasSuffix("/") { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) }
        let timing = ProcessInfo.processInfo.environment["IAA_TIMING"] != nil
        let clock = DispatchTime.now().uptimeNanoseconds
        func seconds(since t: UInt64) -> String { String(format: "%.3f s", Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9) }
        // One BLAS thread: the enhancer keeps both cores busy itself (the classical judge in
        // parallel, the networks beside it); a second OpenBLAS thread only spins in sched_yield
        // between the small products of batch-1 inference (measured: 0.39 → 0.30 s wall on a
        // 12 MP photo left as it is, system time halved).
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { NeuralThreads.set(1) }
        let enhancer = try Enhancer.standard()
        if timing { FileHandle.standardError.write(Data("timing: models \(seconds(since: clock))\n".utf8)) }
        var options = EnhanceOptions(preset: preset, theme: theme, geometry: crop, proxyLongSide: proxySize,
                                     judgeSteps: explain != nil || json)
        options.search.budget = budget
        options.search.seed = seed
        _ = try enhancer.preset(named: preset, theme: theme)  // a wrong name fails before any work
        var save = SaveOptions()
        save.quality = quality
        try forEachPhoto(files) { file in
            let photo = try Photo(path: file, options: photos.decodeOptions)
            let destination = try naming.destination(for: file)
            let result = try enhancer.enhance(photo, options: options)
            let written = DispatchTime.now().uptimeNanoseconds
            try enhancer.write(result, photo: photo, to: destination, save: save)
            if timing {
                let stages = result.timings.map { "\($0.stage) \(String(format: "%.3f", $0.seconds)) s" }
                FileHandle.standardError.write(Data(("timing: " + (stages + ["render and write \(seconds(since: written))"]).joined(separator: "\n        ") + "\n").utf8))
            }
            if let explain { try Self.writeExplanation(result, input: file, folder: explain) }
            if json {
                print(Self.jsonLine(result, input: file, output: destination))
            } else {
                print(Self.text(result, input: file, output: destination))
            }
        }
    }

    // MARK: Reports

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    static func text(_ r: Enhancement, input: String, output: String) -> String {
        var lines = ["\(input) → \(output)"]
        lines.append("  preset     \(r.preset.id)\(r.theme.map { " (theme \($0))" } ?? ""); \(r.search.evaluations) candidates judged")
        if r.chain.edits.isEmpty {
            let why = r.search.bestEdited.map { "best edit \(fmt($0.verdict.total)) did not beat the original \(fmt(r.before.total)) by the margin" }
                ?? "no edit was found"
            lines.append("  edits      none (\(why))")
        } else {
            for e in r.chain.edits { lines.append("  edit       \(e)") }
        }
        lines.append("  judge      \(fmt(r.before.total)) → \(fmt(r.after.total))" + (r.after.penalty > 0 ? " (edit-size penalty \(fmt(r.after.penalty)))" : ""))
        for f in r.before.factors {
            let a = r.after.factor(f.id)
            let level = { (v: FactorVerdict?) in v?.level.map { " [\($0.label)]" } ?? "" }
            lines.append("  " + f.id.padding(toLength: 15, withPad: " ", startingAt: 0)
                         + "\(fmt(f.score))\(level(f)) → \(a.map { fmt($0.score) } ?? "–")\(level(a))")
        }
        if let b = r.before.observation.aesthetic, let a = r.after.observation.aesthetic {
            lines.append("  NIMA mean      \(fmt(b.mean)) → \(fmt(a.mean))")
        }
        return lines.joined(separator: "\n")
    }

    static func jsonLine(_ r: Enhancement, input: String, output: String) -> String {
        // A vetoed step has total −∞: JSON has no infinity, write null.
        func num(_ v: Double) -> JSONValue { v.isFinite ? .number(CanonicalJSON.rounded(v)) : .null }
        func factors(_ v: Verdict) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: v.factors.map { f in
                var o: [String: JSONValue] = ["score": num((f.score)), "weight": num((f.weight))]
                if let l = f.level { o["level"] = .number(Double(l.value)); o["label"] = .string(l.label) }
                return (f.id, JSONValue.object(o))
            }))
        }
        var o: [String: JSONValue] = [
            "input": .string(input), "output": .string(output), "preset": .string(r.preset.id),
            "theme": r.theme.map { .string($0) } ?? .null,
            "recipe": r.chain.json, "evaluations": .number(Double(r.search.evaluations)),
            "before": .object(["total": num((r.before.total)), "factors": factors(r.before)]),
            "after": .object(["total": num((r.after.total)), "factors": factors(r.after),
                              "penalty": num((r.after.penalty))]),
            "steps": .array(r.steps.map { .object(["edit": .string($0.edit.description), "total": num(($0.verdict.total))]) }),
        ]
        if let b = r.before.observation.aesthetic, let a = r.after.observation.aesthetic {
            o["nima"] = .object(["before": num((b.mean)), "after": num((a.mean))])
        }
        return CanonicalJSON.encode(.object(o))
    }

    /// `<dir>/<stem>.explain.png` (original proxy left, result right) and
    /// `<dir>/<stem>.explain.txt` (each edit's effect on every factor).
    static func writeExplanation(_ r: Enhancement, input: String, folder: String) throws {
        let stem = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let a = r.beforeProxy, b = r.afterProxy
        let gap = 8, h = max(a.height, b.height), w = a.width + gap + b.width
        var px = [UInt8](repeating: 255, count: w * h * 3)
        for (img, x0) in [(a, 0), (b, a.width + gap)] {
            for y in 0..<img.height {
                let src = 3 * y * img.width, dst = 3 * (y * w + x0)
                px.replaceSubrange(dst..<(dst + 3 * img.width), with: img.pixels[src..<(src + 3 * img.width)])
            }
        }
        let png = try RGBCodec.encode(RGBImage(width: w, height: h, pixels: px), as: .png)
        try AtomicWrite.write(png, to: (folder as NSString).appendingPathComponent(stem + ".explain.png"))
        var lines = ["\(input): preset \(r.preset.id), recipe \(r.chain.canonicalJSON)",
                     "step".padding(toLength: 48, withPad: " ", startingAt: 0) + "total  " + r.before.factors.map(\.id).joined(separator: " ")]
        func row(_ label: String, _ v: Verdict) -> String {
            label.padding(toLength: 48, withPad: " ", startingAt: 0) + fmt(v.total) + "  "
                + v.factors.map { fmt($0.score) }.joined(separator: " ")
        }
        lines.append(row("original", r.before))
        for s in r.steps { lines.append(row("+ " + s.edit.description, s.verdict)) }
        let text = lines.joined(separator: "\n") + "\n"
        try AtomicWrite.write(Array(text.utf8), to: (folder as NSString).appendingPathComponent(stem + ".explain.txt"))
    }
}
