import IAAAssessment
import IAACore
import IAAEdits
import IAAImaging
@testable import IAASearch
import XCTest

final class ProposalsTests: XCTestCase {
    func testWarmIlluminantGetsACoolingTemperature() {
        // A warm illuminant has more red than blue (ln R/G > 0 > ln B/G).
        let s = Proposals.neutralising(illuminant: (1.2, 1, 0.8), temperature: -80...80, tint: -40...40)
        XCTAssertLessThan(s.temperature, -5)
        let c = Proposals.neutralising(illuminant: (0.85, 1, 1.2), temperature: -80...80, tint: -40...40)
        XCTAssertGreaterThan(c.temperature, 5)
        let n = Proposals.neutralising(illuminant: (1, 1, 1), temperature: -80...80, tint: -40...40)
        XCTAssertEqual(n.temperature, 0, accuracy: 1)
        XCTAssertEqual(n.tint, 0, accuracy: 1)
    }

    /// A noise fault is proposed a denoise only when the 1:1 σ is well above the proxy's (pixel
    /// noise averages away on the proxy, texture does not).
    func testNoiseThatDoesNotShrinkOnTheProxyIsTexture() throws {
        var img = try Photo(path: Support.fixtures + "/photos/vintage_cars.jpg").proxy(longSide: 768)
        var state: UInt64 = 3
        for i in 0..<img.pixels.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            img.pixels[i] = UInt8(min(255, max(0, Double(img.pixels[i]) + 24 * (u - 0.5))))
        }
        var noise = NoiseFactor().assess(AnalysisContext(image: img))
        XCTAssertTrue(noise.level?.isFault ?? false, "\(noise.raw)")
        let natural = try Preset.bundled(looks: try LookLibrary.bundled())["natural"]!
        let space = SearchSpace(preset: natural, geometry: false)
        func proposed(proxyRaw: Double) -> Bool {
            var n = noise
            n.measurements.append(Measurement("proxyRaw", proxyRaw, "proxy"))
            return Proposals.propose(Observation(factors: [n]), space: space).contains { $0.kind == .denoise }
        }
        XCTAssertTrue(proposed(proxyRaw: noise.raw / 3))
        XCTAssertFalse(proposed(proxyRaw: noise.raw))
        noise.measurements = []
        XCTAssertTrue(Proposals.propose(Observation(factors: [noise]), space: space).contains { $0.kind == .denoise })
    }

    func testSearchPointRoundTripsThroughAChain() throws {
        let p = SearchPoint(values: ["exposure.ev": 0.5, "whiteBalance.temperature": -10, "tone.contrast": 0])
        XCTAssertEqual(p.values.count, 2)  // identity values are dropped
        let chain = try p.chain()
        XCTAssertEqual(chain.edits.map(\.kind), [.exposure, .whiteBalance])
        XCTAssertEqual(SearchPoint(chain: chain), p)
    }

    func testClampKeepsTheCropBoxInsideTheFrame() throws {
        let looks = try LookLibrary.bundled()
        let natural = try Preset.bundled(looks: looks)["natural"]!
        let space = SearchSpace(preset: natural, geometry: true)
        let p = space.clamp(SearchPoint(values: ["crop.x": 0.05, "crop.width": 0.99]))
        XCTAssertLessThanOrEqual(p["crop.x"] + p["crop.width"], 1)
        XCTAssertNoThrow(try p.chain())
        XCTAssertTrue(SearchSpace(preset: natural, geometry: false).dimensions.allSatisfy {
            !$0.parameter.id.hasPrefix("crop.") && !$0.parameter.id.hasPrefix("straighten.")
        })
    }
}
