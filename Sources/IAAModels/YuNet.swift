// YuNet-n face detector (Wu, Peng, Yu, "YuNet: A Tiny Millisecond-level Face Detector",
// Machine Intelligence Research 2023), from libfacedetection (github.com/ShiqiYu/libfacedetection,
// Apache-2.0), model yunet_n_dynamic.onnx converted by Tools/convert_yunet.py. Decoding follows
// OpenCV's FaceDetectorYN::postProcess (checked against OpenCV 5.0 by Tools/yunet_reference.py).
import Foundation
import IAACore
import IAANeural

/// A detected face, in the pixel coordinates of the image given to `YuNet.detect`.
public struct Face: Sendable, Equatable {
    /// An image position in pixels (x right, y down; may lie slightly outside the image).
    public struct Point: Sendable, Equatable {
        /// Horizontal position, pixels.
        public var x: Double
        /// Vertical position, pixels.
        public var y: Double
        /// A point at (`x`, `y`) pixels.
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// Left edge, pixels.
    public let x: Double
    /// Top edge, pixels.
    public let y: Double
    /// Box width, pixels.
    public let width: Double
    /// Box height, pixels.
    public let height: Double
    /// Confidence 0…1: √(class · objectness), as OpenCV reports it.
    public let score: Double
    /// Five landmarks in YuNet's order: right eye, left eye, nose tip, right mouth corner, left
    /// mouth corner ("right"/"left" of the subject, i.e. right eye is on the image's left).
    public let landmarks: [Point]

    /// A face; `landmarks` in the order documented on `landmarks`.
    public init(x: Double, y: Double, width: Double, height: Double, score: Double, landmarks: [Point]) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
        self.landmarks = landmarks
    }

    /// Intersection over union of the two boxes (continuous coordinates), 0…1.
    public func iou(_ other: Face) -> Double {
        let iw = max(0, min(x + width, other.x + other.width) - max(x, other.x))
        let ih = max(0, min(y + height, other.y + other.height) - max(y, other.y))
        let inter = iw * ih
        let union = width * height + other.width * other.height - inter
        return union > 0 ? inter / union : 0
    }
}

/// The YuNet-n face detector. Works on any image size: images larger than `maxSide` are first
/// reduced (area averaging), then zero-padded at the bottom/right to a multiple of 32, and the
/// faces are mapped back to the input's pixels. Calls on one instance are serialised.
public final class YuNet: RegisteredModel, @unchecked Sendable {
    /// Registry row: weights file and hash.
    public static let entry = ModelEntry(
        name: "yunet-n", task: .faceDetection, direction: .notAScore, scoreRange: 0...1,
        weightsFile: "yunet_n.safetensors",
        sha256: "b275dc47cc36d73b285f5ba4db64c01ac7bf82f91a740535b0ee4aafa9723dd5",
        summary: "YuNet-n (Wu et al. 2023) face detector, libfacedetection, Apache-2.0")

    /// Detection strides of the three heads, pixels.
    private static let strides = [8, 16, 32]

    /// A ConvDPUnit: 1×1 conv (no activation) then depthwise 3×3 (+ ReLU in the body units).
    private struct Unit: Sendable {
        let pw: Conv2D
        let dw: DepthwiseConv2D
    }

    private struct Head: Sendable {
        let share: Unit
        let cls: Unit
        let obj: Unit
        let bbox: Unit
        let kps: Unit
    }

    private let stem: Conv2D
    private let backbone: [Unit]  // model0.conv2, model1.conv1 … model5.conv2 (11 units)
    private let lateral: [Unit]   // neck.lateral_convs.0/1/2 (strides 8/16/32)
    private let heads: [Head]     // strides 8/16/32
    private let workspace = Workspace()
    private let lock = NSLock()

    /// Loads `path`, verified against the registry's SHA-256.
    public convenience init(weightsAt path: String) throws {
        try self.init(weightsAt: path, sha256: Self.entry.sha256)
    }

