import Foundation
import Glibc
import IvyConcurrency
import Synchronization

/// `/bin/sh -c COMMAND` run to its end: `input` on its standard input, its standard error kept,
/// its standard output discarded; killed, with every process it started, when the timeout
/// passes or the waiting task is cancelled.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process`: the child must lead a
/// process group of its own (so that a kill reaches what the shell started: `apprise`, `curl`),
/// start with default signal handling (the CLI ignores SIGINT and SIGTERM to watch them, and
/// ignored signals survive `exec`), and be killed only while it has not been reaped (a reaped
/// pid may already be someone else's). Standard input and error are unlinked temporary files,
/// not pipes: a command that never reads its input, or a grandchild that keeps its error
/// output open, can block neither side.
struct ShellCommand: Sendable {
    var command: String
    /// The child's whole environment.
    var environment: [String: String]
    var timeout: Duration

    enum Status: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    struct Ending: Sendable {
        var status: Status
        /// Its last words on standard error, on one line, at most `Self.stderrLimit` characters.
        var stderr: String
        /// Killed because the timeout passed.
        var timedOut: Bool
    }

    /// Characters of standard error kept: the end of it, where a tool says why it failed.
    static let stderrLimit = 300

    /// - Throws: `NotifyError.commandNotStarted` (no temporary file, no `/bin/sh`);
    ///   `CancellationError` when the task was cancelled (the child is killed first).
    func run(input: [UInt8]) async throws -> Ending {
        let environment = environment, command = command
        let child = try await BlockingThread.run(name: "ivy-notify-spawn") { _ in try Child.spawn(command, input: input, environment: environment) }
        let timeout = timeout
        let ending = await withTaskCancellationHandler {
            await withTaskGroup(of: Step.self) { group in
                group.addTask {
                    // The wait ends when the child does; a cancelled task kills it, so it does.
                    let status = (try? await BlockingThread.run(name: "ivy-notify-wait") { _ in child.waitForExit() }) ?? .signaled(SIGKILL)
                    return .exited(status)
                }
                group.addTask {
                    do {
                        try await Task.sleep(for: timeout)
                    } catch {
                        return .none
                    }
                    return child.kill() ? .timedOut : .none
                }
                var status = Status.signaled(SIGKILL), timedOut = false
                for await step in group {
                    switch step {
                    case .exited(let ended):
                        status = ended
                        group.cancelAll()
                    case .timedOut:
                        timedOut = true
                    case .none:
                        break
                    }
                }
                return Ending(status: status, stderr: child.stderrTail(Self.stderrLimit), timedOut: timedOut)
            }
        } onCancel: {
            _ = child.kill()
        }
        child.close()
        try Task.checkCancellation()
        return ending
    }

    private enum Step: Sendable {
        case exited(Status)
        case timedOut
        case none
    }
}

/// One spawned child: its pid, its standard error's file, and whether it has exited (after
/// which it must not be signalled).
private final class Child: Sendable {
    let pid: pid_t
    let stderrFile: Int32
    private let exited = Mutex(false)

    private init(pid: pid_t, stderrFile: Int32) {
        self.pid = pid
        self.stderrFile = stderrFile
    }

    static func spawn(_ command: String, input: [UInt8], environment: [String: String]) throws -> Child {
        let inputFile = try temporaryFile(holding: input)
        defer { Glibc.close(inputFile) }
        let stderrFile = try temporaryFile(holding: [])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputFile, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderrFile, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let words: [String] = ["/bin/sh", "-c", command]
        let arguments = words.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (arguments + variables).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables)
        guard result == 0 else {
            Glibc.close(stderrFile)
            throw NotifyError.commandNotStarted("/bin/sh: \(String(cString: strerror(result)))")
        }
        return Child(pid: pid, stderrFile: stderrFile)
    }

    /// A file with `bytes` in it, read from its start, that no name points at (it goes away
    /// with its last descriptor) and that no other child inherits.
    private static func temporaryFile(holding bytes: [UInt8]) throws -> Int32 {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("ivy-notify-\(UUID().uuidString)")
        let file = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw NotifyError.commandNotStarted("cannot make a temporary file: \(String(cString: strerror(errno)))") }
        unlink(path)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(file)
                throw NotifyError.commandNotStarted("cannot write its input: \(reason)")
            }
            written += count
        }
        lseek(file, 0, SEEK_SET)
        return file
    }

    /// Blocks until the child exits, then reaps it. It is marked exited before it is reaped,
    /// so that `kill` never signals a pid that may have been given to another process.
    func waitForExit() -> ShellCommand.Status {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        exited.withLock { $0 = true }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED and friends are macros Swift cannot import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// SIGKILL to the child's process group, unless it has exited; whether it was sent.
    func kill() -> Bool {
        exited.withLock { exited in
            guard !exited else { return false }
            return Glibc.kill(-pid, SIGKILL) == 0
        }
    }

    /// The end of what the child wrote to its standard error, whitespace folded to single
    /// spaces, `…` in front when cut.
    func stderrTail(_ limit: Int) -> String {
        let size = Int(lseek(stderrFile, 0, SEEK_END))
        guard size > 0 else { return "" }
        let length = min(size, limit * 4)
        var bytes = [UInt8](repeating: 0, count: length)
        let count = bytes.withUnsafeMutableBytes { pread(stderrFile, $0.baseAddress, length, off_t(size - length)) }
        let text = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.count > limit || length < size ? "…" + String(text.suffix(limit)) : text
    }

    func close() {
        Glibc.close(stderrFile)
    }
}
