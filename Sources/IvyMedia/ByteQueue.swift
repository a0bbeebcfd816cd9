import Foundation

/// The hand-over between async producers (the downloader) and the remux thread, which reads
/// through FFmpeg's blocking read callback. Producers wait (with continuations, never by
/// blocking) while `capacity` bytes are queued; the reader blocks on a condition, which is
/// fine on its own thread.
///
/// `@unchecked Sendable`: every field is guarded by `condition`.
final class ByteQueue: @unchecked Sendable {
    /// What waits: bytes in memory, bytes the reader reads from a source itself, or the end of a part.
    enum Piece {
        case bytes([UInt8])
        case source(any ByteSource, count: Int)
        case boundary

        var count: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .source(_, let count): count
            case .boundary: 0
            }
        }
    }

    private let condition = NSCondition()
    private var chunks: [Piece] = []
    private var headOffset = 0
    private var buffered = 0
    private var finished = false
    private var failure: (any Error)?
    /// The reader is gone: producers stop at once.
    private var closed = false
    private var waiting: [(chunk: Piece, continuation: CheckedContinuation<Void, any Error>)] = []
    private let capacity: Int
    private var timelineStart: Int64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Where the first bytes sit on the recording's timeline (microseconds): set by the producer
    /// before its first bytes when the recording starts with a hole.
    var leadingMicroseconds: Int64 {
        get { condition.withLock { timelineStart } }
        set { condition.withLock { timelineStart = newValue } }
    }

    /// Queues `chunk`, waiting while the queue is full. Throws `ReaderGone` once the reader
    /// has stopped (finished or failed), so that a producer never waits for nobody.
    func append(_ chunk: [UInt8]) async throws {
        guard !chunk.isEmpty else { return }
        try await enqueue(.bytes(chunk))
    }

    /// Queues `source`'s bytes, which the reader reads itself; they count against `capacity`
    /// like bytes in memory, so that the producer never runs far ahead of the reader.
    func append(_ source: any ByteSource) async throws {
        let count = source.count
        guard count > 0 else { return }
        try await enqueue(.source(source, count: count))
    }

    /// Ends the current part: the reader sees the end of input there, and `nextPart()` lets it
    /// go on with the bytes that follow, as a new input (a new demuxer).
    func appendBoundary() async throws {
        try await enqueue(.boundary)
    }

    private func enqueue(_ chunk: Piece) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            switch enqueueOrPark(chunk, continuation) {
            case .queued: continuation.resume()
            case .gone: continuation.resume(throwing: ReaderGone())
            case .parked: break
            }
        }
    }

    struct ReaderGone: Error {}

    private enum Enqueued { case queued, parked, gone }

    private func enqueueOrPark(_ chunk: Piece, _ continuation: CheckedContinuation<Void, any Error>) -> Enqueued {
        condition.lock()
        defer { condition.unlock() }
        if closed { return .gone }
        if buffered < capacity || finished || failure != nil {
            chunks.append(chunk)
            buffered += chunk.count
            condition.signal()
            return .queued
        }
        waiting.append((chunk, continuation))
        return .parked
    }

    /// The reader stopped: release every waiting producer with `ReaderGone`.
    func close() {
        condition.lock()
        closed = true
        let parked = waiting
        waiting.removeAll()
        condition.unlock()
        parked.forEach { $0.continuation.resume(throwing: ReaderGone()) }
    }

    /// No more bytes will come: the reader sees the end of input once the queue is drained.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The producer failed: the reader stops at once with `error`.
    func fail(_ error: any Error) {
        condition.lock()
        failure = error
        let parked = waiting
        waiting.removeAll()
        condition.broadcast()
        condition.unlock()
        parked.forEach { $0.continuation.resume(throwing: ReaderGone()) }
    }

    enum ReadResult { case bytes(Int), end, failed }

    /// Reader side, after the end of a part: whether another part follows (then the next reads
    /// return its bytes), blocking until that is known.
    func nextPart() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished && failure == nil { condition.wait() }
        guard failure == nil, let first = chunks.first, case .boundary = first else { return false }
        chunks.removeFirst()
        return true
    }

    /// Reader side (the remux thread): copies up to `count` bytes into `buffer`, blocking until
    /// some are there. A source is read without the lock held, so producers never wait on a
    /// disk: only this thread removes pieces, so the head stays put meanwhile.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> ReadResult {
        condition.lock()
        while chunks.isEmpty && !finished && failure == nil { condition.wait() }
        if failure != nil {
            condition.unlock()
            return .failed
        }
        guard let head = chunks.first else {
            condition.unlock()
            return .end
        }
        var copied = 0
        switch head {
        case .boundary:
            condition.unlock()
            return .end  // this part ends here
        case .source(let source, let length):
            let offset = headOffset
            condition.unlock()
            do {
                copied = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: min(count, length - offset)), at: offset)
            } catch {
                fail(error)
                return .failed
            }
            // A source shorter than it said is a failure, never a silent cut.
            guard copied > 0 else {
                fail(SourceShort(expected: length, read: offset))
                return .failed
            }
            condition.lock()
            headOffset += copied
            if headOffset == length {
                chunks.removeFirst()
                headOffset = 0
            }
        case .bytes:
            while copied < count, case .bytes(let chunk)? = chunks.first {
                let take = min(count - copied, chunk.count - headOffset)
                chunk.withUnsafeBufferPointer { source in
                    (buffer + copied).update(from: source.baseAddress! + headOffset, count: take)
                }
                copied += take
                headOffset += take
                if headOffset == chunk.count {
                    chunks.removeFirst()
                    headOffset = 0
                }
            }
        }
        buffered -= copied
        var released: [CheckedContinuation<Void, any Error>] = []
        while buffered < capacity, !waiting.isEmpty {
            let next = waiting.removeFirst()
            chunks.append(next.chunk)
            buffered += next.chunk.count
            released.append(next.continuation)
        }
        condition.unlock()
        released.forEach { $0.resume() }
        return .bytes(copied)
    }

    /// Why the queue failed (a source that could not be read, or the producer's own error),
    /// which says more than the demuxer's failed read.
    var failureReason: (any Error)? { condition.withLock { failure } }

    /// A source ended before the bytes it announced.
    struct SourceShort: Error, CustomStringConvertible {
        var expected: Int
        var read: Int
        var description: String { "a spooled segment ended after \(read) of its \(expected) bytes" }
    }
}