    /// Loads `path`, verified against `sha256`.
    public init(weightsAt path: String, sha256: String) throws {
        let st = try SafeTensors(path: path, sha256: sha256)
        func unit(_ name: String, _ cin: Int, _ cout: Int, relu: Bool = true) throws -> Unit {
            let pw = Conv2D(weights: try st.tensor("\(name).conv1.weight", shape: [cout, cin, 1, 1]),
                            bias: try st.tensor("\(name).conv1.bias", shape: [cout]),
                            outChannels: cout, inChannels: cin, kernel: (1, 1))
            // The heads' 1-channel "conv2" is a plain 3×3 conv of one channel: a depthwise conv.
            let dw = DepthwiseConv2D(weights: try st.tensor("\(name).conv2.weight", shape: [cout, 1, 3, 3]),
                                     bias: try st.tensor("\(name).conv2.bias", shape: [cout]),
                                     channels: cout, kernel: (3, 3), padding: .symmetric(1),
                                     activation: relu ? .relu : .identity)
            return Unit(pw: pw, dw: dw)
        }
        stem = Conv2D(weights: try st.tensor("backbone.model0.conv1.conv1.weight", shape: [16, 3, 3, 3]),
                      bias: try st.tensor("backbone.model0.conv1.conv1.bias", shape: [16]),
                      outChannels: 16, inChannels: 3, kernel: (3, 3), stride: (2, 2), padding: .symmetric(1),
                      activation: .relu)
        backbone = [
            try unit("backbone.model0.conv2", 16, 16),
            try unit("backbone.model1.conv1", 16, 16), try unit("backbone.model1.conv2", 16, 64),
            try unit("backbone.model2.conv1", 64, 64), try unit("backbone.model2.conv2", 64, 64),
            try unit("backbone.model3.conv1", 64, 64), try unit("backbone.model3.conv2", 64, 64),
            try unit("backbone.model4.conv1", 64, 64), try unit("backbone.model4.conv2", 64, 64),
            try unit("backbone.model5.conv1", 64, 64), try unit("backbone.model5.conv2", 64, 64),
        ]
        lateral = try (0..<3).map { try unit("neck.lateral_convs.\($0)", 64, 64) }
        heads = try (0..<3).map { i in
            Head(share: try unit("bbox_head.multi_level_share_convs.\(i).0", 64, 64),
                 cls: try unit("bbox_head.multi_level_cls.\(i)", 64, 1, relu: false),
                 obj: try unit("bbox_head.multi_level_obj.\(i)", 64, 1, relu: false),
                 bbox: try unit("bbox_head.multi_level_bbox.\(i)", 64, 4, relu: false),
                 kps: try unit("bbox_head.multi_level_kps.\(i)", 64, 10, relu: false))
        }
    }

    /// Finds faces in `image`.
    /// - Parameters:
    ///   - scoreThreshold: minimum confidence, 0…1 (default 0.6, OpenCV's sample default).
    ///   - nmsThreshold: IoU above which a lower-scored overlapping box is dropped (default 0.3).
    ///   - maxSide: images whose longer side exceeds this many pixels are reduced to it first
    ///     (default 640; faces smaller than ~10 px at that scale are missed). `nil` = never.
    /// - Returns: faces by decreasing score, in `image`'s pixel coordinates.
    public func detect(_ image: RGBImage, scoreThreshold: Double = 0.6, nmsThreshold: Double = 0.3,
                       maxSide: Int? = 640) -> [Face] {
        lock.lock()
        defer { lock.unlock() }
        var input = image
        var scale = 1.0
        if let maxSide, max(image.width, image.height) > maxSide {
            scale = Double(max(image.width, image.height)) / Double(maxSide)
            let w = max(1, Int((Double(image.width) / scale).rounded()))
            let h = max(1, Int((Double(image.height) / scale).rounded()))
            input = Self.areaResize(image, width: w, height: h)
        }
        let faces = run(input, scoreThreshold: Float(scoreThreshold), nmsThreshold: nmsThreshold)
        guard input.width != image.width || input.height != image.height else { return faces }
        let sx = Double(image.width) / Double(input.width), sy = Double(image.height) / Double(input.height)
        return faces.map { f in
            Face(x: f.x * sx, y: f.y * sy, width: f.width * sx, height: f.height * sy, score: f.score,
                 landmarks: f.landmarks.map { Face.Point(x: $0.x * sx, y: $0.y * sy) })
        }
    }

