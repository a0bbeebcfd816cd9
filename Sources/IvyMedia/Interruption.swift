import CFFmpeg
import IvyConcurrency

extension CancellationFlag {
    /// FFmpeg's interrupt callback (`AVIOInterruptCB`) answering from this flag: a blocking
    /// read or write of a context it is installed in returns `AVERROR_EXIT` once the flag is
    /// set. The context must keep the flag alive (the callback holds it unretained).
    var interruptCallback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<CancellationFlag>.fromOpaque(opaque).takeUnretainedValue().isCancelled ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

extension BlockingThread {
    /// Runs FFmpeg work on a thread of its own; when the task is cancelled, FFmpeg stops at its
    /// next read, write or packet, and whatever error that made is reported as
    /// `CancellationError`. A task cancelled already starts nothing: its thread would otherwise
    /// race the flag and might finish the work (a thumbnail written for a cancelled clip).
    ///
    /// - Throws: `CancellationError`, or what `body` throws.
    static func media<Value: Sendable>(name: String, _ body: @escaping @Sendable (CancellationFlag) throws -> Value) async throws -> Value {
        try Task.checkCancellation()
        return try await run(name: name, cancellable(body))
    }

    /// `body`, whose failures after a cancellation are `CancellationError`.
    static func cancellable<Value: Sendable>(
        _ body: @escaping @Sendable (CancellationFlag) throws -> Value
    ) -> @Sendable (CancellationFlag) throws -> Value {
        { flag in
            do {
                return try body(flag)
            } catch {
                try flag.check()
                throw error
            }
        }
    }
}
