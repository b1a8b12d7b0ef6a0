/// Inference-time batch normalisation parameters, `y = γ (x − μ) / √(σ² + ε) + β`, which the
/// loaders fold into the preceding convolution so that no BN layer runs at inference.
public struct BatchNorm: Sendable {
    /// Scale γ per channel.
    public var gamma: [Float]
    /// Shift β per channel.
    public var beta: [Float]
    /// Running mean μ per channel.
    public var mean: [Float]
    /// Running variance σ² per channel.
    public var variance: [Float]
    /// ε added to the variance (Keras default 1e-3).
    public var epsilon: Float

    /// All four arrays have one value per channel.
    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(gamma.count == beta.count && beta.count == mean.count && mean.count == variance.count)
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }

    /// Folds into convolution weights laid out `[outChannels, rest]` and an optional bias:
    /// w' = w·s, b' = (b − μ)·s + β with s = γ / √(σ² + ε). Computed in Double, then rounded.
    public func fold(weights: [Float], bias: [Float]?) -> (weights: [Float], bias: [Float]) {
        let out = gamma.count
        precondition(weights.count % out == 0, "BatchNorm.fold: \(weights.count) weights for \(out) channels")
        let per = weights.count / out
        var w = weights
        var b = [Float](repeating: 0, count: out)
        for o in 0..<out {
            let s = Double(gamma[o]) / (Double(variance[o]) + Double(epsilon)).squareRoot()
            for i in 0..<per { w[o * per + i] = Float(Double(weights[o * per + i]) * s) }
            b[o] = Float((Double(bias?[o] ?? 0) - Double(mean[o])) * s + Double(beta[o]))
        }
        return (w, b)
    }
}
