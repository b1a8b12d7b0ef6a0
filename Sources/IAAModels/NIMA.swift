// NIMA: Neural Image Assessment (Talebi & Milanfar, IEEE TIP 27(8), 2018), MobileNet-v1
// backbone trained on AVA, weights by idealo (github.com/idealo/image-quality-assessment,
// weights_mobilenet_aesthetic_0.07.hdf5, Apache-2.0), converted by Tools/convert_nima.py.
// Graph and preprocessing as verified against an independent float64 implementation
// (see Weights/NIMA.md and ../shared/design/models.md).
import Foundation
import IAACore
import IAANeural

/// NIMA's predicted distribution of AVA ratings 1…10 for one image.
public struct AestheticDistribution: Sendable, Equatable {
    /// P(score = i) for i = 1…10 (index 0 is score 1); sums to 1.
    public let probabilities: [Double]
    /// Σ i·pᵢ, 1…10; AVA photos mostly fall in 4…7. Higher is better.
    public let mean: Double
    /// √(Σ pᵢ (i − mean)²): how much raters would disagree.
    public let standardDeviation: Double

    /// Builds the summary statistics from 10 probabilities.
    public init(probabilities: [Double]) {
        precondition(probabilities.count == 10, "AestheticDistribution: 10 probabilities expected")
        self.probabilities = probabilities
        var m = 0.0
        for (i, p) in probabilities.enumerated() { m += Double(i + 1) * p }
        var v = 0.0
        for (i, p) in probabilities.enumerated() { v += p * (Double(i + 1) - m) * (Double(i + 1) - m) }
        mean = m
        standardDeviation = v.squareRoot()
    }
}

/// The NIMA aesthetic model (MobileNet-v1, AVA). Load once, call `score` many times; calls on
/// one instance are serialised (it owns its activation workspace), so share it freely.
public final class NIMA: RegisteredModel, @unchecked Sendable {
    /// Registry row: weights file and hash.
    public static let entry = ModelEntry(
        name: "nima-ava", task: .aesthetics, direction: .higherIsBetter, scoreRange: 1...10,
        weightsFile: "nima_mobilenet_ava.safetensors",
        sha256: "d39994c6d908c878edeedc07d0ffd26c064223899be2e5d849b815265fcdf270",
        summary: "NIMA (Talebi & Milanfar 2018) MobileNet-v1 on AVA; idealo weights, Apache-2.0")

    /// Network input side in pixels.
    public static let inputSize = 224
    /// Images per forward pass; larger requests are split (bounds the workspace to ~55 MB).
    public static let maxBatch = 8

    /// (block number, output channels, depthwise stride) of MobileNet-v1's 13 separable blocks.
    private static let blocks: [(Int, Int, Int)] = [
        (1, 64, 1), (2, 128, 2), (3, 128, 1), (4, 256, 2), (5, 256, 1), (6, 512, 2), (7, 512, 1),
        (8, 512, 1), (9, 512, 1), (10, 512, 1), (11, 512, 1), (12, 1024, 2), (13, 1024, 1),
    ]
    /// Keras BatchNormalization epsilon used by MobileNet.
    private static let bnEpsilon: Float = 1e-3

    private let conv1: Conv2D
    private let separable: [(DepthwiseConv2D, Conv2D)]
    private let dense: Dense
    private let workspace = Workspace()
    private let lock = NSLock()

    /// Loads `path`, verified against the registry's SHA-256.
    public convenience init(weightsAt path: String) throws {
        try self.init(weightsAt: path, sha256: Self.entry.sha256)
    }

    /// Loads `path`, verified against `sha256` (for tests and alternative conversions).
    public init(weightsAt path: String, sha256: String) throws {
        let st = try SafeTensors(path: path, sha256: sha256)
        func bn(_ name: String, _ c: Int) throws -> BatchNorm {
            BatchNorm(gamma: try st.tensor("\(name).gamma", shape: [c]), beta: try st.tensor("\(name).beta", shape: [c]),
                      mean: try st.tensor("\(name).mean", shape: [c]), variance: try st.tensor("\(name).var", shape: [c]),
                      epsilon: Self.bnEpsilon)
        }
        // Keras 2.1.6 pads 1 pixel on every side before each 3×3 conv, stride 2 included.
        conv1 = Conv2D(weights: try st.tensor("conv1.weight", shape: [32, 3, 3, 3]), bias: nil,
                       outChannels: 32, inChannels: 3, kernel: (3, 3), stride: (2, 2),
                       padding: .symmetric(1), activation: .relu6).folding(try bn("conv1_bn", 32))
        var layers: [(DepthwiseConv2D, Conv2D)] = []
        var c = 32
        for (i, out, s) in Self.blocks {
            let dw = DepthwiseConv2D(weights: try st.tensor("conv_dw_\(i).weight", shape: [c, 1, 3, 3]), bias: nil,
                                     channels: c, kernel: (3, 3), stride: (s, s), padding: .symmetric(1),
                                     activation: .relu6).folding(try bn("conv_dw_\(i)_bn", c))
            let pw = Conv2D(weights: try st.tensor("conv_pw_\(i).weight", shape: [out, c, 1, 1]), bias: nil,
                            outChannels: out, inChannels: c, kernel: (1, 1), activation: .relu6)
                .folding(try bn("conv_pw_\(i)_bn", out))
            layers.append((dw, pw))
            c = out
        }
        separable = layers
        dense = Dense(weights: try st.tensor("dense_1.weight", shape: [10, 1024]),
                      bias: try st.tensor("dense_1.bias", shape: [10]), inFeatures: 1024, outFeatures: 10)
    }

