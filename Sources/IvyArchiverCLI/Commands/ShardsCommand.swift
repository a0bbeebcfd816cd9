import ArgumentParser
import Foundation
import IvyFleet

/// `shards`: which worker backs up which account, as `backup --shard I/N` will decide it.
struct ShardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards", abstract: "Print which of N workers backs up each account of the config.",
        discussion: """
            Accounts go to workers by rendezvous hashing of their names: every worker decides alone, and \
            going from N to N+1 workers moves only about 1/(N+1) of the accounts (to the new worker). \
            Nothing is read but the config; no cloud call is made.

            Examples:
              ivy-archiver shards --shards 4 --config /etc/ivy-archiver/config.toml
              ivy-archiver shards --shards 4 --json
            """)

    @Option(name: .long, parsing: .unconditional, help: "How many workers (1-10000).", transform: NumberOption.whole(1...10_000))
    var shards: Int
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    struct Row: Encodable {
        var account: String
        var shard: Int
    }

    func run() async throws {
        let file = try Settings.loadFile(options: global, environment: ProcessInfo.processInfo.environment)
        guard !file.accounts.isEmpty else { throw UserError("\(file.path) has no [[accounts]] entries to share among workers") }
        let workers = try (0..<shards).map { try Shard(index: $0, count: shards) }
        let rows = file.accounts.map { account in Row(account: account.name.rawValue, shard: workers.first { $0.owns(account.name) }!.index) }
        if global.json { return try Output.json(rows) }
        Output.table(["ACCOUNT", "SHARD"], rows.map { [$0.account, "\($0.shard)/\(shards)"] })
        let counts = workers.map { worker in rows.filter { $0.shard == worker.index }.count }
        print("\(rows.count) accounts over \(shards) worker\(shards == 1 ? "" : "s"): " + counts.map(String.init).joined(separator: ", "))
    }
}
