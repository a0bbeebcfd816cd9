/// A body kept in the blocks it arrived in (the transport gathers libcurl's deliveries into
/// blocks of `CurlTransfer.blockSize`): nothing joins them into one array, so a segment goes from
/// libcurl's buffer to the demuxer with one copy on each side and none in between.
public struct ChunkedBytes: Sendable, Equatable {
    public private(set) var chunks: [[UInt8]] = []
    /// Bytes in all chunks.
    public private(set) var count = 0

    public init() {}

    public init(_ bytes: [UInt8]) {
        append(bytes)
    }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ chunk: [UInt8]) {
        guard !chunk.isEmpty else { return }
        chunks.append(chunk)
        count += chunk.count
    }

    /// The first `length` bytes (or all, when fewer), copied: enough to judge what a body is.
    public func prefix(_ length: Int) -> [UInt8] {
        var head: [UInt8] = []
        for chunk in chunks where head.count < length {
            head += chunk.prefix(length - head.count)
        }
        return head
    }

    /// Every byte in one array: a copy, for what needs them contiguous (JSON, a playlist, AES).
    public func joined() -> [UInt8] {
        if chunks.count == 1 { return chunks[0] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for chunk in chunks { bytes += chunk }
        return bytes
    }
}
