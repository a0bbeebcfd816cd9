import Foundation
import Glibc
import IvyProcess
import Testing

/// The one child-process runner: streams through files, exit and signal status, and the whole
/// process group stopped on cancellation and timeout. No test times anything: a timeout is a
/// small injected value, and a wait for a child is a bounded look at a file it writes.
@Suite struct ChildProcessTests {
    @Test func theInputIsOnItsStandardInputAndItsOutputIsCaptured() async throws {
        let input = Array("line one\nline two\n".utf8) + (0...255).map(UInt8.init)
        var child = ChildProcess(executable: "/bin/cat", environment: [:])
        child.input = input
        let ending = try await child.run()
        #expect(ending.termination == .exited(0) && ending.status == 0 && !ending.timedOut)
        #expect(ending.standardOutput == input)
        #expect(ending.standardError.isEmpty)
    }

    @Test func theEnvironmentIsTheChildsWholeEnvironment() async throws {
        let ending = try await ChildProcess(executable: "/usr/bin/env", environment: ["ONLY": "this one"]).run()
        #expect(String(decoding: ending.standardOutput, as: UTF8.self) == "ONLY=this one\n")
    }

    @Test func aChildThatWritesALotOrNeverReadsItsInputDoesNotHang() async throws {
        // Far more than a pipe's buffer (64 KiB) each way.
        var loud = ChildProcess.shell("head -c 3000000 /dev/zero; head -c 300000 /dev/zero | tr '\\0' x >&2; echo ' the end' >&2", environment: Self.path)
        loud.input = [UInt8](repeating: 7, count: 1 << 20)
        let ending = try await loud.run()
        #expect(ending.status == 0)
        #expect(ending.standardOutput.count == 3_000_000)
        // Only the end of standard error is kept, where a tool says why it failed.
        #expect(ending.standardError.utf8.count == ChildProcess.standardErrorLimit)
        #expect(ending.standardError.hasSuffix("xxx the end\n"))
    }

    @Test func standardErrorIsCapturedAndTheExitStatusKept() async throws {
        let ending = try await ChildProcess.shell("echo 'cannot reach the remote' >&2; exit 3", environment: [:]).run()
        #expect(ending.termination == .exited(3) && ending.status == 3)
        #expect(ending.standardError == "cannot reach the remote\n")
        #expect(ending.standardOutput.isEmpty)
    }

    @Test func outputCanBeDiscarded() async throws {
        var child = ChildProcess.shell("echo out; echo err >&2", environment: [:])
        child.standardOutput = .discarded
        child.standardError = .discarded
        let ending = try await child.run()
        #expect(ending.status == 0 && ending.standardOutput.isEmpty && ending.standardError.isEmpty)
    }

    @Test func aChildEndedByASignalHas128PlusTheSignal() async throws {
        let ending = try await ChildProcess.shell("kill -TERM $$", environment: [:]).run()
        #expect(ending.termination == .signaled(SIGTERM))
        #expect(ending.status == 128 + SIGTERM)
    }

    @Test func aMissingProgramIsAClearError() async throws {
        let error = await #expect(throws: ChildProcessError.notStarted) {
            try await ChildProcess(executable: "/nonexistent/rclone", environment: [:]).run()
        }
        #expect(error?.description == "cannot run /nonexistent/rclone: No such file or directory")
    }

    @Test func cancellingTheTaskKillsTheChildAndWhatItStarted() async throws {
        try await Self.cancelAndCheck(prefix: "", killGrace: .seconds(5))
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledAfterTheGrace() async throws {
        // Ignored by the shell, and so by its `sleep` too: only SIGKILL ends them.
        try await Self.cancelAndCheck(prefix: "trap '' TERM; ", killGrace: .milliseconds(50))
    }

    /// Runs a shell that starts a grandchild and writes both pids (after `prefix`), cancels the
    /// task once they are written, and checks that both are gone: the child reaped before `run`
    /// returned, the grandchild killed with its group.
    private static func cancelAndCheck(prefix: String, killGrace: Duration) async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var child = ChildProcess.shell(prefix + Self.pidsCommand, environment: Self.path.merging(["OUT": folder]) { $1 })
        child.killGrace = killGrace
        let running = Task { [child] in try await child.run() }
        let pids = try await Self.pids(in: folder + "/pids")
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(kill(pids.child, 0) == -1 && errno == ESRCH, "the child \(pids.child) is still there")
        #expect(try await Self.isGone(pids.grandchild), "the grandchild \(pids.grandchild) is still there")
    }

    @Test func aChildPastItsTimeoutIsStoppedWithWhatItStarted() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var child = ChildProcess.shell("echo started >&2; " + Self.pidsCommand, environment: Self.path.merging(["OUT": folder]) { $1 })
        // Long enough for the shell to write the pids on a busy machine; nothing else waits on it.
        child.timeout = .seconds(1)
        let ending = try await child.run()
        #expect(ending.timedOut)
        #expect(ending.termination == .signaled(SIGTERM))
        #expect(ending.standardError == "started\n", "what it said before it was stopped is kept")
        let pids = try await Self.pids(in: folder + "/pids")
        #expect(kill(pids.child, 0) == -1 && errno == ESRCH)
        #expect(try await Self.isGone(pids.grandchild), "the grandchild \(pids.grandchild) is still there")
    }

    @Test func aChildWithinItsTimeoutIsNotStopped() async throws {
        var child = ChildProcess.shell("exit 4", environment: [:])
        child.timeout = .seconds(300)
        let ending = try await child.run()
        #expect(ending.termination == .exited(4) && !ending.timedOut)
    }

    @Test func anAlreadyCancelledTaskStartsNothing() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let running = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ChildProcess.shell(#"touch "$OUT/ran""#, environment: Self.path.merging(["OUT": folder]) { $1 }).run()
        }
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(!FileManager.default.fileExists(atPath: folder + "/ran"))
    }

    /// For the shell's `sleep`, `head` and `tr`: the child gets no environment but what it is given.
    private static let path = ["PATH": "/usr/bin:/bin"]

    /// Starts a grandchild, writes the shell's pid and the grandchild's to `$OUT/pids` (whole,
    /// by a rename), and waits.
    private static let pidsCommand = #"sleep 300 & echo "$$ $!" > "$OUT/pids.tmp"; mv "$OUT/pids.tmp" "$OUT/pids"; wait"#

    private struct NeverWritten: Error {}

    private static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "ivy-process-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The pids a test's shell wrote (its own, then its grandchild's), once it has: a bounded
    /// number of looks at the file, not a clock.
    private static func pids(in path: String) async throws -> (child: pid_t, grandchild: pid_t) {
        for _ in 0..<3000 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                if numbers.count == 2 { return (numbers[0], numbers[1]) }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw NeverWritten()
    }

    /// No such process (`kill(pid, 0)` fails with ESRCH), or a zombie its new parent has not
    /// reaped yet (dead all the same). A SIGKILL lands when the process is next scheduled:
    /// looked at a bounded number of times.
    private static func isGone(_ pid: pid_t) async throws -> Bool {
        for _ in 0..<500 {
            if kill(pid, 0) == -1, errno == ESRCH { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
                return true
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
