import IAACore

/// Atomic writes for imaging outputs: the shared IAACore implementation (temporary file in the
/// destination folder, fsync, rename; nothing left behind on failure).
public typealias AtomicFile = AtomicWrite
