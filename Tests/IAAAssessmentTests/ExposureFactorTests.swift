import Foundation
import IAAAssessment
import IAACore
import XCTest

/// The exposure estimate reads where the highlights sit, not the key: synthetic frames with
/// exact expectations (see `ExposureFactor` and `HighlightPlacement`).
final class ExposureFactorTests: XCTestCase {
    let factor = ExposureFactor(renderVisual: false)

    /// A grey ramp: code 20 at the left edge to 240 at the right, the same on every row.
    func ramp(width: Int, height: Int, from lo: Int = 20, to hi: Int = 240) -> RGBImage {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let v = UInt8(lo + (hi - lo) * x / max(1, width - 1))
                for c in 0..<3 { px[3 * (y * width + x) + c] = v }
            }
        }
        return RGBImage(width: width, height: height, pixels: px)
    }

    /// `subject` pasted at (x0, y0) onto a `width`×`height` frame of `fill`.
    func paste(_ subject: RGBImage, at x0: Int, _ y0: Int, width: Int, height: Int, fill: UInt8 = 255) -> RGBImage {
        var px = [UInt8](repeating: fill, count: width * height * 3)
        for y in 0..<subject.height {
            for x in 0..<subject.width {
                for c in 0..<3 { px[3 * ((y + y0) * width + x + x0) + c] = subject.pixels[3 * (y * subject.width + x) + c] }
            }
        }
        return RGBImage(width: width, height: height, pixels: px)
    }

    func testTypicalPlacementCurve() {
        // −2.5·(−ln q)^0.84: a well-exposed frame's brightest percent sits just below the clip.
        XCTAssertEqual(ExposureFactor.typicalHighlightEV(0.99), -2.5 * pow(-log(0.99), 0.84), accuracy: 1e-12)
        XCTAssertEqual(ExposureFactor.typicalHighlightEV(0.99), -0.0518, accuracy: 0.001)
        XCTAssertEqual(ExposureFactor.typicalHighlightEV(0.5), -1.837, accuracy: 0.001)
        XCTAssertEqual(ExposureFactor.typicalHighlightEV(1), 0)
    }

    func testHighKeyShotOnWhiteIsNotOverExposed() throws {
        // A normally exposed subject (highlights at code 240) on a clipped white backdrop that
        // surrounds it: three quarters of the frame is white.
        let subject = ramp(width: 120, height: 80)
        let shot = paste(subject, at: 60, 40, width: 240, height: 160)
        let r = factor.assess(AnalysisContext(image: shot))
        XCTAssertEqual(r.measurement("backdropShare")!, 0.75, accuracy: 1e-12)
        XCTAssertEqual(r.measurement("clippedShare")!, 0)
        // The backdrop is left out entirely: the frame reads exactly as the subject alone.
        XCTAssertEqual(r.raw, factor.assess(AnalysisContext(image: subject)).raw, accuracy: 1e-12)
        XCTAssertEqual(r.level?.value, 3, r.explanation.english)
        XCTAssertLessThan(abs(r.raw), 0.2)
        XCTAssertTrue(r.explanation.english.contains("backdrop"), r.explanation.english)
        XCTAssertTrue(r.explanation.chinese.contains("背景"), r.explanation.chinese)
        // 1.5 EV darker the backdrop is one flat grey: still the backdrop (a plateau, see
        // `clipLevel`), still left out, and the subject reads 1.5 EV under.
        let dark = factor.assess(AnalysisContext(image: Degrade.exposure(shot, ev: -1.5)))
        XCTAssertEqual(dark.measurement("backdropShare")!, 0.75, accuracy: 1e-12)
        XCTAssertLessThanOrEqual(dark.level!.value, 2)
        XCTAssertEqual(dark.raw, r.raw - 1.5, accuracy: 0.05)
    }

    func testBlownRegionAlongThreeEdgesIsNotABackdrop() throws {
        // White over the top half, the subject across the bottom half: a blown sky, as
        // over-exposure makes, touching the top and both sides but not the bottom. It counts,
        // and the frame reads over-exposed.
        let shot = paste(ramp(width: 240, height: 80), at: 0, 80, width: 240, height: 160)
        XCTAssertNil(ExposureFactor.clippedBackdrop(shot))
        let r = factor.assess(AnalysisContext(image: shot))
        XCTAssertEqual(r.measurement("backdropShare")!, 0)
        XCTAssertEqual(r.measurement("clippedShare")!, 0.5, accuracy: 1e-12)
        // Half the frame clipped: the median is compared, and it is (within half a code) white.
        XCTAssertEqual(r.measurement("highlightQuantile")!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.measurement("highlightEV")!, 0, accuracy: 0.01)
        XCTAssertEqual(r.raw, r.measurement("highlightEV")! - ExposureFactor.typicalHighlightEV(0.5), accuracy: 1e-12)
        XCTAssertEqual(r.level?.value, 5)
    }

    func testBackdropMaskIsTheFlatClippedSurround() throws {
        let shot = paste(ramp(width: 10, height: 6), at: 5, 3, width: 20, height: 12)
        let mask = try XCTUnwrap(ExposureFactor.clippedBackdrop(shot))
        for y in 0..<12 {
            for x in 0..<20 {
                let inSubject = (5..<15).contains(x) && (3..<9).contains(y)
                XCTAssertEqual(mask[y * 20 + x], !inSubject, "(\(x), \(y))")
            }
        }
        // Textured clipping (a channel at 255, luma varying by more than 2 levels) is not a backdrop.
        var textured = shot
        for i in 0..<textured.pixelCount where mask[i] { textured.pixels[3 * i + 2] = i % 2 == 0 ? 255 : 200 }
        XCTAssertNil(ExposureFactor.clippedBackdrop(textured))
        XCTAssertNil(ExposureFactor.clippedBackdrop(ramp(width: 20, height: 12)))
    }

    func testDarkSubjectWithBrightHighlightsIsNotUnderExposed() throws {
        // 96 % of the frame a dark, textured subject (codes 6…36: a black bird), 4 % bright sky
        // at code 245 (a strip along the top). The saliency-weighted key is far below the target:
        // the former key-based estimate called this severely under-exposed.
        let w = 200, h = 100
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                // The sky varies by a few levels, as a real one does (a perfectly flat top code
                // is a plateau: blown and darkened, see `clipLevel`).
                let v: UInt8 = y < 4 ? UInt8(243 + (x * 3 + y) % 5) : UInt8(6 + (x * 7 + y * 13) % 31)
                for c in 0..<3 { px[3 * (y * w + x) + c] = v }
            }
        }
        let img = RGBImage(width: w, height: h, pixels: px)
        let r = factor.assess(AnalysisContext(image: img))
        XCTAssertLessThan(r.measurement("keyEV")!, -1.6)
        // The 99th percentile lies in the sky: exactly its level against the typical placement.
        let sky = log2(Double(ColorSpace.linearLUT[245]))
        XCTAssertEqual(r.measurement("highlightEV")!, sky, accuracy: 0.02)
        XCTAssertEqual(r.raw, r.measurement("highlightEV")! - ExposureFactor.typicalHighlightEV(0.99), accuracy: 1e-12)
        XCTAssertEqual(r.level?.value, 3, r.explanation.english)
        XCTAssertTrue(r.explanation.english.contains("low-key"), r.explanation.english)
        XCTAssertTrue(r.explanation.chinese.contains("低调"), r.explanation.chinese)
        // The same scene 1.5 EV under leaves the headroom unused and reads 1.5 EV lower.
        let dark = factor.assess(AnalysisContext(image: Degrade.exposure(img, ev: -1.5)))
        XCTAssertEqual(dark.raw - r.raw, -1.5, accuracy: 0.03)
        XCTAssertLessThanOrEqual(dark.level!.value, 2)
        XCTAssertTrue(dark.explanation.english.contains("below white"), dark.explanation.english)
    }

    func testUnclippedExposureChangesRead1To1() throws {
        // Codes 5…200: nothing near the clip, so a gain moves every quantile by its EV.
        let img = ramp(width: 256, height: 32, from: 5, to: 200)
        let base = factor.assess(AnalysisContext(image: img)).raw
        for ev in [-2.0, -1.0, -0.5, 0.25] {
            let r = factor.assess(AnalysisContext(image: Degrade.exposure(img, ev: ev))).raw
            XCTAssertEqual(r - base, ev, accuracy: 0.03, "\(ev) EV")
        }
    }

    /// Correcting an over-exposed frame by darkening it leaves its blown areas as one flat grey:
    /// that plateau is still clipping, so the corrected frame reads about right, not under.
    func testDarkenedClippingIsStillClipping() throws {
        let w = 200, h = 120
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                // A textured scene with its top third blown to white.
                let v = y < 40 ? 255 : 60 + (x * 5 + y * 11) % 150
                for c in 0..<3 { px[3 * (y * w + x) + c] = UInt8(v) }
            }
        }
        let over = RGBImage(width: w, height: h, pixels: px)
        let r = factor.assess(AnalysisContext(image: over))
        let fixed = factor.assess(AnalysisContext(image: Degrade.exposure(over, ev: -1)))
        XCTAssertEqual(fixed.measurement("clippedShare")!, r.measurement("clippedShare")!, accuracy: 1e-12)
        XCTAssertEqual(fixed.raw, r.raw - 1, accuracy: 0.1)
        XCTAssertEqual(ExposureFactor.clipLevel([Int](repeating: 10, count: 256), pixels: 2560), ExposureFactor.clipCode)
    }
}
