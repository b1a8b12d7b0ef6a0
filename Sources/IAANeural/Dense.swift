import COpenBLAS

/// A fully connected layer `y = W x + b` applied to each row of a `batch × inFeatures` matrix.
public struct Dense: Sendable {
    /// Input features per row.
    public let inFeatures: Int
    /// Output features per row.
    public let outFeatures: Int
    /// `[outFeatures, inFeatures]`, row-major (Keras kernels `[in, out]` are transposed on load).
    public let weights: [Float]
    /// `[outFeatures]`.
    public let bias: [Float]

    /// `weights` as `[outFeatures, inFeatures]`; `bias` defaults to zeros.
    public init(weights: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int) {
        precondition(weights.count == inFeatures * outFeatures)
        precondition(bias == nil || bias!.count == outFeatures)
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
        self.bias = bias ?? [Float](repeating: 0, count: outFeatures)
    }

    /// Computes `batch` rows of output into `y` (`batch × outFeatures`).
    public func forward(_ x: UnsafePointer<Float>, batch: Int, into y: UnsafeMutablePointer<Float>) {
        for r in 0..<batch {
            for o in 0..<outFeatures { y[r * outFeatures + o] = bias[o] }
        }
        weights.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(outFeatures), Int32(inFeatures),
                        1, x, Int32(inFeatures), w.baseAddress, Int32(inFeatures), 1, y, Int32(outFeatures))
        }
    }
}
