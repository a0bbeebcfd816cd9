#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// An unnamed file a response body is written to as it arrives (`HTTPRequest.spool`), so that
/// bytes waiting for their turn sit in the page cache, not in the process: however many
/// transfers are under way, the resident set does not grow with them.
///
/// The file is unlinked as soon as it is made: nothing is left behind by a crash, and its space
/// is freed when the last reference goes. Written only by the transport's loop thread while the
/// transfer runs; read once it has ended, with blocking reads (`read(into:at:)`), by a caller on a
/// thread of its own (the remux thread).
public final class SpoolFile: Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var failure: Failure?
    }

    private let directory: String
    private let state = Mutex(State())
    private let written = Atomic<Int>(0)
    /// Bytes kept in memory from the start of the body as well (the response's `body`):
    /// enough to judge what it is.
    public let prefixLength: Int
    /// Bytes the file may hold: a body that goes past them ends its transfer.
    public let limit: Int
    /// Hears each write's byte count, on the transport's thread (throughput for the
    /// concurrency controller, progress).
    let progress: @Sendable (Int) -> Void

    /// A file to be made in `directory` when the body's first bytes arrive, so that making it is
    /// the transport thread's work too. `directory` should be on a local file system with room for
    /// what waits (the archive's staging folder).
    public init(directory: String, prefixLength: Int = 4096, limit: Int = .max, progress: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.directory = directory
        self.prefixLength = prefixLength
        self.limit = limit
        self.progress = progress
    }

    deinit {
        let descriptor = state.withLock { $0.descriptor }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Bytes written so far.
    public var count: Int { written.load(ordering: .acquiring) }

    /// Appends `bytes`, making the file first. Only the transport's loop thread calls it, one
    /// transfer at a time. `false` when the file could not be made or written (a full disk):
    /// `checkWrites()` says why.
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let appended = state.withLock { state in
            if state.failure != nil { return false }
            let start = written.load(ordering: .relaxed)
            guard bytes.count <= limit - start else {
                state.failure = Failure(tooLargeFor: limit)
                return false
            }
            if state.descriptor < 0 {
                var template = Array((directory + "/.ivy-spool-XXXXXX").utf8CString)
                let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
                guard descriptor >= 0 else {
                    state.failure = Failure("make a spool file in \(directory)", code: errno)
                    return false
                }
                // Unnamed from the start: a crash leaves nothing behind; no child inherits it.
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                state.descriptor = descriptor
            }
            var offset = 0
            while offset < bytes.count {
                let done = pwrite(state.descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(start + offset))
                if done < 0 {
                    if errno == EINTR { continue }
                    state.failure = Failure("write a spool file in \(directory)", code: errno)
                    return false
                }
                offset += done
            }
            written.store(start + bytes.count, ordering: .releasing)
            return true
        }
        if appended { progress(bytes.count) }
        return appended
    }

    /// Why the file could not be made or written, or the body went past `limit`; `nil` while
    /// every write succeeded.
    public var failure: Failure? { state.withLock { $0.failure } }

    /// - Throws: `failure`, when there is one.
    public func checkWrites() throws {
        if let failure { throw failure }
    }

    /// Copies up to `buffer.count` bytes from `offset` into `buffer`; 0 at the end. Blocking:
    /// call it from a thread of your own (the remux thread), never from the cooperative pool.
    ///
    /// - Throws: `SpoolFile.Failure` for a failed read.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        let descriptor = state.withLock { $0.descriptor }
        guard descriptor >= 0, buffer.count > 0 else { return 0 }
        while true {
            let done = pread(descriptor, buffer.baseAddress!, buffer.count, off_t(offset))
            if done >= 0 { return done }
            if errno != EINTR { throw Failure("read a spool file", code: errno) }
        }
    }

    /// A spool file that could not be made, written or read, or a body past `limit`.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// The file system's `errno` (a full disk is `ENOSPC`); `nil` for a body past `limit`.
        public var errorNumber: Int32?
        /// The body went past `limit`.
        public var isTooLarge: Bool { errorNumber == nil }

        init(tooLargeFor limit: Int) {
            description = "the body is larger than \(limit) bytes"
        }

        init(_ operation: String, code: Int32) {
            description = "could not \(operation): \(String(cString: strerror(code)))"
            errorNumber = code
        }
    }
}
