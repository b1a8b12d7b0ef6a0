import Foundation
import IAACore
import IAAEdits
import IAAImaging
import XCTest

final class ChainRendererTests: XCTestCase {
    func testPrefixCacheReusesSharedEdits() throws {
        let proxy = try Fixtures.proxy()
        let renderer = try ChainRenderer(proxy: proxy, context: Fixtures.context())
        let a = try EditChain([ExposureEdit(.init(ev: 0.3)), ToneEdit(.init(contrast: 20)), ColourEdit(.init(vibrance: 20))])
        let b = try a.setting(ColourEdit(.init(vibrance: 40)))
        let c = try a.setting(SharpenEdit(.init(amount: 50)))

        let ra = try renderer.render(a)
        XCTAssertEqual(renderer.statistics, .init(renders: 1, stepsReused: 0, stepsComputed: 3))
        _ = try renderer.render(b)  // exposure and tone from the cache
        XCTAssertEqual(renderer.statistics, .init(renders: 2, stepsReused: 2, stepsComputed: 4))
        _ = try renderer.render(c)  // all of a from the cache, sharpen computed
        XCTAssertEqual(renderer.statistics, .init(renders: 3, stepsReused: 5, stepsComputed: 5))
        let again = try renderer.render(a)
        XCTAssertEqual(renderer.statistics, .init(renders: 4, stepsReused: 8, stepsComputed: 5))
        XCTAssertEqual(again, ra)

        // Cached results equal a fresh, uncached render bit for bit.
        let fresh = try ChainRenderer(proxy: proxy, context: Fixtures.context())
        XCTAssertEqual(try fresh.render(c), try renderer.render(c))
    }

    /// Candidates can be rendered from several threads at once; results equal serial ones.
    func testConcurrentRendersMatchSerialRenders() throws {
        let proxy = try Fixtures.proxy(longSide: 128)
        let context = try Fixtures.context()
        let chains = try (0..<8).map { i in
            try EditChain([ExposureEdit(.init(ev: 0.2)), ToneEdit(.init(contrast: 10)),
                           ColourEdit(.init(vibrance: Double(i * 10))), SharpenEdit(.init(amount: Double(i * 20)))])
        }
        let serial = try chains.map { try ChainRenderer(proxy: proxy, context: context).render($0) }
        let shared = try ChainRenderer(proxy: proxy, context: context)
        let results = Results(count: chains.count)
        DispatchQueue.concurrentPerform(iterations: chains.count) { i in
            results.set(i, Result { try shared.render(chains[i]) })
        }
        for i in 0..<chains.count { XCTAssertEqual(try results.get(i).get(), serial[i]) }
        XCTAssertEqual(shared.statistics.renders, chains.count)
    }

    func testCacheEvictsBeyondCapacity() throws {
        let renderer = try ChainRenderer(proxy: syntheticImage(), context: EditContext(looks: .empty), capacity: 2)
        for ev in [0.1, 0.2, 0.3] { _ = try renderer.render(try EditChain([ExposureEdit(.init(ev: ev))])) }
        _ = try renderer.render(try EditChain([ExposureEdit(.init(ev: 0.1))]))  // evicted: recomputed
        XCTAssertEqual(renderer.statistics.stepsComputed, 4)
        _ = try renderer.render(try EditChain([ExposureEdit(.init(ev: 0.3))]))  // still cached
        XCTAssertEqual(renderer.statistics.stepsComputed, 4)
    }

    func testProxyRenderMatchesFullResolutionRender() throws {
        // The same chain on the full file, downsampled, looks like the chain on the proxy.
        let photo = try Photo(path: Fixtures.photo("tulip_field.jpg"))
        let chain = try EditChain([CropEdit(.init(x: 0.1, y: 0.1, width: 0.8, height: 0.8)), ExposureEdit(.init(ev: 0.4)),
                                   WhiteBalanceEdit(.init(temperature: 20, tint: 5)), ToneEdit(.init(contrast: 25, highlights: -30)),
                                   ColourEdit(.init(vibrance: 30, saturation: 10))])
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/full.png"
        try ChainRenderer.render(chain, photo: photo, to: out, context: Fixtures.context())
        let fullSmall = try Photo(path: out).proxy(longSide: 200)
        let proxyRender = try ChainRenderer(proxy: photo.proxy(longSide: 768), context: Fixtures.context()).render(chain)
        let proxySmall = try RGBCodec.resize(proxyRender, longSide: 200)
        XCTAssertEqual(fullSmall.width, proxySmall.width)
        XCTAssertLessThan(meanAbsDiff(fullSmall, proxySmall), 2.5)
    }

