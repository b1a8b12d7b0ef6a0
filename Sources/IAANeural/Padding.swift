/// Zero padding around a feature map before a convolution, in pixels per side.
///
/// Two rules occur in the ported models: Keras 2.1.6 MobileNet (NIMA) and ONNX YuNet pad
/// symmetrically by a fixed amount; TensorFlow "SAME" pads so that `out = ceil(in / stride)`,
/// putting the odd pixel at the bottom/right, which depends on the input size.
public enum Padding: Sendable, Hashable {
    /// Fixed padding on each side (top, left, bottom, right).
    case explicit(top: Int, left: Int, bottom: Int, right: Int)
    /// TensorFlow "SAME": total = max((ceil(in/s) − 1)·s + k − in, 0), top/left get the floor half.
    case same

    /// The same amount `p` on all four sides (`0` is "valid" padding).
    public static func symmetric(_ p: Int) -> Padding { .explicit(top: p, left: p, bottom: p, right: p) }
    /// No padding.
    public static let valid = Padding.symmetric(0)

    /// Resolves to per-side amounts (top, left, bottom, right) for an input of `height`×`width`.
    public func resolve(height: Int, width: Int, kernelH: Int, kernelW: Int,
                        strideH: Int, strideW: Int) -> (top: Int, left: Int, bottom: Int, right: Int) {
        switch self {
        case let .explicit(t, l, b, r):
            return (t, l, b, r)
        case .same:
            func split(_ n: Int, _ k: Int, _ s: Int) -> (Int, Int) {
                let out = (n + s - 1) / s
                let total = max((out - 1) * s + k - n, 0)
                return (total / 2, total - total / 2)
            }
            let (t, b) = split(height, kernelH, strideH)
            let (l, r) = split(width, kernelW, strideW)
            return (t, l, b, r)
        }
    }
}

/// Output extent of a sliding window: ⌊(in + padBefore + padAfter − k) / s⌋ + 1.
@inline(__always)
func slidingOutput(_ n: Int, _ before: Int, _ after: Int, _ k: Int, _ s: Int) -> Int {
    (n + before + after - k) / s + 1
}
