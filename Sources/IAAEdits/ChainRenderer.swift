import Foundation
import IAACore
import IAAImaging

/// Renders edit chains: many candidates on one small proxy, with every prefix cached, and
/// the chosen one once on the full-resolution file.
///
/// Proxy renders keep the materialised result of every prefix (keyed by `EditChain
/// .prefixKeys`, i.e. the hash of the prefix's canonical encoding), so candidates that share
/// their first edits only compute the rest (Nuke's prefix caching, darktable's pipe cache).
/// Entries are evicted least-recently-used beyond `capacity` (a 512 px proxy entry is about
/// 2 MB of float pixels). Thread-safe: the cache is locked, rendering is not.
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
    /// Maximum number of cached prefixes. Default 64.
    public let capacity: Int

    private let base: EditImage
    private let lock = NSLock()
    private var cache: [String: (image: EditImage, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var stats = Statistics()

    public init(proxy: RGBImage, context: EditContext, capacity: Int = 64) throws {
        self.proxy = proxy
        self.context = context
        self.capacity = max(1, capacity)
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

    /// Renders `chain` on the proxy, leaving the result in the working space.
    public func renderImage(_ chain: EditChain) throws -> EditImage {
        try chain.validate(looks: context.looks)
        let keys = chain.prefixKeys
        var start = 0
        var image = base
        lock.withLock {
            clock += 1
            stats.renders += 1
            for i in stride(from: keys.count - 1, through: 0, by: -1) {
                if let hit = cache[keys[i]] {
                    cache[keys[i]]!.used = clock
                    image = hit.image
                    start = i + 1
                    break
                }
            }
            stats.stepsReused += start
        }
        for i in start..<keys.count {
            image = try chain.edits[i].apply(to: image, context: context).materialized()
            let computed = image
            lock.withLock {
                clock += 1
                stats.stepsComputed += 1
                cache[keys[i]] = (computed, clock)
                if cache.count > capacity, let oldest = cache.min(by: { $0.value.used < $1.value.used })?.key {
                    cache.removeValue(forKey: oldest)
                }
            }
        }
        return image
    }

    /// Empties the cache (statistics are kept).
    public func clearCache() { lock.withLock { cache.removeAll() } }

    /// Builds `chain` on a full-resolution picture as one libvips pipeline (nothing is
    /// computed until the result is saved). See `EditImage` for the colour management. Pass a
    /// picture from `Photo.pictureForEditing()`: the sequential `Photo.picture()` cannot be
    /// rotated and re-decodes for every branch of the graph.
    public static func render(_ chain: EditChain, picture: Picture, context: EditContext) throws -> Picture {
        try chain.validate(looks: context.looks)
        var image = EditImage(picture: picture)
        for edit in chain.edits { image = try edit.apply(to: image, context: context) }
        return try image.rendered()
    }

    /// Opens `photo` at full resolution with random access (see `Photo.pictureForEditing`),
    /// renders `chain` and saves it atomically to `path`.
    public static func render(_ chain: EditChain, photo: Photo, to path: String,
                              options: SaveOptions = SaveOptions(), context: EditContext) throws {
        let picture = try photo.pictureForEditing()
        try render(chain, picture: picture, context: context).save(to: path, options: options)
    }
}
