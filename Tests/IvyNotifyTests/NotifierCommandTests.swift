import Foundation
import IvyNotify
import Testing

/// `notify_command`: `/bin/sh -c`, the notice on its standard input.
@Suite struct NotifierCommandTests {
    @Test func theCommandGetsTheNoticeOnItsInputAndTheEventsInItsEnvironment() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notice = runNotice(try summary(failures: [clipStart], lost: [clipStart + 60]))
        let command = #"cat > "$OUT/notice.json"; printf '%s|%s|%s|%s' "$IVY_NOTIFY_EVENT" "$IVY_NOTIFY_KIND" "$IVY_NOTIFY_ACCOUNT" "${IVY_PASSWORD-unset}" > "$OUT/env""#
        let environment = ProcessInfo.processInfo.environment.merging(["OUT": folder, "IVY_PASSWORD": "hunter2-password"]) { $1 }
        let outcome = await notifier(command: command, environment: environment).notify(run: notice, policy: NotificationPolicy(), digestFolder: nil, now: finished)
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        #expect(outcome.runSent)
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/notice.json"))
        #expect(try JSONDecoder().decode(Notice.self, from: written) == notice)
        #expect(Array(written) == notice.json)
        let variables = try String(contentsOfFile: folder + "/env", encoding: .utf8)
        #expect(variables == "failure,lost|run|me@example.com|unset", "IVY_* of the tool itself (a password) are not passed on")
    }

    @Test func aCommandThatFailsIsAWarningWithItsStatusAndLastWords() async throws {
        let command = "cat >/dev/null; echo 'apprise: cannot reach mailto://me:hunter2-password@mail.example.com' >&2; exit 3"
        let warnings = await notifier(command: command).send(runNotice(try summary(failures: [clipStart])))
        #expect(warnings == [.commandFailed])
        let line = try #require(warnings.first).description
        #expect(line == "notify_command failed with exit status 3: apprise: cannot reach mailto://REDACTED@mail.example.com")
    }

    /// Apprise logs why it failed to its standard output, not its standard error.
    @Test func aCommandThatSaysWhyOnItsOutputOnlyIsQuotedFromThere() async throws {
        let command = "cat >/dev/null; echo 'INFO - Notifying 1 service(s)'; echo 'WARNING - A Connection error occurred sending to json://me:hunter2-password@127.0.0.1'; exit 1"
        let warnings = await notifier(command: command).send(runNotice(try summary(failures: [clipStart])))
        #expect(warnings.first?.description == "notify_command failed with exit status 1: INFO - Notifying 1 service(s) "
            + "WARNING - A Connection error occurred sending to json://REDACTED@127.0.0.1")
        // Standard error, when the command wrote there, is what it says.
        let both = await notifier(command: "cat >/dev/null; echo chatter; echo 'the reason' >&2; exit 2").send(runNotice(try summary(failures: [clipStart])))
        #expect(both.first?.description == "notify_command failed with exit status 2: the reason")
    }

    @Test func aCommandThatDoesNotReadItsInputStillEnds() async throws {
        // A notice far larger than a pipe's buffer: a command that ignores it must not hang.
        let notice = runNotice(try summary(failures: (0..<Notice.listLimit).map { clipStart + Int64($0) * 60 },
                                           failureReason: String(repeating: "x", count: 2000)))
        #expect(notice.json.count > 128 * 1024)
        let warnings = await notifier(command: "exit 0").send(notice)
        #expect(warnings.isEmpty)
    }

    @Test func aHungCommandIsKilledAfterItsTimeoutWithWhatItStarted() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The grandchild (`sleep`) must die too: the whole process group is killed.
        let command = #"sleep 300 & echo $! > "$OUT/pid"; wait"#
        let environment = ProcessInfo.processInfo.environment.merging(["OUT": folder]) { $1 }
        let warnings = await notifier(command: command, commandTimeout: .seconds(1), environment: environment)
            .send(runNotice(try summary(failures: [clipStart])))
        #expect(warnings == [.commandTimedOut])
        #expect(warnings.first?.description == "notify_command did not end within 1 s and was killed")
        let pid = try #require(Int32(String(contentsOfFile: folder + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try await isGone(pid))
    }

    @Test func cancellingTheTaskKillsTheCommand() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = #"sleep 300 & echo $! > "$OUT/pid.tmp"; mv "$OUT/pid.tmp" "$OUT/pid"; wait"#
        let environment = ProcessInfo.processInfo.environment.merging(["OUT": folder]) { $1 }
        let notice = runNotice(try summary(failures: [clipStart]))
        let sending = Task { await notifier(command: command, environment: environment).send(notice) }
        // Until the command has started its grandchild: a bounded wait on a file, not a clock.
        var tries = 0
        while !FileManager.default.fileExists(atPath: folder + "/pid"), tries < 2000 {
            try await Task.sleep(for: .milliseconds(10))
            tries += 1
        }
        sending.cancel()
        let warnings = await sending.value
        #expect(warnings == [.cancelled])
        let pid = try #require(Int32(String(contentsOfFile: folder + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try await isGone(pid))
    }

    @Test func bothTargetsGetTheNotice() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ProcessInfo.processInfo.environment.merging(["OUT": folder]) { $1 }
        let notice = runNotice(try summary(partial: [clipStart]))
        try await NoticeListener.withRunning { url, listener in
            let warnings = await notifier(command: #"cat > "$OUT/notice.json""#, url: url, environment: environment).send(notice)
            #expect(warnings.isEmpty)
            let received = try listener.received.map { try $0.notice() }
            #expect(received == [notice])
            #expect(FileManager.default.fileExists(atPath: folder + "/notice.json"))
        }
    }

    /// Killed: no such process, or a zombie its new parent has not reaped yet. A SIGKILL is
    /// delivered when the process is next scheduled: looked at a bounded number of times.
    private func isGone(_ pid: Int32) async throws -> Bool {
        for _ in 0..<500 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the command's name in parentheses.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