    private func run(_ image: RGBImage, scoreThreshold: Float, nmsThreshold: Double) -> [Face] {
        let ws = workspace
        let w = image.width, h = image.height
        let pw = (w + 31) / 32 * 32, ph = (h + 31) / 32 * 32
        // Slot plan: 0 scratch, 1 input, 2/3 chain ping-pong, 4 stride-8 map, 5 stride-16 map,
        // 6..8 neck outputs, 9 unit intermediate, 10 head share, 11..14 head outputs.
        let plane = pw * ph
        let input = ws.buffer(1, count: 3 * plane)
        input.update(repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<h {
                for x in 0..<w {
                    let s = 3 * (y * w + x), d = y * pw + x
                    input[d] = Float(px[s + 2])               // B
                    input[plane + d] = Float(px[s + 1])       // G
                    input[2 * plane + d] = Float(px[s])       // R
                }
            }
        }
        func conv(_ c: Conv2D, _ x: FeatureMap, _ slot: Int) -> FeatureMap {
            let o = c.outputSize(height: x.height, width: x.width)
            return c.forward(x, into: ws.buffer(slot, count: x.batch * c.outChannels * o.height * o.width),
                             scratch: ws.buffer(0, count: c.scratchCount(height: x.height, width: x.width)))
        }
        func apply(_ u: Unit, _ x: FeatureMap, _ slot: Int) -> FeatureMap {
            let mid = conv(u.pw, x, 9)
            return u.dw.forward(mid, into: ws.buffer(slot, count: mid.count),
                                scratch: ws.buffer(0, count: u.dw.scratchCount(height: mid.height, width: mid.width)))
        }
        let pool = MaxPool2D(kernel: 2, stride: 2)
        func maxPool(_ x: FeatureMap, _ slot: Int) -> FeatureMap {
            pool.forward(x, into: ws.buffer(slot, count: x.batch * x.channels * (x.height / 2) * (x.width / 2)))
        }
        var x = FeatureMap(data: input, batch: 1, channels: 3, height: ph, width: pw)
        x = conv(stem, x, 2)
        x = apply(backbone[0], x, 3)
        x = maxPool(x, 2)
        x = apply(backbone[1], x, 3); x = apply(backbone[2], x, 2)
        x = apply(backbone[3], x, 3); x = apply(backbone[4], x, 2)
        x = maxPool(x, 3)
        x = apply(backbone[5], x, 2)
        let f8 = apply(backbone[6], x, 4)
        x = maxPool(f8, 2)
        x = apply(backbone[7], x, 3)
        let f16 = apply(backbone[8], x, 5)
        x = maxPool(f16, 2)
        x = apply(backbone[9], x, 3)
        let f32 = apply(backbone[10], x, 2)
        // Feature pyramid: top-down nearest ×2 upsampling added to the finer map.
        let n32 = apply(lateral[2], f32, 8)
        addInPlace(f16, upsampleNearest(n32, factor: 2, into: ws.buffer(3, count: n32.count * 4)))
        let n16 = apply(lateral[1], f16, 7)
        addInPlace(f8, upsampleNearest(n16, factor: 2, into: ws.buffer(3, count: n16.count * 4)))
        let n8 = apply(lateral[0], f8, 6)

        var candidates: [Face] = []
        for (level, feature) in [n8, n16, n32].enumerated() {
            let head = heads[level], stride = Self.strides[level]
            let shared = apply(head.share, feature, 10)
            let cls = apply(head.cls, shared, 11), obj = apply(head.obj, shared, 12)
            let box = apply(head.bbox, shared, 13), kps = apply(head.kps, shared, 14)
            let rows = ph / stride, cols = pw / stride, n = rows * cols
            precondition(cls.height == rows && cls.width == cols)
            let s = Double(stride)
            for r in 0..<rows {
                for c in 0..<cols {
                    let i = r * cols + c
                    // Sigmoid then clamp, as the ONNX graph and OpenCV do.
                    let cs = min(max(1 / (1 + expf(-cls.data[i])), 0), 1)
                    let os = min(max(1 / (1 + expf(-obj.data[i])), 0), 1)
                    let score = (cs * os).squareRoot()
                    guard score >= scoreThreshold else { continue }
                    let cx = (Double(c) + Double(box.data[i])) * s
                    let cy = (Double(r) + Double(box.data[n + i])) * s
                    let bw = Double(expf(box.data[2 * n + i])) * s
                    let bh = Double(expf(box.data[3 * n + i])) * s
                    let marks = (0..<5).map { k in
                        Face.Point(x: (Double(kps.data[2 * k * n + i]) + Double(c)) * s,
                                   y: (Double(kps.data[(2 * k + 1) * n + i]) + Double(r)) * s)
                    }
                    candidates.append(Face(x: cx - bw / 2, y: cy - bh / 2, width: bw, height: bh,
                                           score: Double(score), landmarks: marks))
                }
            }
        }
        return Self.nms(candidates, threshold: nmsThreshold)
    }

