public import IvyHTTP

/// A segment's bytes as handed over: in memory, or in the spool file they were written to as
/// they arrived (see `HLSDownloader.download(_:refresh:spoolDirectory:into:)`).
public enum SegmentBody: Sendable {
    /// In the blocks it arrived in (joined only for AES); empty for a hole.
    case memory(ChunkedBytes)
    /// On disk: read it with blocking reads from a thread of your own (the remux thread).
    case spooled(SpoolFile)

    /// Bytes in all.
    public var count: Int {
        switch self {
        case .memory(let bytes): bytes.count
        case .spooled(let file): file.count
        }
    }
}
