import ArgumentParser
import Foundation

/// `config check`: the settings as a command would see them, and where each came from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration.",
        discussion: "Examples:\n  ivy-archiver config check",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Print every setting as resolved, and where it came from (flag, environment, file and line, default).",
            discussion: """
                The config file is checked as every command checks it: an unknown key is refused with the \
                nearest known one, a value of the wrong type names its key, file and line. Secrets (password, \
                tokens, client secret, delete key) are never printed. No cloud call is made, and a password \
                file or command is not read. Exit 0 when the settings are usable, 2 when not.

                Examples:
                  ivy-archiver config check
                  ivy-archiver config check --config /etc/ivy-archiver/config.toml
                  IVY_TIMEZONE=UTC ivy-archiver config check --json
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let settings = try global.settings()
            try settings.password?.checkReadable()
            if settings.json { return try Output.json(settings.report) }
            Output.table(["SETTING", "VALUE", "FROM"], settings.report.map { [$0.key, $0.value.map { $0.isEmpty ? "(empty)" : $0 } ?? "-", $0.source] })
            if settings.username == nil, settings.openId == nil {
                print("note: no account is configured (username and password, or open_id and access_token); commands that log in will refuse to start")
            }
        }
    }
}