    /// The same with denoise and sharpen, whose radii are in pixels (denoise) or scale with
    /// the long side (sharpen): downsampled, the full render still looks like the proxy's.
    /// Sharpening gets a wider margin on the mean level difference: the halos it adds to fine
    /// texture at full resolution are partly averaged away by the downsampling, the proxy's
    /// are not (measured 2.8 levels, ΔE 1.2, against 1.4 / 0.7 for the point edits alone).
    func testProxyRenderWithDetailMatchesFullResolutionRender() throws {
        let photo = try Photo(path: Fixtures.photo("schoolgirls.jpg"))
        let points: [any Edit] = [ExposureEdit(.init(ev: 0.2)), ToneEdit(.init(contrast: 15)), ColourEdit(.init(vibrance: 20))]
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (details, limits) in [([DenoiseEdit(.init(strength: 40))] as [any Edit], (2.5, 1.5)),
                                  ([SharpenEdit(.init(amount: 80))], (3.5, 1.5))] {
            let chain = try EditChain(points + details)
            let out = dir + "/full.png"
            try ChainRenderer.render(chain, photo: photo, to: out, context: Fixtures.context())
            let fullSmall = try Photo(path: out).proxy(longSide: 200)
            let proxyRender = try ChainRenderer(proxy: photo.proxy(longSide: 384), context: Fixtures.context()).render(chain)
            let proxySmall = try RGBCodec.resize(proxyRender, longSide: 200)
            XCTAssertLessThan(meanAbsDiff(fullSmall, proxySmall), limits.0)
            XCTAssertLessThan(ColorScience.meanDeltaE2000(fullSmall, proxySmall), limits.1)
        }
    }

    /// A denoise's radii are in photo pixels: on a proxy a quarter of the photo's size it is
    /// drawn a quarter as wide (`EditContext.detailScale`), and the proxy render then looks like
    /// the full render downsampled, where the unscaled blur would smear the proxy's own detail.
    func testDenoiseOnAProxyIsDrawnToScale() throws {
        let photo = try Photo(path: Fixtures.photo("schoolgirls.jpg"))
        let long = max(photo.info.width, photo.info.height), side = long / 4
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let chain = try EditChain([DenoiseEdit(.init(strength: 100))])
        try ChainRenderer.render(chain, photo: photo, to: dir + "/full.png", context: Fixtures.context())
        let fullSmall = try Photo(path: dir + "/full.png").proxy(longSide: side)
        let proxy = try photo.proxy(longSide: side)
        let looks = try Fixtures.context().looks
        let scaled = try ChainRenderer(proxy: proxy, context: EditContext(looks: looks, detailScale: Double(side) / Double(long))).render(chain)
        let unscaled = try ChainRenderer(proxy: proxy, context: EditContext(looks: looks)).render(chain)
        // Measured (bilateral luma, chroma blur of the same sigma): 3.5 levels to scaled, 8.3 to
        // unscaled, 4.0 to the proxy left alone — on this clean photo a full-strength denoise
        // mostly smooths fine texture, of which the proxy shows a part; the scaled render is
        // the closer of the two edited ones by far, and closer than leaving the proxy alone.
        XCTAssertLessThan(meanAbsDiff(fullSmall, scaled), 0.5 * meanAbsDiff(fullSmall, unscaled))
        XCTAssertLessThan(meanAbsDiff(fullSmall, scaled), meanAbsDiff(fullSmall, proxy))
    }

    /// A P3 photo with EXIF and XMP: the rendered file keeps all three, is still tagged P3,
    /// has the cropped size and its colours (seen through colour management) are where the
    /// edit put them — read back with exiftool, an independent parser.
    func testFullResolutionRenderKeepsMetadataAndProfile() throws {
        let source = Fixtures.edits("macaws_p3.jpg")
        let photo = try Photo(path: source)
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/edited.jpg"
        let chain = try EditChain([CropEdit(.init(x: 0, y: 0, width: 0.5, height: 0.75)), ExposureEdit(.init(ev: 0.01))])
        try ChainRenderer.render(chain, photo: photo, to: out, context: Fixtures.context())

        let tags = try exiftool(["-ProfileDescription", "-XMP-dc:Title", "-XMP-dc:Creator", "-EXIF:Artist", "-Orientation#", "-ImageWidth", "-ImageHeight"], out)
        XCTAssertEqual(tags["ProfileDescription"], "sP3C")
        XCTAssertEqual(tags["Title"], "Macaws (Display P3 fixture)")
        XCTAssertEqual(tags["Creator"], "Steve Kelly")
        XCTAssertEqual(tags["Artist"], "Steve Kelly")
        XCTAssertEqual(tags["Orientation"], "1")
        XCTAssertEqual(tags["ImageWidth"], "384")
        XCTAssertEqual(tags["ImageHeight"], "384")

        // A near-identity colour edit leaves the colours where they were: the output was
        // written back into P3, not mislabelled sRGB (which would desaturate it visibly).
        let before = try Photo(path: source).proxy(longSide: 768)
        let after = try Photo(path: out).proxy(longSide: 384)
        let crop = try EditChain([CropEdit(.init(x: 0, y: 0, width: 0.5, height: 0.75))])
        let expected = try ChainRenderer(proxy: before, context: Fixtures.context()).render(crop)
        XCTAssertLessThan(meanAbsDiff(after, expected), 2.0)
    }

