import Foundation

/// Pointwise nonlinearity fused at the end of a layer.
public enum Activation: Sendable, Hashable {
    case identity
    /// max(x, 0)
    case relu
    /// min(max(x, 0), 6) — MobileNet's activation.
    case relu6
    /// 1 / (1 + e^−x)
    case sigmoid

    /// Applies the activation in place to `count` values.
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity:
            return
        case .relu, .relu6:
            addBiasActivate(p, count: count, bias: 0, self)
        case .sigmoid:
            for i in 0..<count { p[i] = 1 / (1 + expf(-p[i])) }
        }
    }
}

/// Numerically stable softmax over each row of a `rows`×`cols` row-major matrix, in place.
public func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
    for r in 0..<rows {
        let row = p + r * cols
        var m = -Float.infinity
        for i in 0..<cols { m = max(m, row[i]) }
        var sum: Float = 0
        for i in 0..<cols { row[i] = expf(row[i] - m); sum += row[i] }
        let inv = 1 / sum
        for i in 0..<cols { row[i] *= inv }
    }
}

/// `p[i] = activation(p[i] + bias)` for `count` values. Written as plain loops with selects
/// (not `max`/`min`, whose NaN rules, and not SIMD `pointwiseMax`, which is not inlined) so
/// that LLVM vectorises them.
@inline(__always)
func addBiasActivate(_ p: UnsafeMutablePointer<Float>, count: Int, bias: Float, _ activation: Activation) {
    switch activation {
    case .relu6:
        for i in 0..<count {
            let v = p[i] + bias
            let r = v > 0 ? v : 0
            p[i] = r < 6 ? r : 6
        }
    case .relu:
        for i in 0..<count {
            let v = p[i] + bias
            p[i] = v > 0 ? v : 0
        }
    case .identity:
        for i in 0..<count { p[i] += bias }
    case .sigmoid:
        for i in 0..<count { p[i] += bias }
        activation.apply(p, count: count)
    }
}

/// Sets `count` floats to `value` (vectorised).
@inline(__always)
func fill(_ p: UnsafeMutablePointer<Float>, count: Int, value: Float) {
    for i in 0..<count { p[i] = value }
}
