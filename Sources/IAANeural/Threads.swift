import COpenBLAS
import Foundation

/// Thread count of the inference engine. OpenBLAS runs the matrix products; the engine's own
/// depthwise kernels split their channels over the same number of threads, so one setting
/// governs both (OpenBLAS reads `OPENBLAS_NUM_THREADS` at start-up, default: all cores).
public enum NeuralThreads {
    /// Sets the number of threads (≥ 1) for OpenBLAS and the engine's own kernels.
    public static func set(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// The current number of threads (≥ 1).
    public static var count: Int { max(1, Int(openblas_get_num_threads())) }
}

/// Runs `body(i)` for i in 0..<n, spread over `NeuralThreads.count` threads when the work is
/// large enough to be worth it (`work` = rough element count).
@inline(__always)
func parallelFor(_ n: Int, work: Int, _ body: (Int) -> Void) {
    let threads = min(NeuralThreads.count, n)
    if threads <= 1 || work < 32_768 {
        for i in 0..<n { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // The iterations touch disjoint memory by contract of the callers.
        let box = UncheckedBox(body)
        let chunk = (n + threads - 1) / threads
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let lo = t * chunk, hi = min(n, lo + chunk)
            if lo < hi { for i in lo..<hi { box.value(i) } }
        }
    }
}

/// Carries a closure over raw pointers into `concurrentPerform`.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
