import Foundation
import IAAAssessment
import IAACore
import IAAEdits
import IAAImaging
import IAAMetadata
import IAAModels

/// What the user asked for.
public struct EnhanceOptions: Sendable, Hashable {
    /// Preset id (`natural`, `vivid`, `portrait`, `landscape`, `night`, `bw`); nil chooses by
    /// `theme`, and `natural` without one.
    public var preset: String? = nil
    /// The photo's theme, from a scene classifier, if any (chooses the preset when none is named).
    public var theme: String? = nil
    /// Allow geometric edits (straighten, crop). False keeps the input's size. Default true.
    public var geometry: Bool = true
    /// Search settings (budget, seed, margin).
    public var search = SearchOptions()
    /// Long side of the judging proxy in pixels. Default 384: the factors, BRISQUE and the ΔE
    /// penalty scale with its area, NIMA reads 224 px anyway.
    public var proxyLongSide: Int = 384
    /// Side of the 1:1 window noise is judged on (see `DetailProbe`); 0 judges noise on the
    /// proxy. Default 256.
    public var detailSide: Int = 256
    /// Judge every prefix of the winning chain (for `--explain` and JSON reports). Default false.
    public var judgeSteps: Bool = false

    public init(preset: String? = nil, theme: String? = nil, geometry: Bool = true,
                search: SearchOptions = SearchOptions(), proxyLongSide: Int = 384, detailSide: Int = 256,
                judgeSteps: Bool = false) {
        self.preset = preset
        self.theme = theme
        self.geometry = geometry
        self.search = search
        self.proxyLongSide = proxyLongSide
        self.detailSide = detailSide
        self.judgeSteps = judgeSteps
    }
}

/// One edit of the winning chain and the judge's verdict after it (prefixes of the chain,
/// applied one edit at a time).
public struct EditStep: Sendable {
    /// The edit, as `exposure{"ev":0.5}`.
    public var edit: AnyEdit
    /// The verdict on the chain up to and including this edit.
    public var verdict: Verdict
}

/// The outcome of enhancing one photo (before anything is written).
public struct Enhancement: Sendable {
    public var preset: Preset
    /// The winning recipe (empty when the original won).
    public var chain: EditChain
    /// The judge on the original proxy.
    public var before: Verdict
    /// The judge on the winner's proxy.
    public var after: Verdict
    /// Per-edit verdicts along the winning chain.
    public var steps: [EditStep]
    /// The search's details.
    public var search: SearchResult
    /// Original and result proxies (for side-by-side views).
    public var beforeProxy: RGBImage
    public var afterProxy: RGBImage
    /// The photo's theme when it chose the preset (nil when the user named one).
    public var theme: String? = nil
    /// Seconds per stage (proxy, faces, theme, window, search, search's own stages), in order.
    public var timings: [(stage: String, seconds: Double)] = []
}

/// Wall-clock seconds of `body`, appended to `log` under `stage`.
func timed<T>(_ stage: String, _ log: inout [(stage: String, seconds: Double)], _ body: () throws -> T) rethrows -> T {
    let t0 = DispatchTime.now().uptimeNanoseconds
    defer { log.append((stage, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)) }
    return try body()
}

/// Enhances photos: judges a proxy, searches edits on it, renders the winner once at full
/// resolution as one libvips pipeline and writes it atomically with the original's metadata
/// and the aesthetic record (levels, scores, models, recipe, score before and after).
public final class Enhancer: @unchecked Sendable {
    public let presets: [String: Preset]
    public let looks: LookLibrary
    private let nimaModel: Preloaded<NIMA?>
    private let brisqueModel: Preloaded<Brisque?>
    private let facesModel: Preloaded<YuNet?>
    /// The learned aesthetic model (waits for it to load).
    var nima: NIMA? { get throws { try nimaModel.get() } }
    /// BRISQUE (waits for it to load).
    var brisque: Brisque? { get throws { try brisqueModel.get() } }
    /// The face detector (waits for it to load).
    var faces: YuNet? { get throws { try facesModel.get() } }
    /// Loads the scene classifier the first time a photo's theme has to choose its preset.
    private let sceneLoader: (@Sendable () throws -> EfficientNetLite0)?
    private var sceneModel: EfficientNetLite0?
    private let sceneLock = NSLock()

    public init(presets: [String: Preset], looks: LookLibrary, nima: NIMA?, brisque: Brisque?, faces: YuNet?,
                scene: (@Sendable () throws -> EfficientNetLite0)? = nil) {
        self.presets = presets
        self.looks = looks
        self.nimaModel = .ready(nima)
        self.brisqueModel = .ready(brisque)
        self.facesModel = .ready(faces)
        self.sceneLoader = scene
    }