    /// Greedy non-maximum suppression as OpenCV's `dnn::NMSBoxes` on integer `Rect`s (the
    /// boxes are truncated to integers for the overlap test only): stable sort by score,
    /// keep a box unless it overlaps a kept one by IoU > `threshold`.
    static func nms(_ faces: [Face], threshold: Double, topK: Int = 5000) -> [Face] {
        let order = faces.indices.sorted { faces[$0].score > faces[$1].score || (faces[$0].score == faces[$1].score && $0 < $1) }
        func rect(_ f: Face) -> (Int, Int, Int, Int) { (Int(f.x), Int(f.y), Int(f.width), Int(f.height)) }
        func iou(_ a: (Int, Int, Int, Int), _ b: (Int, Int, Int, Int)) -> Double {
            let iw = max(0, min(a.0 + a.2, b.0 + b.2) - max(a.0, b.0))
            let ih = max(0, min(a.1 + a.3, b.1 + b.3) - max(a.1, b.1))
            let inter = iw * ih, union = a.2 * a.3 + b.2 * b.3 - inter
            return union > 0 ? Double(inter) / Double(union) : 0
        }
        var kept: [Face] = []
        for k in order.prefix(topK) {
            let r = rect(faces[k])
            if kept.allSatisfy({ iou(rect($0), r) <= threshold }) { kept.append(faces[k]) }
        }
        return kept
    }

    /// Reduces `image` to `width`×`height` by area averaging (each output pixel is the mean of
    /// the input area it covers, fractional edges weighted), separable. For downscaling only.
    static func areaResize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        /// For each output index: (first input index, weights) covering [o·s, (o+1)·s).
        func taps(_ src: Int, _ dst: Int) -> [(Int, [Double])] {
            let s = Double(src) / Double(dst)
            return (0..<dst).map { o in
                let a = Double(o) * s, b = min(Double(src), Double(o + 1) * s)
                let first = Int(a.rounded(.down)), last = min(src - 1, Int((b - 1e-9).rounded(.down)))
                var w: [Double] = []
                for i in first...max(first, last) {
                    w.append((min(b, Double(i + 1)) - max(a, Double(i))) / (b - a))
                }
                return (first, w)
            }
        }
        let tx = taps(image.width, width), ty = taps(image.height, height)
        var rowsPass = [Double](repeating: 0, count: image.height * width * 3)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                let row = y * image.width * 3
                for (ox, (first, w)) in tx.enumerated() {
                    var acc = (0.0, 0.0, 0.0)
                    for (j, wt) in w.enumerated() {
                        let p = row + (first + j) * 3
                        acc.0 += wt * Double(px[p]); acc.1 += wt * Double(px[p + 1]); acc.2 += wt * Double(px[p + 2])
                    }
                    let d = (y * width + ox) * 3
                    rowsPass[d] = acc.0; rowsPass[d + 1] = acc.1; rowsPass[d + 2] = acc.2
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for (oy, (first, w)) in ty.enumerated() {
            for x in 0..<width {
                for ch in 0..<3 {
                    var acc = 0.0
                    for (j, wt) in w.enumerated() { acc += wt * rowsPass[((first + j) * width + x) * 3 + ch] }
                    out[(oy * width + x) * 3 + ch] = UInt8(min(255, max(0, acc.rounded())))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
