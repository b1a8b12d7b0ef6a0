import Foundation
import IAACore

/// BRISQUE no-reference technical quality (Mittal, Moorthy & Bovik, IEEE TIP 2012) with the
/// LIVE-R2 model that ships with OpenCV's quality module (`brisque_model_live.yml`,
/// `brisque_range_live.yml`; see Weights/BRISQUE.md). Lower is better: about 0 for clean
/// photographs, 40–80 for blurred, noisy or heavily compressed ones; clamped to 0…100 as
/// OpenCV does. Matches `cv2.quality.QualityBRISQUE` (non-IPP path) within 0.01 on the fixtures.
public struct Brisque: Sendable {
    /// SHA-256 of Weights/brisque_live.safetensors (written by Tools/convert_quality_models.py).
    public static let weightsSHA256 = "d7a1d679645b565437fd14b815b23955ad9110c8df9b9630f0ee46bbab7f6863"
    /// The default weight file name, looked up with `WeightsLocator`.
    public static let weightsFile = "brisque_live.safetensors"

    private let supportVectors: [Float]  // 774 × 36
    private let alpha: [Double]          // 774
    private let rho: Double
    private let gamma: Double
    private let featureMin: [Float]      // 36
    private let featureMax: [Float]      // 36

    /// Loads the model from `weightsPath` (a safetensors file checked against `weightsSHA256`).
    /// - Throws: `IAAError(.badWeights, path:)` if the file is not the expected model.
    public init(weightsPath: String) throws {
        let w = try QualityWeights(path: weightsPath, sha256: Self.weightsSHA256)
        supportVectors = try w.floats("support_vectors", shape: [774, BrisqueFeatures.count])
        alpha = try w.doubles("alpha", shape: [774])
        rho = try w.doubles("rho", shape: [1])[0]
        gamma = try w.doubles("gamma", shape: [1])[0]
        let range = try w.floats("range", shape: [2, BrisqueFeatures.count])
        featureMin = Array(range[0..<36])
        featureMax = Array(range[36..<72])
    }

    /// Loads the model from the Weights folder (see `WeightsLocator`).
    public init() throws {
        try self.init(weightsPath: WeightsLocator.path(of: Self.weightsFile))
    }

    /// The BRISQUE score of `image` (0…100, lower is better).
    ///
    /// Uses the image as given (the model was trained on LIVE images of roughly 0.3–0.8 MP; a
    /// proxy of about that size is the intended input). Needs at least 8×8 pixels.
    /// - Throws: `IAAError(.invalidArgument)` for smaller or textureless images.
    public func score(_ image: RGBImage) throws -> Double {
        guard image.width >= 8, image.height >= 8 else {
            throw IAAError(.invalidArgument, path: nil, "BRISQUE needs an image of at least 8×8 pixels (got \(image.width)×\(image.height))")
        }
        let features = BrisqueFeatures.compute(image)
        // A flat image has no MSCN spread on one side, which makes the fits 0/0; OpenCV would
        // return NaN. Say so instead.
        guard !features.contains(where: \.isNaN) else {
            throw IAAError(.invalidArgument, path: nil, "BRISQUE is undefined for an image without texture (a flat or nearly flat image)")
        }
        return predict(features)
    }

    /// The SVR prediction for a feature vector, as OpenCV's `ml::SVM` (ε-SVR, RBF) computes it:
    /// features scaled to −1…1 in float32, kernel values exp(−γ‖x − sᵢ‖²) in float32, the
    /// weighted sum minus ρ in double, clamped to 0…100.
    public func predict(_ features: [Float]) -> Double {
        precondition(features.count == BrisqueFeatures.count)
        var x = [Float](repeating: 0, count: 36)
        for i in 0..<36 {
            x[i] = -1 + (2 * (features[i] - featureMin[i])) / (featureMax[i] - featureMin[i])
        }
        var sum = -rho
        supportVectors.withUnsafeBufferPointer { sv in
            for j in 0..<alpha.count {
                var s = 0.0
                let base = j * 36
                var k = 0
                while k < 36 {
                    let t0 = Double(sv[base + k] - x[k]), t1 = Double(sv[base + k + 1] - x[k + 1])
                    s += t0 * t0 + t1 * t1
                    k += 2
                }
                let kernel = expf(Float(s * -gamma))
                sum += alpha[j] * Double(kernel)
            }
        }
        return Double(min(max(Float(sum), 0), 100))
    }
}

extension Brisque: RegisteredModel {
    /// BRISQUE's row in the model table.
    public static let entry = ModelEntry(
        name: "brisque-live", task: .technicalQuality, direction: .lowerIsBetter, scoreRange: 0...100,
        weightsFile: weightsFile, sha256: weightsSHA256,
        summary: "BRISQUE (Mittal et al., TIP 2012), LIVE-R2 SVR model from OpenCV's quality module")

    /// Loads from an explicit weight file (see `init(weightsPath:)`).
    public init(weightsAt path: String) throws { try self.init(weightsPath: path) }
}
