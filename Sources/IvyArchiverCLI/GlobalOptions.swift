import ArgumentParser
import Foundation
import IvyCloud
import IvyHTTP
import Logging

/// Options every cloud command shares. Each setting comes from its flag, else its environment
/// variable, else the config file, else its default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (TOML). Default: ~/.config/ivy-archiver/config.toml.")
    var config: String?

    @Option(name: .customLong("account"), help: ArgumentHelp("With [[accounts]] in the config: the account (backup: repeatable; default every account).",
                                                              valueName: "name"))
    var accounts: [String] = []

    @Option(name: .customLong("api-url"), help: "Base URL of the cloud API ($IVY_API_URL; default https://api.myfoscam.com).")
    var apiURL: String?

    @Option(name: .customLong("client-id"), help: "Application id ($IVY_CLIENT_ID; default the document's 'oemkey').")
    var clientId: String?

    @Option(name: .customLong("oem-code"), help: "OEM code ($IVY_OEM_CODE).")
    var oemCode: String?

    @Option(name: .long, help: "Account e-mail ($IVY_USERNAME). The password comes from $IVY_PASSWORD or the config file.")
    var username: String?

    @Option(name: .customLong("open-id"), help: "openId of an existing session ($IVY_OPEN_ID), with $IVY_ACCESS_TOKEN.")
    var openId: String?

    @Option(name: .long, help: "Time zone for dates, e.g. Europe/Berlin ($IVY_TIMEZONE; default the system's).")
    var timezone: String?

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    @Flag(name: [.short, .long], help: "backup, export: print only warnings, errors and the final summary.")
    var quiet = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (default warning).", transform: LogLevel.parse)
    var logLevel: Logger.Level?

    /// Resolved settings, their warnings printed; throws `UserError` for anything missing or
    /// malformed.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let settings = try Settings.resolve(options: self, environment: environment)
        settings.warnings.forEach { Output.warning($0) }
        return settings
    }

    func makeLogger() throws -> Logger {
        try Self.makeLogger(level: logLevel)
    }

    /// Logs go to stderr; the level comes from the flag, else `IVY_LOG_LEVEL`, else `warning`.
    static func makeLogger(level: Logger.Level?) throws -> Logger {
        var logger = Logger(label: "ivy-archiver") { StreamLogHandler.standardError(label: $0) }
        if let level {
            logger.logLevel = level
        } else if let name = ProcessInfo.processInfo.environment["IVY_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: name.lowercased()) else { throw UserError("unknown log level '\(name)' in IVY_LOG_LEVEL") }
            logger.logLevel = level
        } else {
            logger.logLevel = .warning
        }
        return logger
    }

    /// A cloud client for these settings, over a fresh libcurl transport.
    func makeClient() async throws -> (CloudClient, Settings) {
        let session = try await makeSession()
        return (session.client, session.settings)
    }

    /// Everything a command that talks to the cloud needs, sharing one transport.
    struct Session {
        var client: CloudClient
        var settings: Settings
        var transport: CurlTransport
        var logger: Logger
    }

    /// - Parameters:
    ///   - resolved: the settings already resolved, else resolved here.
    ///   - maxRate: a command's `--max-rate`, over the configured one.
    ///   - connections: media downloads the command may run at once (the cloud's API calls
    ///     get a few connections more).
    func makeSession(_ resolved: Settings? = nil, maxRate: Int? = nil, connections: Int = 32) async throws -> Session {
        let settings = try resolved ?? settings()
        let logger = try makeLogger()
        var configuration = CurlTransport.Configuration()
        configuration.maxConnectionsPerHost = max(configuration.maxConnectionsPerHost, connections + 4)
        if let rate = maxRate ?? settings.maxRate { configuration.limitRate(to: rate) }
        let transport = CurlTransport(configuration: configuration, logger: logger)
        let client = CloudClient(configuration: try await settings.cloudConfiguration(), transport: transport, logger: logger)
        return Session(client: client, settings: settings, transport: transport, logger: logger)
    }
}
