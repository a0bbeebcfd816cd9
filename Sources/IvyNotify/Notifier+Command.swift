import IvyCloud
import IvyProcess

extension Notifier {
    /// Characters of the command's standard error shown in a warning: the end of it, where a
    /// tool says why it failed.
    static let stderrLimit = 300

    /// Runs `notify_command` (`/bin/sh -c`) with the notice on its standard input; killed, with
    /// every process it started, when `tuning.commandTimeout` passes or the task is cancelled.
    ///
    /// - Returns: `nil` when it exited 0; else why, with the end of its standard error, or of
    ///   its standard output when it said nothing there (Apprise logs its reasons to standard
    ///   output), redacted: a tool may echo the URL it failed to reach, password and all. Never
    ///   the command itself, which may hold one.
    func sendCommand(_ command: String, notice: Notice, body: [UInt8]) async -> NotifyError? {
        var environment = tuning.environment.filter { !$0.key.hasPrefix("IVY_") && $0.key != "CREDENTIALS_DIRECTORY" }
        environment["IVY_NOTIFY_EVENT"] = notice.events.map(\.rawValue).joined(separator: ",")
        environment["IVY_NOTIFY_KIND"] = notice.kind.rawValue
        environment["IVY_NOTIFY_ACCOUNT"] = notice.account
        environment["IVY_NOTIFY_SUMMARY"] = notice.summary
        var child = ChildProcess.shell(command, environment: environment)
        child.input = body
        child.standardOutput = .captured
        child.timeout = tuning.commandTimeout
        let ending: ChildProcess.Ending
        do {
            ending = try await child.run()
        } catch let error as ChildProcessError {
            return .commandNotStarted(error.description)
        } catch {
            return .cancelled("notify_command")
        }
        let lastWords = Self.lastWords(ending.standardError.isEmpty ? Self.tail(of: ending.standardOutput) : ending.standardError)
        let said = lastWords.isEmpty ? "" : ": " + Redaction.text(lastWords)
        if ending.timedOut {
            return .commandTimedOut("did not end within \(Self.seconds(tuning.commandTimeout)) and was killed\(said)")
        }
        switch ending.termination {
        case .exited(0):
            return nil
        case .exited(let status):
            return .commandFailed("failed with exit status \(status)\(said)")
        case .signaled(let signal):
            return .commandFailed("was killed by signal \(signal)\(said)")
        }
    }

    /// The end of `stderr` on one line (whitespace folded to single spaces), at most
    /// `stderrLimit` characters, `…` in front when cut.
    static func lastWords(_ stderr: String) -> String {
        let text = stderr.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.count > stderrLimit ? "…" + String(text.suffix(stderrLimit)) : text
    }

    /// The last `ChildProcess.standardErrorLimit` bytes of `output`, as text; a character cut in
    /// two at the start is left out.
    static func tail(of output: [UInt8]) -> String {
        var bytes = output.suffix(ChildProcess.standardErrorLimit)
        if bytes.count < output.count { bytes = bytes.drop { $0 & 0xC0 == 0x80 } }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