    func testRenderWithoutProfileAttachesSRGB() throws {
        let photo = try Photo(path: Fixtures.photo("carrots.jpg"))
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/edited.jpg"
        try ChainRenderer.render(try EditChain([ToneEdit(.init(contrast: 10))]), photo: photo, to: out, context: Fixtures.context())
        let tags = try exiftool(["-ProfileDescription", "-ImageWidth", "-ExifImageWidth"], out)
        XCTAssertEqual(tags["ProfileDescription"]?.lowercased().contains("srgb"), true, "\(tags)")
        XCTAssertEqual(tags["ImageWidth"], String(photo.info.width))
        XCTAssertNotNil(tags["ExifImageWidth"])
    }

    func testStraightenedFullRenderHasTheInnerSize() throws {
        let photo = try Photo(path: Fixtures.photo("vintage_cars.jpg"))
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/level.jpg"
        try ChainRenderer.render(try EditChain([StraightenEdit(.init(degrees: 4)), SharpenEdit(.init(amount: 50))]), photo: photo,
                                 to: out, context: Fixtures.context())
        let size = StraightenEdit.innerSize(width: photo.info.width, height: photo.info.height, degrees: 4)
        let info = try Photo(path: out).info
        XCTAssertEqual(info.width, size.width)
        XCTAssertEqual(info.height, size.height)
    }

    /// EXIF orientation 6 (stored 192×128): rendered upright at 128×192 with orientation 1,
    /// through a colour edit (random-access decode; a sequential one fails to rotate).
    func testOrientedSourceRendersUpright() throws {
        let photo = try Photo(path: Fixtures.edits("rotated_o6.jpg"))
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/upright.jpg"
        try ChainRenderer.render(try EditChain([ExposureEdit(.init(ev: 0.2)), DenoiseEdit(.init(strength: 20))]), photo: photo,
                                 to: out, context: Fixtures.context())
        let tags = try exiftool(["-Orientation#", "-ImageWidth", "-ImageHeight"], out)
        XCTAssertEqual(tags["Orientation"], "1")
        XCTAssertEqual(tags["ImageWidth"], "128")
        XCTAssertEqual(tags["ImageHeight"], "192")
        // Same picture as the upright proxy with the same edit.
        let expected = try ChainRenderer(proxy: photo.proxy(longSide: 192), context: Fixtures.context())
            .render(try EditChain([ExposureEdit(.init(ev: 0.2)), DenoiseEdit(.init(strength: 20))]))
        XCTAssertLessThan(meanAbsDiff(try Photo(path: out).proxy(longSide: 192), expected), 3)
    }

    /// Alpha survives a colour edit: the output PNG still has four bands.
    func testAlphaIsKept() throws {
        let photo = try Photo(path: Fixtures.edits("alpha.png"))
        XCTAssertTrue(photo.info.hasAlpha)
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/alpha.png"
        try ChainRenderer.render(try EditChain([ColourEdit(.init(saturation: -100))]), photo: photo, to: out, context: Fixtures.context())
        let info = try Photo(path: out).info
        XCTAssertTrue(info.hasAlpha)
        XCTAssertEqual(info.bands, 4)
        XCTAssertEqual(info.width, 64)
    }

    private func exiftool(_ args: [String], _ path: String) throws -> [String: String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["exiftool", "-s", "-s"] + args + [path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "exiftool failed")
        var out: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }
}

/// Thread-safe result slots for the concurrency test.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<RGBImage, Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<RGBImage, Error>) { lock.withLock { values[i] = r } }
    func get(_ i: Int) -> Result<RGBImage, Error> { lock.withLock { values[i]! } }
}
