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
                file or command is not read. With [[accounts]], every account is checked, one row each (--account NAME: one account in full). Exit 0 when the settings are usable, 2 when not.

                Examples:
                  ivy-archiver config check
                  ivy-archiver config check --config /etc/ivy-archiver/config.toml
                  IVY_TIMEZONE=UTC ivy-archiver config check --json
                  ivy-archiver config check --account smith
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            if global.accounts.isEmpty, try Settings.loadFile(options: global, environment: environment).accounts.count > 1 {
                return try checkAll(try Settings.resolveAll(options: global, environment: environment, shard: nil))
            }
            let settings = try global.settings()
            try settings.password?.checkReadable()
            if settings.json { return try Output.json(settings.report) }
            Output.table(["SETTING", "VALUE", "FROM"], settings.report.map { [$0.key, $0.value.map { $0.isEmpty ? "(empty)" : $0 } ?? "-", $0.source] })
            if settings.username == nil, settings.openId == nil {
                print("note: no account is configured (username and password, or open_id and access_token); commands that log in will refuse to start")
            }
        }

        /// Every `[[accounts]]` entry, each resolved as its run would: one row each.
        private func checkAll(_ all: [Settings]) throws {
            all.first?.warnings.forEach { Output.warning($0) }
            for settings in all { try settings.password?.checkReadable() }
            struct Account: Encodable {
                var account: String
                var settings: [Settings.Entry]
            }
            if global.json { return try Output.json(all.map { Account(account: $0.account?.rawValue ?? "", settings: $0.report) }) }
            Output.table(["ACCOUNT", "LOGIN", "ARCHIVE", "DESTINATION"], all.map { settings in
                [settings.account?.rawValue ?? "-", settings.username ?? settings.openId ?? "(no credentials)", settings.archive ?? "(none)",
                 settings.destination ?? "-"]
            })
            print("\(all.count) accounts; 'config check --account NAME' shows one account's every setting and where it came from")
        }
    }
}
