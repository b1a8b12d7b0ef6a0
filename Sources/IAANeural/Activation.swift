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
        case .relu:
            for i in 0..<count { p[i] = max(p[i], 0) }
        case .relu6:
            for i in 0..<count { p[i] = min(max(p[i], 0), 6) }
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
