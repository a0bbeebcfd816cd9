import IvyCloud

extension Notifier {
    /// Runs `notify_command` with the notice on its standard input.
    ///
    /// - Returns: `nil` when it exited 0; else why, with the end of its standard error
    ///   (redacted: a tool may echo the URL it failed to reach, password and all). Never the
    ///   command itself, which may hold one.
    func sendCommand(_ command: String, notice: Notice, body: [UInt8]) async -> NotifyError? {
        var environment = tuning.environment.filter { !$0.key.hasPrefix("IVY_") && $0.key != "CREDENTIALS_DIRECTORY" }
        environment["IVY_NOTIFY_EVENT"] = notice.events.map(\.rawValue).joined(separator: ",")
        environment["IVY_NOTIFY_KIND"] = notice.kind.rawValue
        environment["IVY_NOTIFY_ACCOUNT"] = notice.account
        environment["IVY_NOTIFY_SUMMARY"] = notice.summary
        let ending: ShellCommand.Ending
        do {
            ending = try await ShellCommand(command: command, environment: environment, timeout: tuning.commandTimeout).run(input: body)
        } catch let error as NotifyError {
            return error
        } catch {
            return .cancelled("notify_command")
        }
        let said = ending.stderr.isEmpty ? "" : ": " + Redaction.text(ending.stderr)
        if ending.timedOut {
            return .commandTimedOut("did not end within \(Self.seconds(tuning.commandTimeout)) and was killed\(said)")
        }
        switch ending.status {
        case .exited(0):
            return nil
        case .exited(let status):
            return .commandFailed("failed with exit status \(status)\(said)")
        case .signaled(let signal):
            return .commandFailed("was killed by signal \(signal)\(said)")
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
