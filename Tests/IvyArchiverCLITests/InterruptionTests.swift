import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// Ctrl-C and SIGTERM: the command stops, cleans up what it was writing, and exits 130.
@Suite struct InterruptionTests {
    /// Starts `ivy-archiver` with `arguments`, sends `signal` once `ready(stdout, pid)` says the
    /// work is under way (downloads started, a file open), and returns the exit status and what
    /// the command printed.
    /// `times` > 1 sends the signal again at once, as GNU `timeout` does (to the command, then to
    /// its process group).
    static func interrupt(_ arguments: [String], environment: [String: String], signal: Int32, times: Int = 1,
                          when ready: (_ stdout: String, _ pid: Int32) -> Bool) async throws -> (status: Int32, stdout: String) {
        let output = try makeTemporaryDirectory() + "/stdout"
        defer { try? FileManager.default.removeItem(atPath: (output as NSString).deletingLastPathComponent) }
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        child.arguments = arguments
        child.environment = CLIProcess.cleanEnvironment(environment)
        child.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        child.standardError = FileHandle.nullDevice
        try child.run()
        let started = ContinuousClock.now + .seconds(30)
        while child.isRunning, ContinuousClock.now < started,
              !ready((try? String(contentsOfFile: output, encoding: .utf8)) ?? "", child.processIdentifier) {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(child.isRunning, "the work was still going when the signal came")
        for _ in 0..<times { kill(child.processIdentifier, signal) }
        let deadline = ContinuousClock.now + .seconds(60)
        while child.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!child.isRunning, "the command stopped after the signal")
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        while child.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return (child.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// Whether process `pid` has `path` open (Linux's `/proc`).
    static func holdsOpen(_ pid: Int32, _ path: String) -> Bool {
        let folder = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return descriptors.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0)) == path }
    }

    static func withSlowSandbox(_ body: ([String: String]) async throws -> Void) async throws {
        let start = Int64(Date().timeIntervalSince1970) / 60 * 60 - 7200
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00AB01", name: "Lane", productName: "FI9900P", profile: .h264AAC,
                                             fixedRecordings: [SandboxRecording(start: start, end: start + 60, type: 0),
                                                               SandboxRecording(start: start + 60, end: start + 120, type: 0)])]
            configuration.account = account
            configuration.faults.bandwidthPerConnection = 60_000  // about 3 s for each clip
        }) { endpoint, _ in
            try await body(endpoint.cliEnvironment(["IVY_TIMEZONE": "UTC", "FROM": "\(start)"]))
        }
    }

    @Test func anInterruptedExportLeavesNothingBehind() async throws {
        try await Self.withSlowSandbox { env in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let from = Date(timeIntervalSince1970: Double(env["FROM"].flatMap(Int64.init) ?? 0))
            let formatter = ISO8601DateFormatter()
            let (status, _) = try await Self.interrupt(
                ["export", "--device", "Lane", "--from", formatter.string(from: from), "--to", formatter.string(from: from + 100),
                 "--output", folder + "/lane.mp4"],
                environment: env, signal: SIGINT) { _, _ in
                    // The fetched clips' folder appears when the downloads start.
                    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasSuffix(".parts") }
                }
            #expect(status == 130)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "no output, no fetched clips")
        }
    }

    @Test func aBackupStoppedBySIGTERMCleansUpAndTheNextRunCompletes() async throws {
        try await Self.withSlowSandbox { env in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var env = env
            env["IVY_ARCHIVE"] = archive
            let (status, stdout) = try await Self.interrupt(["backup"], environment: env, signal: SIGTERM) { stdout, _ in stdout.contains("2 new clips") }
            #expect(status == 130)
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp").isEmpty)
            #expect(mp4Files(in: archive).isEmpty, "neither clip had finished")
            // The clips under way were interrupted, not failed; the run is recorded as such, and
            // the summary says what was done.
            #expect(!stdout.contains("FAILED"), "\(stdout)")
            #expect(stdout.contains("0 archived, 0 already there, 0 failed, 2 left for the next run (interrupted)"), "\(stdout)")
            let runs = try await Subprocess.run("sqlite3", [archive + "/.ivy-archiver/catalog.sqlite", "SELECT result, endedAt IS NOT NULL FROM run ORDER BY id DESC LIMIT 1"])
            #expect(runs.stdout == "stopped: interrupted|1\n", "\(runs.stdout)\(runs.stderr)")
            let failed = try await Subprocess.run("sqlite3", [archive + "/.ivy-archiver/catalog.sqlite", "SELECT count(*) FROM clip WHERE state = 'failed'"])
            #expect(failed.stdout == "0\n", "\(failed.stdout)")

            let rerun = try await CLIProcess.run(["backup"], environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(mp4Files(in: archive).count == 2)
        }
    }
}
