/// Bytes the remux thread reads itself, with blocking reads, rather than bytes handed over in
/// memory: a segment spooled to disk while it waited for its turn.
public protocol ByteSource: Sendable {
    /// Bytes in all; fewer read is a failure, never a shorter input.
    var count: Int { get }

    /// Copies up to `buffer.count` bytes from `offset` into `buffer`, returning how many (0 at
    /// the end). Called on the remux thread, which may block.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int
}
