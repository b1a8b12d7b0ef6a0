import Foundation
import IAACore
import IAAImaging
import IAAModels
import XCTest

/// EfficientNet-Lite0 against the independent float64 numpy forward (Tools/efficientnet_reference.py)
/// of the same float16-stored weights, on the same 224×224 inputs.
final class EfficientNetTests: XCTestCase {
    nonisolated(unsafe) static var shared: EfficientNetLite0?

    static func model() throws -> EfficientNetLite0 {
        if let m = shared { return m }
        let m = try EfficientNetLite0(weightsAt: Fixtures.weights(EfficientNetLite0.entry.weightsFile))
        shared = m
        return m
    }

    /// Top-1 identical, and each reference top-5 probability within 1e-5 (same weights,
    /// float32 arithmetic against float64; measured 1.3e-6).
    func testMatchesFloat64Reference() throws {
        let net = try Self.model()
        let rows = try Fixtures.tsv(Fixtures.theme.appendingPathComponent("reference.tsv"))
        XCTAssertEqual(rows.count, 5)
        let images = try rows.map { try Fixtures.decode(Fixtures.theme.appendingPathComponent("input224/\($0["photo"]!).png")) }
        let probs = net.probabilities(images)  // one batch of 5 → split 4 + 1
        for (row, p) in zip(rows, probs) {
            let photo = row["photo"]!
            XCTAssertEqual(p.count, 1000)
            XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-4, photo)
            let top1 = p.indices.max { p[$0] < p[$1] }!
            XCTAssertEqual(top1, Int(row["class1"]!)!, photo)
            for k in 1...5 {
                let c = Int(row["class\(k)"]!)!, ref = Double(row["p\(k)"]!)!
                XCTAssertEqual(Double(p[c]), ref, accuracy: 1e-5, "\(photo) class \(c)")
            }
        }
    }

    /// A batch gives the same answer as single images (the workspace slots must not leak).
    func testBatchEqualsSingle() throws {
        let net = try Self.model()
        let a = try Fixtures.decode(Fixtures.theme.appendingPathComponent("input224/macaws.png"))
        let b = try Fixtures.decode(Fixtures.theme.appendingPathComponent("input224/vintage_cars.png"))
        let both = net.probabilities([a, b])
        let single = net.probabilities([b])[0]
        for i in 0..<1000 { XCTAssertEqual(both[1][i], single[i], accuracy: 1e-6) }
        XCTAssertEqual(net.classify(a, top: 1)[0].name, "macaw")
    }

    /// The Swift preprocessing of the fixture JPEG gives the reference input (the Python side
    /// decodes with Pillow, here libvips: allow ±2 levels, nearly all pixels identical).
    func testPrepareMatchesReferenceCropResize() throws {
        for name in ["macaws", "tulip_field"] {
            let photo = try Fixtures.decode(Fixtures.photos.appendingPathComponent("\(name).jpg"))
            let ours = EfficientNetLite0.prepare(photo)
            let ref = try Fixtures.decode(Fixtures.theme.appendingPathComponent("input224/\(name).png"))
            XCTAssertEqual(ours.width, 224)
            XCTAssertEqual(ours.height, 224)
            var worst = 0, off = 0
            for (x, y) in zip(ours.pixels, ref.pixels) {
                let d = abs(Int(x) - Int(y))
                worst = max(worst, d)
                if d > 0 { off += 1 }
            }
            XCTAssertLessThanOrEqual(worst, 2, name)
            XCTAssertLessThan(Double(off) / Double(ours.pixels.count), 0.05, name)
        }
    }

    /// Area averaging: a 2:1 reduction of a checkerboard column pattern is uniform grey, and
    /// a centred square is taken from a wide image.
    func testPrepareIsAreaAverageOfCentredSquare() {
        // 8×4 image: left 2 columns red, right 2 columns blue, centre 4 columns alternating black/white.
        var px = [UInt8]()
        for _ in 0..<4 {
            for x in 0..<8 {
                switch x {
                case 0, 1: px += [255, 0, 0]
                case 6, 7: px += [0, 0, 255]
                default: px += x % 2 == 0 ? [0, 0, 0] : [255, 255, 255]
                }
            }
        }
        let out = EfficientNetLite0.prepare(RGBImage(width: 8, height: 4, pixels: px), side: 2)
        XCTAssertEqual(out.pixels, [UInt8](repeating: 128, count: 12))  // 127.5 rounds half up
    }

    func testRegistryRowAndClassNames() throws {
        let e = try XCTUnwrap(ModelRegistry.entry(named: "efficientnet-lite0"))
        XCTAssertEqual(e.task, .classification)
        let classes = try ImageNetClasses(path: Fixtures.weights(ImageNetClasses.fileName))
        XCTAssertEqual(classes.names[0], "tench")
        XCTAssertEqual(classes.names[88], "macaw")
        XCTAssertEqual(classes.names[970], "alp")
        XCTAssertEqual(classes.synsets[999], "n15075141")
    }

    func testAlteredWeightsFailTheHash() throws {
        var real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.weights(EfficientNetLite0.entry.weightsFile)))
        real[real.count - 3] ^= 0x10
        let dir = NSTemporaryDirectory() + "iaa-effnet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = dir + "/efficientnet_lite0.safetensors"
        try real.write(to: URL(fileURLWithPath: p))
        try FileManager.default.copyItem(atPath: Fixtures.weights(ImageNetClasses.fileName), toPath: dir + "/" + ImageNetClasses.fileName)
        XCTAssertThrowsError(try EfficientNetLite0(weightsAt: p)) { error in
            XCTAssertEqual((error as? IAAError)?.kind, .badWeights)
            XCTAssertTrue("\(error)".contains("SHA-256"), "\(error)")
        }
    }
}
