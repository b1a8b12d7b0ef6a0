import Dispatch

/// A value computed on a background thread from the moment it is created, handed over (or its
/// error rethrown) the first time it is asked for. For what every run needs but nothing needs
/// first: model weights load while the first photo decodes.
public final class Preloaded<Value>: @unchecked Sendable {
    private var result: Result<Value, Error>?
    private let done = DispatchGroup()

    /// Starts `load` now, on a global queue.
    public init(_ load: @escaping @Sendable () throws -> Value) {
        done.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try load() }
            self.done.leave()
        }
    }

    private init(ready value: Value) { result = .success(value) }

    /// A value that is already there.
    public static func ready(_ value: Value) -> Preloaded { Preloaded(ready: value) }

    /// The value, waiting for the load to finish if it has not.
    public func get() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