    private init(presets: [String: Preset], looks: LookLibrary, nima: Preloaded<NIMA?>, brisque: Preloaded<Brisque?>,
                 faces: Preloaded<YuNet?>, scene: (@Sendable () throws -> EfficientNetLite0)?) {
        self.presets = presets
        self.looks = looks
        self.nimaModel = nima
        self.brisqueModel = brisque
        self.facesModel = faces
        self.sceneLoader = scene
    }

    /// The bundled presets and looks with NIMA, BRISQUE and YuNet from the Weights folder, and
    /// EfficientNet-Lite0 for themes (loaded when first needed). The three models load in the
    /// background from here on (while the caller opens and decodes the first photo); a model
    /// that fails to load fails the first enhancement with its own message.
    public static func standard() throws -> Enhancer {
        let looks = try LookLibrary.bundled()
        return Enhancer(presets: try Preset.bundled(looks: looks), looks: looks,
                        nima: Preloaded { try NIMA.load() }, brisque: Preloaded { try Brisque() },
                        faces: Preloaded { try YuNet.load() }, scene: { try EfficientNetLite0.load() })
    }

    /// Which preset: the named one as it is; else the one named like the theme as a judge only
    /// (its weights and ranges, not its style: see `Preset.judgeOnly`); else `natural`.
    public func preset(named name: String?, theme: String?) throws -> Preset {
        if let name {
            guard let p = presets[name] else {
                throw IAAError(.invalidArgument, path: nil,
                               "Unknown preset \"\(name)\" (available: \(presets.keys.sorted().joined(separator: ", ")))")
            }
            return p
        }
        if let theme, let p = presets[theme.lowercased()] { return p.judgeOnly }
        guard let p = presets["natural"] else { throw IAAError(.invalidArgument, path: nil, "The bundled preset \"natural\" is missing") }
        return p
    }

    /// The photo's theme from EfficientNet-Lite0, faces and luminance (nil without the model).
    func theme(of proxy: RGBImage, faces found: [Face]) throws -> String? {
        guard let sceneLoader else { return nil }
        let model: EfficientNetLite0 = try sceneLock.withLock {
            if let m = sceneModel { return m }
            let m = try sceneLoader()
            sceneModel = m
            return m
        }
        let t = model.theme(of: proxy, faces: FaceEvidence(faces: found, width: proxy.width, height: proxy.height),
                            luminance: LuminanceEvidence(image: proxy))
        return t.theme.rawValue
    }

    /// Judges and searches `photo`'s proxy, with noise judged on a 1:1 window of the file when
    /// the proxy is much smaller than the photo. Without a named preset or theme, the photo's
    /// own theme picks the judge's weights.
    public func enhance(_ photo: Photo, options: EnhanceOptions = EnhanceOptions()) throws -> Enhancement {
        var log: [(stage: String, seconds: Double)] = []
        let proxy = try timed("proxy", &log) { try photo.proxy(longSide: options.proxyLongSide) }
        let found = try timed("faces", &log) { try faces?.detect(proxy) ?? [] }
        // The theme (a network) and the 1:1 window (a partial decode) are independent: one each
        // on the two cores.
        var theme = options.theme
        let needTheme = options.preset == nil && theme == nil
        let needWindow = options.detailSide > 0
            && Double(max(photo.info.width, photo.info.height)) > 1.5 * Double(max(proxy.width, proxy.height))
        let side = options.detailSide
        let pending: Preloaded<RGBImage>? = needWindow ? Preloaded<RGBImage>({ try photo.detailWindow(side: side) }) : nil
        if needTheme { theme = try timed("theme", &log) { try self.theme(of: proxy, faces: found) } }
        let window = try timed("window", &log) { try pending?.get() }
        let preset = try preset(named: options.preset, theme: theme)
        var e = try timed("search", &log) { try enhance(proxy: proxy, window: window, faces: found, preset: preset, options: options,
                                                        photoLongSide: max(photo.info.width, photo.info.height)) }
        e.theme = options.preset == nil ? theme : nil
        e.timings = log + e.timings
        return e
    }

