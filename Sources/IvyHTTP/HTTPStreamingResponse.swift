import Synchronization

/// A response whose body arrives while it is read.
public struct HTTPStreamingResponse: Sendable {
    public let head: HTTPResponseHead
    public let body: HTTPBody

    public init(head: HTTPResponseHead, body: HTTPBody) {
        self.head = head
        self.body = body
    }

    /// Reads the rest of the body into one array, failing past `limit` bytes.
    ///
    /// - Throws: `HTTPError.bodyTooLarge` past `limit`; what the transfer failed with.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        try await collectChunks(upTo: limit).joined()
    }

    /// Reads the rest of the body as it arrived, chunk by chunk, failing past `limit` bytes.
    ///
    /// - Throws: `HTTPError.bodyTooLarge` past `limit`; what the transfer failed with.
    /// `progress` hears each chunk's size as it arrives.
    public func collectChunks(upTo limit: Int, progress: (Int) -> Void = { _ in }) async throws -> ChunkedBytes {
        var bytes = ChunkedBytes()
        for try await chunk in body {
            guard bytes.count + chunk.count <= limit else { throw HTTPError.bodyTooLarge }
            bytes.append(chunk)
            progress(chunk.count)
        }
        return bytes
    }
}

/// The body as an async sequence of chunks. It is single-pass: iterate it once.
///
/// Back-pressure: the producer (the transport's thread) offers chunks; once `highWater` bytes
/// wait unread it is refused and must pause the transfer until the reader asks for more.
public struct HTTPBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    private let reader: Reader

    init(channel: BodyChannel) {
        self.reader = Reader(channel: channel)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(reader: reader) }

    public struct Iterator: AsyncIteratorProtocol {
        let reader: Reader
        public mutating func next() async throws -> [UInt8]? { try await reader.channel.next() }
    }

    /// Owned by the reading side only: when the last copy of the body is dropped before its
    /// end, the transfer is stopped instead of waiting forever for a reader.
    final class Reader: Sendable {
        let channel: BodyChannel
        init(channel: BodyChannel) { self.channel = channel }
        deinit { channel.abandonIfUnfinished() }
    }
}

/// Hand-over point between the transport's thread and one reader.
final class BodyChannel: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var end: Result<Void, any Error>?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var producerPaused = false
    }

    private let state = Mutex(State())
    private let highWater: Int
    /// Called (from the reader's task) when a paused producer may go on.
    private let resume: @Sendable () -> Void
    /// Called once when the reader gives up before the end.
    private let abandon: @Sendable () -> Void

    init(highWater: Int, resume: @escaping @Sendable () -> Void, abandon: @escaping @Sendable () -> Void) {
        self.highWater = highWater
        self.resume = resume
        self.abandon = abandon
    }

    func abandonIfUnfinished() {
        let finished = state.withLock { $0.end != nil }
        if !finished {
            finish(.failure(CancellationError()))
            abandon()
        }
    }

    /// Producer side. `false` means "full": keep the bytes and offer them again after `resume`.
    /// Never called with an empty chunk.
    func offer(_ chunk: [UInt8]) -> Bool {
        enum Outcome { case handed(CheckedContinuation<[UInt8]?, any Error>), queued, refused }
        let outcome: Outcome = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return .handed(waiter)
            }
            if state.buffered >= highWater {
                state.producerPaused = true
                return .refused
            }
            state.chunks.append(chunk)
            state.buffered += chunk.count
            return .queued
        }
        switch outcome {
        case .handed(let waiter):
            waiter.resume(returning: chunk)
            return true
        case .queued:
            return true
        case .refused:
            return false
        }
    }

    /// Ends the body. `last`, the producer's final bytes, is queued whatever is buffered: a
    /// finished transfer cannot be paused.
    func finish(_ result: Result<Void, any Error>, last: [UInt8] = []) {
        enum Outcome { case none, end(CheckedContinuation<[UInt8]?, any Error>), give(CheckedContinuation<[UInt8]?, any Error>, [UInt8]) }
        let outcome: Outcome = state.withLock { state in
            guard state.end == nil else { return .none }
            state.end = result
            let waiter = state.waiter
            state.waiter = nil
            if case .success = result, !last.isEmpty {
                if let waiter { return .give(waiter, last) }
                state.chunks.append(last)
                state.buffered += last.count
                return .none
            }
            return waiter.map { .end($0) } ?? .none
        }
        switch outcome {
        case .none: return
        case .give(let waiter, let chunk): waiter.resume(returning: chunk)
        case .end(let waiter):
            switch result {
            case .success: waiter.resume(returning: nil)
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
    }

    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                enum Action { case give([UInt8], wakeProducer: Bool), end(Result<Void, any Error>), wait(wakeProducer: Bool) }
                let action: Action = state.withLock { state in
                    if state.head < state.chunks.count {
                        let chunk = state.chunks[state.head]
                        state.head += 1
                        state.buffered -= chunk.count
                        if state.head == state.chunks.count {
                            state.chunks.removeAll(keepingCapacity: true)
                            state.head = 0
                        }
                        let wake = state.producerPaused && state.buffered < highWater / 2
                        if wake { state.producerPaused = false }
                        return .give(chunk, wakeProducer: wake)
                    }
                    if let end = state.end { return .end(end) }
                    state.waiter = continuation
                    let wake = state.producerPaused
                    state.producerPaused = false
                    return .wait(wakeProducer: wake)
                }
                switch action {
                case .give(let chunk, let wake):
                    if wake { resume() }
                    continuation.resume(returning: chunk)
                case .end(.success):
                    continuation.resume(returning: nil)
                case .end(.failure(let error)):
                    continuation.resume(throwing: error)
                case .wait(let wake):
                    if wake { resume() }
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
            abandon()
        }
    }
}
