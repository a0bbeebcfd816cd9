import Foundation
public import IvyHTTP
public import Logging

/// Sends notices to the account's targets: a command (`notify_command`) and a URL
/// (`notify_url`), either or both. A notice that cannot be sent is a warning returned to the
/// caller, never an error thrown: the backup's exit code is the backup's.
public struct Notifier: Sendable {
    /// Where notices go. Both `nil`: nowhere (the notifier sends nothing and warns of nothing).
    public struct Targets: Sendable, Equatable {
        /// Run by `/bin/sh -c`, the notice's JSON on its standard input; `IVY_NOTIFY_EVENT`
        /// (events, comma-separated), `IVY_NOTIFY_KIND` (`run` or `digest`),
        /// `IVY_NOTIFY_ACCOUNT` and `IVY_NOTIFY_SUMMARY` (the one line) in its environment.
        public var command: String?
        /// POSTed the notice's JSON (`Content-Type: application/json`); http or https.
        public var url: String?

        public init(command: String? = nil, url: String? = nil) {
            self.command = command
            self.url = url
        }

        public var isEmpty: Bool { command == nil && url == nil }
    }

    /// Limits, each with a default fit for a nightly job; tests shorten them.
    public struct Tuning: Sendable {
        /// After this the command is killed, with whatever it started.
        public var commandTimeout: Duration = .seconds(60)
        /// One POST, connection included.
        public var urlTimeout: Duration = .seconds(30)
        /// POSTs answered 5xx or 429, or that timed out or could not connect, are sent again
        /// after the policy's pauses (about 1.5 to 3 s, then 3 to 6 s).
        public var retry = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(3), maxDelay: .seconds(30))
        /// The command's environment, before `IVY_NOTIFY_*` is added; every other `IVY_*`
        /// variable (a password, tokens) and `CREDENTIALS_DIRECTORY` are left out of it.
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init() {}
    }

    public let targets: Targets
    let transport: any HTTPTransport
    let tuning: Tuning
    let logger: Logger

    /// - Parameter transport: the HTTP transport for `notify_url` (the backup's own will do).
    public init(targets: Targets, transport: any HTTPTransport, tuning: Tuning = Tuning(), logger: Logger) {
        self.targets = targets
        self.transport = transport
        self.tuning = tuning
        self.logger = logger
    }

    /// Sends `notice` to every target, whatever the policy says, both at once.
    ///
    /// - Returns: one warning for each target that did not take it; empty when all did.
    public func send(_ notice: Notice) async -> [NotifyError] {
        let body = notice.json
        let targets = targets
        async let command: NotifyError? = {
            guard let command = targets.command else { return nil }
            return await sendCommand(command, notice: notice, body: body)
        }()
        async let url: NotifyError? = {
            guard let url = targets.url else { return nil }
            return await post(to: url, body: body)
        }()
        let warnings = [await command, await url].compactMap(\.self)
        if warnings.isEmpty {
            logger.info("notification sent", metadata: ["kind": "\(notice.kind.rawValue)", "events": "\(notice.events.map(\.rawValue).joined(separator: ","))"])
        }
        return warnings
    }
}