    /// Judges and searches an already decoded proxy; `window`, when given, is a 1:1 crop of
    /// the full-resolution photo for the detail probe; `faces` the proxy's faces (detected here
    /// when nil).
    /// `photoLongSide` is the long side of the photo the proxy stands for (the proxy's own
    /// when nil): edits with radii in photo pixels are drawn to scale on the proxy.
    public func enhance(proxy: RGBImage, window: RGBImage? = nil, faces found: [Face]? = nil, preset: Preset,
                        options: EnhanceOptions, photoLongSide: Int? = nil) throws -> Enhancement {
        let judge = Judge(preset: preset, nima: try nima, brisque: try brisque)
        let context = EditContext(looks: looks)
        let proxySide = max(proxy.width, proxy.height)
        let scaled = EditContext(looks: looks, detailScale: Double(proxySide) / Double(max(proxySide, photoLongSide ?? proxySide)))
        let renderer = try ChainRenderer(proxy: proxy, context: scaled, capacity: 48)
        let probe = try window.map { try DetailProbe(window: $0, context: context) }
        let boxes = try (found ?? faces?.detect(proxy) ?? []).map { FaceBox(x: $0.x, y: $0.y, width: $0.width, height: $0.height, confidence: $0.score) }
        let search = EditSearch(judge: judge, renderer: renderer, space: SearchSpace(preset: preset, geometry: options.geometry),
                                faces: boxes, probe: probe)
        let result = try search.run(options.search)
        var steps: [EditStep] = []
        let chain = result.best.chain
        if options.judgeSteps && chain.edits.count > 1 {
            // Prefixes are cached, so each step costs one edit on the proxy and one judgement.
            let prefixes = (1..<chain.edits.count).map { SearchPoint(chain: chain.prefix($0)) }
            let judged = try search.evaluate(prefixes, original: result.original.verdict.observation,
                                             base: result.base.point, depth: .full)
            for (i, c) in judged.enumerated() { steps.append(EditStep(edit: chain.edits[i], verdict: c.verdict)) }
        }
        if let last = chain.edits.last { steps.append(EditStep(edit: last, verdict: result.best.verdict)) }
        return Enhancement(preset: preset, chain: chain, before: result.original.verdict, after: result.best.verdict,
                           steps: steps, search: result, beforeProxy: proxy, afterProxy: result.best.proxy,
                           timings: search.timing.sorted { $0.key < $1.key }.map { ("  " + $0.key, $0.value) })
    }

    /// The aesthetic record of the result.
    public func record(_ e: Enhancement) -> AestheticRecord {
        var levels: [F7404Attribute: Int] = [:]
        var scores: [F7404Attribute: Double] = [:]
        for r in e.after.observation.factors {
            guard let level = r.level, let a = F7404Attribute(rawValue: level.attribute.rawValue) else { continue }
            levels[a] = level.value
            switch r.direction {
            case .twoSided(let ideal):
                // The record places two-sided attributes on their level scale: 5 is normal,
                // 0 the low end, 10 the high end.
                let offset = (10 - r.score) / 2
                scores[a] = min(10, max(0, r.raw < ideal ? 5 - offset : 5 + offset))
            default:
                scores[a] = r.score
            }
        }
        let judge = Judge(preset: e.preset, nima: try? nima, brisque: try? brisque)
        let clampAesthetic = { (v: Double) in min(10, max(1, v)) }
        return AestheticRecord(
            levels: levels, scores: scores,
            aestheticScore: e.after.observation.aesthetic.map { clampAesthetic($0.mean) },
            aestheticSpread: e.after.observation.aesthetic.map { min(4.5, max(0, $0.standardDeviation)) },
            technicalScore: e.after.observation.brisque.map(Judge.qualityScore(brisque:)),
            models: judge.models.map { ModelInfo(name: $0.name, version: $0.version) },
            recipe: e.chain.canonicalJSON,
            scoreBefore: e.before.observation.aesthetic.map { clampAesthetic($0.mean) },
            scoreAfter: e.after.observation.aesthetic.map { clampAesthetic($0.mean) })
    }

    /// Renders the chain once at full resolution and writes `path` atomically: the pixels with
    /// all of the original's metadata, then the aesthetic record spliced in (JPEG, PNG, WebP) or
    /// in a sidecar `path.xmp` (TIFF). The destination never holds a half-written file. When the
    /// judge chose no edit and the output has the input's format, the output is the input's
    /// bytes with the record added: pixels untouched, not re-encoded.
    public func write(_ e: Enhancement, photo: Photo, to path: String, save: SaveOptions = SaveOptions()) throws {
        guard let format = OutputFormat(path: path) else {
            throw IAAError(.invalidArgument, path: path, "has an extension iaa-enhance cannot write (use .jpg, .png, .webp or .tif)")
        }
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw IAAError(.writeFailed, path: path, "cannot be written: the folder \(folder) does not exist")
        }
        let staging = url.deletingLastPathComponent().appendingPathComponent(
            "." + url.deletingPathExtension().lastPathComponent + AtomicWrite.temporaryMarker + "render." + format.fileExtension).path
        defer { unlink(staging) }
        // Nothing to change and the same format asked for: the original's own bytes with the
        // record added losslessly (no generation loss, no time spent decoding and encoding).
        if e.chain.edits.isEmpty, format != .tiff, format.rawValue == photo.info.format.rawValue,
           (try? MetadataEmbedder.embed(record(e), into: photo.path, mode: .copy(to: path), overwriteRating: true)) != nil {
            return
        }
        do {
            try ChainRenderer.render(e.chain, photo: photo, to: staging, options: save, context: EditContext(looks: looks))
            try MetadataEmbedder.embed(record(e), into: staging, mode: .copy(to: path), overwriteRating: true)
        } catch let error as IAAError where error.path == staging {
            // The staging file is an implementation detail: name the file the user asked for.
            throw IAAError(error.kind, path: path, error.problem)
        }
    }
}
