import Foundation

/// The hand-over between async producers (the downloader) and the remux thread, which reads
/// through FFmpeg's blocking read callback. Producers wait (with continuations, never by
/// blocking) while `capacity` bytes are queued; the reader blocks on a condition, which is
/// fine on its own thread.
///
/// `@unchecked Sendable`: every field is guarded by `condition`.
final class ByteQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var headOffset = 0
    private var buffered = 0
    private var finished = false
    private var failure: (any Error)?
    /// The reader is gone: producers stop at once.
    private var closed = false
    private var waiting: [(chunk: [UInt8], continuation: CheckedContinuation<Void, any Error>)] = []
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
        try await enqueue(chunk)
    }

    /// Ends the current part: the reader sees the end of input there, and `nextPart()` lets it
    /// go on with the bytes that follow, as a new input (a new demuxer).
    func appendBoundary() async throws {
        try await enqueue(Self.boundary)
    }

    /// An empty chunk marks a boundary between parts (real chunks are never empty).
    private static let boundary: [UInt8] = []

    private func enqueue(_ chunk: [UInt8]) async throws {
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

    private func enqueueOrPark(_ chunk: [UInt8], _ continuation: CheckedContinuation<Void, any Error>) -> Enqueued {
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
        guard failure == nil, let first = chunks.first, first.isEmpty else { return false }
        chunks.removeFirst()
        return true
    }

    /// Reader side (the remux thread): copies up to `count` bytes into `buffer`, blocking until
    /// some are there.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> ReadResult {
        condition.lock()
        while chunks.isEmpty && !finished && failure == nil { condition.wait() }
        if failure != nil {
            condition.unlock()
            return .failed
        }
        if chunks.isEmpty {
            condition.unlock()
            return .end
        }
        if chunks[0].isEmpty {
            condition.unlock()
            return .end  // a boundary: this part ends here
        }
        var copied = 0
        while copied < count, !chunks.isEmpty, !chunks[0].isEmpty {
            let chunk = chunks[0]
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
}
