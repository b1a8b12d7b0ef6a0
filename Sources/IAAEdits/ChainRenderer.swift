import Foundation
import IAACore
import IAAImaging

/// Renders edit chains: many candidates on one small proxy, with every prefix cached, and
/// the chosen one once on the full-resolution file — both the same way, so the judge sees
/// what the user gets.
///
/// How a chain is rendered (`EditKind.stage`): geometry on the native pixels; then the run of
/// point edits (exposure … look) is applied, with the same `Edit.apply` code, to a small
/// lattice image encoded like the photo, and the result, sampled as a 3D colour table
/// (`EditImage.colourTable()`), is applied to the native pixels in one pass; then denoise and
/// sharpen on the native gamma-encoded values. Images the table cannot serve (CMYK, grey)
/// take the direct path: every point edit on the whole image in scRGB/Lab.
///
/// Proxy renders keep the materialised result of every prefix (keyed by `EditChain
/// .prefixKeys`, i.e. the hash of the prefix's canonical encoding), so candidates that share
/// their first edits only compute the rest (Nuke's prefix caching, darktable's pipe cache).
/// Inside the point run the cached state is the lattice (keyed by the point edits alone, so
/// candidates that differ only in their geometry share it); the image is cached after
/// geometry steps, after the colour table, and after detail steps. Each of the two caches
/// evicts least-recently-used entries beyond `capacity` (a 384 px proxy entry is about
/// 0.4 MB, a 33³ lattice about 0.5 MB). Thread-safe: the caches are locked, rendering is not.
public final class ChainRenderer: @unchecked Sendable {
    /// Counters for tests and tuning.
    public struct Statistics: Sendable, Equatable {
        /// Chains rendered.
        public var renders = 0
        /// Edit steps taken from the cache instead of being computed.
        public var stepsReused = 0
        /// Edit steps computed.
        public var stepsComputed = 0

        public init(renders: Int = 0, stepsReused: Int = 0, stepsComputed: Int = 0) {
            self.renders = renders
            self.stepsReused = stepsReused
            self.stepsComputed = stepsComputed
        }
    }

    /// The proxy every chain starts from.
    public let proxy: RGBImage
    public let context: EditContext
    /// Maximum number of cached prefixes (per cache). Default 64.
    public let capacity: Int
    /// Whether point edits go through the colour table (default) or the direct pipeline
    /// (for comparisons).
    public let usesColourTable: Bool

    private let base: EditImage
    private let lock = NSLock()
    private var images = LRU<EditImage>()
    private var lattices = LRU<Lattice>()
    private var stats = Statistics()

    private struct Lattice {
        var image: EditImage
        var table: ColourTable?
    }

    public init(proxy: RGBImage, context: EditContext, capacity: Int = 64, usesColourTable: Bool = true) throws {
        self.proxy = proxy
        self.context = context
        self.capacity = max(1, capacity)
        self.usesColourTable = usesColourTable
        self.base = try EditImage(proxy: proxy).materialized()
    }

    /// Counters so far.
    public var statistics: Statistics { lock.withLock { stats } }

    /// Renders `chain` on the proxy as 8-bit sRGB. The identity chain returns the proxy itself.
    public func render(_ chain: EditChain) throws -> RGBImage {
        if chain.edits.isEmpty {
            lock.withLock { stats.renders += 1 }
            return proxy
        }
        return try renderImage(chain).rgbImage()
    }

    /// Renders `chain` on the proxy (materialised; in the working space only on the direct path).
    public func renderImage(_ chain: EditChain) throws -> EditImage {
        try chain.validate(looks: context.looks)
        let edits = chain.edits
        let keys = chain.prefixKeys
        let geometryEnd = edits.prefix { $0.kind.stage == .geometry }.count
        let pointEnd = geometryEnd + edits[geometryEnd...].prefix { $0.kind.stage == .point }.count
        let table = usesColourTable && pointEnd > geometryEnd
        // With a colour table, the image inside the point run is never computed, so only the
        // geometry steps, the end of the point run and the detail steps can be hits.
        func imageCached(_ i: Int) -> Bool { !table || i < geometryEnd || i >= pointEnd - 1 }

        var start = 0
        var image = base
        lock.withLock {
            stats.renders += 1
            for i in stride(from: keys.count - 1, through: 0, by: -1) where imageCached(i) {
                if let hit = images.get(keys[i]) {
                    image = hit
                    start = i + 1
                    break
                }
            }
            stats.stepsReused += start
        }
        func step(_ i: Int) throws {
            image = try edits[i].apply(to: image, context: context).materialized()
            let computed = image
            lock.withLock {
                stats.stepsComputed += 1
                images.put(keys[i], computed, capacity: capacity)
            }
        }
        if table && start < pointEnd {
            for i in start..<geometryEnd { try step(i) }
            image = try applyPointRun(Array(edits[geometryEnd..<pointEnd]), to: image)
            let computed = image
            lock.withLock { images.put(keys[pointEnd - 1], computed, capacity: capacity) }
            start = pointEnd
        }
        for i in start..<keys.count { try step(i) }
        return image
    }

