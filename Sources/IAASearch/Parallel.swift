import Foundation

/// Result slots filled from several threads under a lock.
private final class Slots<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [T?]
    var error: Error?
    init(_ n: Int) { values = .init(repeating: nil, count: n) }
}

/// Runs `body` for 0..<count on the machine's cores and returns the results in index order
/// (so the outcome does not depend on scheduling). The first error is rethrown.
func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        do {
            let v = try body(i)
            slots.lock.withLock { slots.values[i] = v }
        } catch {
            slots.lock.withLock { if slots.error == nil { slots.error = error } }
        }
    }
    if let e = slots.error { throw e }
    return slots.values.map { $0! }
}
