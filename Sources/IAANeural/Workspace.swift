/// Preallocated activation memory for one model instance: a few named float buffers that grow
/// only when a larger input or batch arrives, so the hot path never allocates per layer.
///
/// Not thread-safe; a model owns one and serialises calls to it.
public final class Workspace {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var capacities: [Int] = []

    /// An empty workspace; buffers are allocated on first use.
    public init() {}

    deinit {
        for b in buffers { b.deallocate() }
    }

    /// Total floats currently reserved across all buffers.
    public var reservedFloats: Int { capacities.reduce(0, +) }

    /// Buffer `slot` with room for at least `count` floats (contents undefined).
    public func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        while buffers.count <= slot {
            buffers.append(UnsafeMutablePointer<Float>.allocate(capacity: 1))
            capacities.append(1)
        }
        if capacities[slot] < count {
            buffers[slot].deallocate()
            buffers[slot] = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacities[slot] = count
        }
        return buffers[slot]
    }
}

/// A batch of NCHW feature maps living in a workspace buffer.
public struct FeatureMap {
    /// First value of image 0, channel 0, row 0.
    public var data: UnsafeMutablePointer<Float>
    /// Images in the batch.
    public var batch: Int
    /// Channels per image.
    public var channels: Int
    /// Rows per plane.
    public var height: Int
    /// Columns per plane.
    public var width: Int

    /// Describes `batch × channels × height × width` floats at `data` (not owned).
    public init(data: UnsafeMutablePointer<Float>, batch: Int, channels: Int, height: Int, width: Int) {
        self.data = data
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Values per image (`channels × height × width`).
    public var imageCount: Int { channels * height * width }
    /// Values in the whole batch.
    public var count: Int { batch * imageCount }
}