    /// The point edits as a colour table on `image`, the lattice's prefixes cached.
    private func applyPointRun(_ run: [AnyEdit], to image: EditImage) throws -> EditImage {
        let keys = try EditChain(run.map(\.base)).prefixKeys
        var lattice: Lattice?
        var start = 0
        lock.withLock {
            for j in stride(from: keys.count - 1, through: 0, by: -1) {
                if let hit = lattices.get(keys[j]) {
                    lattice = hit
                    start = j + 1
                    break
                }
            }
            stats.stepsReused += start
        }
        if lattice == nil {
            guard let fresh = try image.colourLattice() else {
                // Not reached for 8-bit sRGB proxies; kept for completeness.
                var out = image
                for e in run { out = try e.apply(to: out, context: context).materialized() }
                lock.withLock { stats.stepsComputed += run.count }
                return out
            }
            lattice = Lattice(image: fresh, table: nil)
        }
        for j in start..<run.count {
            let next = Lattice(image: try run[j].apply(to: lattice!.image, context: context).materialized(), table: nil)
            lattice = next
            lock.withLock {
                stats.stepsComputed += 1
                lattices.put(keys[j], next, capacity: capacity)
            }
        }
        var last = lattice!
        if last.table == nil {
            last.table = try last.image.colourTable()
            let done = last
            lock.withLock { lattices.put(keys[run.count - 1], done, capacity: capacity) }
        }
        guard let table = last.table else { return image }
        return try image.applying(table).materialized()
    }

    /// Empties the caches (statistics are kept).
    public func clearCache() { lock.withLock { images.removeAll(); lattices.removeAll() } }

    /// Builds `chain` on a full-resolution picture as one libvips pipeline (nothing is
    /// computed until the result is saved): geometry, the point edits as one colour table
    /// (or, for images it cannot serve, the direct scRGB/Lab pipeline), denoise and sharpen.
    /// See `EditImage` for the colour management. `Photo.pictureForEditing()` gives a picture
    /// any chain can use; `Photo.picture()` (sequential) suits chains without rotation on RGB
    /// images, which `render(_:photo:to:)` picks by itself.
    public static func render(_ chain: EditChain, picture: Picture, context: EditContext,
                              usesColourTable: Bool = true) throws -> Picture {
        try chain.validate(looks: context.looks)
        return try build(chain, on: EditImage(picture: picture), context: context, usesColourTable: usesColourTable).rendered()
    }

    private static func build(_ chain: EditChain, on start: EditImage, context: EditContext, usesColourTable: Bool) throws -> EditImage {
        var image = start
        let edits = chain.edits
        var i = 0
        while i < edits.count {
            if usesColourTable, edits[i].kind.stage == .point, var lattice = try image.colourLattice() {
                while i < edits.count, edits[i].kind.stage == .point {
                    lattice = try edits[i].apply(to: lattice, context: context)
                    i += 1
                }
                if let table = try lattice.colourTable() { image = try image.applying(table) }
                continue
            }
            image = try edits[i].apply(to: image, context: context)
            i += 1
        }
        return image
    }

    /// Whether `chain` on `picture` builds a graph that reads its source once, top to bottom
    /// (no rotation; colour on the native pixels): then a sequential decode streams the whole
    /// render in a few MB instead of decoding the image into memory (or a temporary file).
    static func streams(_ chain: EditChain, picture: Picture, orientation: Int, usesColourTable: Bool) -> Bool {
        if orientation > 2 || chain.edit(.straighten) != nil { return false }
        if !chain.edits.contains(where: { $0.kind.stage != .geometry }) { return true }
        return usesColourTable && EditImage(picture: picture).canUseColourTable
    }

    /// Opens `photo` at full resolution (sequentially when the chain allows it, otherwise
    /// with random access: see `Photo.pictureForEditing`), renders `chain` and saves it
    /// atomically to `path`.
    public static func render(_ chain: EditChain, photo: Photo, to path: String,
                              options: SaveOptions = SaveOptions(), context: EditContext,
                              usesColourTable: Bool = true) throws {
        var picture = try photo.picture()
        if !streams(chain, picture: picture, orientation: photo.info.orientation, usesColourTable: usesColourTable) {
            picture = try photo.pictureForEditing()
        }
        try render(chain, picture: picture, context: context, usesColourTable: usesColourTable).save(to: path, options: options)
    }
}

/// A least-recently-used map (not thread-safe; `ChainRenderer` locks it).
struct LRU<Value> {
    private var entries: [String: (value: Value, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    mutating func get(_ key: String) -> Value? {
        guard let hit = entries[key] else { return nil }
        clock += 1
        entries[key]!.used = clock
        return hit.value
    }

    mutating func put(_ key: String, _ value: Value, capacity: Int) {
        clock += 1
        entries[key] = (value, clock)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries.removeValue(forKey: oldest)
        }
    }

    mutating func removeAll() { entries.removeAll() }
}
