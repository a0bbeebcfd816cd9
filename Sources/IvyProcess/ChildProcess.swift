import Dispatch
import Glibc
import IvyConcurrency
import Synchronization

/// A program run to its end: the one way the product starts a child process (`rclone`,
/// `notify_command`, `password_command`).
///
/// - Its standard input is bytes given up front; its standard output and error go to unlinked
///   temporary files, not pipes, and are read once it has ended: a child that never reads its
///   input, writes megabytes, or leaves a grandchild holding its output open blocks neither side.
/// - It leads a process group of its own, and stopping it (the waiting task is cancelled, or the
///   timeout passed) signals the whole group: SIGTERM (and SIGCONT, so that a stopped member acts
///   on it), SIGKILL after `killGrace`, and SIGKILL again for what is left once the child itself
///   ended. A shell's `curl` or `sleep` dies with the shell.
/// - `run()` returns only once the child is reaped, and no signal is sent after that: the
///   signals and the reaping happen on one thread, in that order, and until it is reaped the
///   child's number (and its group's) cannot be given to another process.
/// - The waits block, so they run on threads of their own (`BlockingThread`), never on the Swift
///   concurrency pool.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`: `Process` cannot put the child
/// in a process group of its own (its `terminate()` and `interrupt()` signal the child alone,
/// so a shell's grandchildren outlive a kill), keeps the signal dispositions it inherits (the CLI
/// ignores SIGINT and SIGTERM to watch them, and ignored signals survive `exec`: such a child
/// would shrug off our SIGTERM), and reaps on a thread of its own, so a kill may race the reaping.
///
/// Linux only (`waitid`, `/proc/self/fd`), like the rest of the product.
public struct ChildProcess: Sendable {
    /// Where one of the child's output streams goes.
    public enum Output: Sendable, Equatable {
        /// Into a temporary file, read into `Ending` once the child has ended.
        case captured
        /// To `/dev/null`.
        case discarded
        /// To ours (a password manager's prompt stays visible).
        case inherited
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        /// By `exit`, with this status (0-255).
        case exited(Int32)
        /// By this signal.
        case signaled(Int32)

        /// The shell's convention: the exit status, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .signaled(let signal): 128 + signal
            }
        }
    }

    /// A child that ran to its end (or was stopped by the timeout).
    public struct Ending: Sendable {
        public var termination: Termination
        /// All it wrote to its standard output, when `.captured`; else empty.
        public var standardOutput: [UInt8]
        /// The end of what it wrote to its standard error (at most `standardErrorLimit` bytes,
        /// as UTF-8, unreadable bytes replaced), when `.captured`; else empty. Unshortened and
        /// unredacted: the caller decides what a person sees.
        public var standardError: String
        /// It was stopped because `timeout` passed.
        public var timedOut: Bool

        /// The shell's convention: the exit status, or 128 + the signal.
        public var status: Int32 { termination.status }
    }

    /// Bytes of standard error kept: its end, where a tool says why it failed.
    public static let standardErrorLimit = 64 * 1024

    /// An absolute path: nothing is looked up on the PATH.
    public var executable: String
    /// The arguments after the program's name (which is `executable`).
    public var arguments: [String]
    /// The child's whole environment: nothing of ours is added.
    public var environment: [String: String]
    /// Its standard input; empty: `/dev/null`.
    public var input: [UInt8] = []
    public var standardOutput: Output = .captured
    public var standardError: Output = .captured
    /// How long it may run before it is stopped (`Ending.timedOut`); nil: as long as it takes.
    public var timeout: Duration?
    /// How long after SIGTERM its process group gets SIGKILL.
    public var killGrace: Duration = .seconds(5)

    public init(executable: String, arguments: [String] = [], environment: [String: String]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// `/bin/sh -c command`.
    public static func shell(_ command: String, environment: [String: String]) -> ChildProcess {
        ChildProcess(executable: "/bin/sh", arguments: ["-c", command], environment: environment)
    }

    /// Runs the child to its end, or until the timeout passes (then `Ending.timedOut`).
    ///
    /// - Throws: `ChildProcessError.notStarted` when it could not be started (no such program,
    ///   no temporary file); `CancellationError` when the task was cancelled (the child's group
    ///   was stopped and the child reaped first).
    public func run() async throws -> Ending {
        try Task.checkCancellation()
        let events = Events()
        let process = self
        return try await withTaskCancellationHandler {
            try await BlockingThread.run(name: "ivy-child") { _ in try process.supervise(events) }
        } onCancel: {
            events.cancel()
        }
    }

    /// Spawns the child, stops it when told, reaps it. Every signal is sent from here, before
    /// `reap()`: never to a number that may already be another process's.
    private func supervise(_ events: Events) throws -> Ending {
        let streams = try Streams(input: input, standardOutput: standardOutput, standardError: standardError)
        defer { streams.close() }
        // Cancelled while the files were made: nothing to start, nothing to stop.
        if events.isCancelled { throw CancellationError() }
        let child = try SpawnedChild.spawn(executable: executable, arguments: arguments, environment: environment, streams: streams)
        // The wait for its end blocks, so it has a thread of its own; it does not reap (this
        // thread does, after its last signal).
        _ = BlockingThread.start(name: "ivy-child-wait") { _ in
            child.waitUntilEnded()
            events.childEnded()
        }

        let timeoutAt = timeout.map(DispatchTime.after)
        var killAt: DispatchTime?, killed = false, timedOut = false
        while !events.hasChildEnded {
            if killAt == nil {
                let cancelled = events.isCancelled
                if cancelled || timeoutAt.map({ DispatchTime.now() >= $0 }) == true {
                    timedOut = !cancelled
                    child.signalGroup(SIGTERM)
                    child.signalGroup(SIGCONT)
                    killAt = .after(killGrace)
                }
            }
            if let killAt, !killed, DispatchTime.now() >= killAt {
                child.signalGroup(SIGKILL)
                killed = true
            }
            // Woken by the child's end or a cancellation; else at the next deadline.
            _ = events.wake.wait(timeout: killed ? .distantFuture : killAt ?? timeoutAt ?? .distantFuture)
        }
        // Being stopped, the child ended: what it started goes too (a grandchild that ignored
        // SIGTERM, or was not yet signalled). Its zombie still holds the group's number.
        if killAt != nil { child.signalGroup(SIGKILL) }
        let termination = child.reap()
        if events.isCancelled { throw CancellationError() }
        return Ending(termination: termination, standardOutput: streams.capturedOutput(),
                      standardError: streams.capturedError(limit: Self.standardErrorLimit), timedOut: timedOut)
    }
}

/// What wakes the supervising thread: the child's end, or the task's cancellation. Each is a
/// flag set before the semaphore is signalled, so a wake-up never goes unexplained.
private final class Events: Sendable {
    let wake = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
    var hasChildEnded: Bool { ended.load(ordering: .acquiring) }

    func cancel() {
        cancelled.store(true, ordering: .releasing)
        wake.signal()
    }

    func childEnded() {
        ended.store(true, ordering: .releasing)
        wake.signal()
    }
}

extension DispatchTime {
    /// Now plus `duration`; a duration beyond a century is never.
    fileprivate static func after(_ duration: Duration) -> DispatchTime {
        let (seconds, attoseconds) = duration.components
        guard seconds < 100 * 365 * 86_400 else { return .distantFuture }
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        return .now() + .nanoseconds(Int(nanoseconds))
    }
}