    /// Scores each image: resized to 224×224 with `NIMA.resizeNearest` (the rule the model was
    /// evaluated with), scaled to x/127.5 − 1, batched by up to `maxBatch`.
    public func score(_ images: [RGBImage]) -> [AestheticDistribution] {
        lock.lock()
        defer { lock.unlock() }
        var results: [AestheticDistribution] = []
        results.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let batch = Array(images[start..<min(images.count, start + Self.maxBatch)])
            results += forward(batch)
            start += batch.count
        }
        return results
    }

    /// Scores one image (see `score(_:)`).
    public func score(_ image: RGBImage) -> AestheticDistribution {
        score([image])[0]
    }

    private func forward(_ images: [RGBImage]) -> [AestheticDistribution] {
        let n = images.count, side = Self.inputSize, plane = side * side
        let ws = workspace
        let input = ws.buffer(0, count: n * 3 * plane)
        for (b, image) in images.enumerated() {
            let img = (image.width == side && image.height == side) ? image : Self.resizeNearest(image, width: side, height: side)
            img.pixels.withUnsafeBufferPointer { px in
                let dst = input + b * 3 * plane
                for i in 0..<plane {
                    dst[i] = Float(px[3 * i]) / 127.5 - 1
                    dst[plane + i] = Float(px[3 * i + 1]) / 127.5 - 1
                    dst[2 * plane + i] = Float(px[3 * i + 2]) / 127.5 - 1
                }
            }
        }
        var x = FeatureMap(data: input, batch: n, channels: 3, height: side, width: side)
        var slot = 1
        func next(_ count: Int) -> UnsafeMutablePointer<Float> {
            defer { slot = slot == 1 ? 2 : 1 }
            return ws.buffer(slot, count: count)
        }
        var o = conv1.outputSize(height: side, width: side)
        x = conv1.forward(x, into: next(n * 32 * o.height * o.width),
                          scratch: ws.buffer(3, count: conv1.scratchCount(height: side, width: side)))
        for (dw, pw) in separable {
            o = dw.outputSize(height: x.height, width: x.width)
            x = dw.forward(x, into: next(n * dw.channels * o.height * o.width),
                           scratch: ws.buffer(3, count: dw.scratchCount(height: x.height, width: x.width)))
            x = pw.forward(x, into: next(n * pw.outChannels * x.height * x.width), scratch: ws.buffer(3, count: 0))
        }
        let pooled = globalAveragePool(x, into: ws.buffer(4, count: n * x.channels))
        let logits = ws.buffer(5, count: n * 10)
        dense.forward(pooled.data, batch: n, into: logits)
        softmaxRows(logits, rows: n, cols: 10)
        return (0..<n).map { b in AestheticDistribution(probabilities: (0..<10).map { Double(logits[b * 10 + $0]) }) }
    }

    /// Nearest-neighbour resize exactly as Pillow's `Image.resize(size, NEAREST)` (the rule
    /// NIMA's reference scores used): output x samples input ⌊xo⌋, where xo starts at s/2 and
    /// advances by s = srcWidth/dstWidth in double precision (likewise for y).
    public static func resizeNearest(_ image: RGBImage, width: Int = inputSize, height: Int = inputSize) -> RGBImage {
        func indices(_ src: Int, _ dst: Int) -> [Int] {
            let s = Double(src) / Double(dst)
            var xo = s * 0.5
            var out = [Int](repeating: 0, count: dst)
            for i in 0..<dst {
                out[i] = min(src - 1, Int(xo))
                xo += s
            }
            return out
        }
        let xs = indices(image.width, width), ys = indices(image.height, height)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var d = 0
                for y in 0..<height {
                    let row = ys[y] * image.width * 3
                    for x in 0..<width {
                        let s = row + xs[x] * 3
                        dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                        d += 3
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
