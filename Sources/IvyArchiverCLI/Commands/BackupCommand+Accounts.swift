import ArgumentParser
import Foundation
import IvyArchive
import IvyFleet

// `backup` over a config's `[[accounts]]`: one account after another, each with its own
// archive (lock, catalog) and session; a failing account is reported and the others go on.
extension BackupCommand {
    /// `--shard`, or `--shards` with `$JOB_COMPLETION_INDEX`.
    ///
    /// - Throws: `UserError` when `--shards` has no index to go with it.
    func chosenShard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        if let shard { return shard }
        guard let shards else { return nil }
        guard let text = environment["JOB_COMPLETION_INDEX"], !text.isEmpty else {
            throw UserError("--shards \(shards) takes this worker's index from JOB_COMPLETION_INDEX, which is not set (or give --shard I/\(shards))")
        }
        guard let index = Int(text) else { throw UserError("JOB_COMPLETION_INDEX must be a whole number, not '\(text)'") }
        do {
            return try Shard(index: index, count: shards)
        } catch {
            throw UserError("JOB_COMPLETION_INDEX: \(error)")
        }
    }

    /// One account's outcome.
    struct AccountOutcome {
        var name: AccountName
        var done: Done?
        /// Why the account stopped before or during its run (the summary of a run its disk
        /// stopped is in `done`).
        var failure: (any Error)?
        var exitCode: Int32
    }

    /// Runs `all` (at least one `[[accounts]]` entry, or none when this shard owns none).
    func runAccounts(_ all: [Settings], started: ContinuousClock.Instant) async throws {
        if all.count > 1, archive != nil {
            throw UserError("--archive names one archive, and this run has \(all.count) accounts, each with its own (give --account NAME)")
        }
        var outcomes: [AccountOutcome] = []
        for settings in all {
            guard let name = settings.account else { continue }
            if Task.isCancelled { break }
            let accountStarted = ContinuousClock.now, startedAt = Date()
            var resolved: Backup.Options?
            var outcome: AccountOutcome
            do {
                let done = try await backup(settings, options: &resolved)
                if !dryRun, !done.summary.interrupted {
                    await ArchivePagesRefresh.afterBackup(archive: done.options.archive, options: done.options, quiet: global.quiet || global.json)
                }
                outcome = AccountOutcome(name: name, done: done, exitCode: done.exitCode)
            } catch {
                let stopped = (error as? BackupError)?.summary
                var done: Done?
                if let stopped, let resolved {
                    done = Done(summary: stopped, options: resolved, elapsedSeconds: (ContinuousClock.now - accountStarted).inSeconds)
                }
                outcome = AccountOutcome(name: name, done: done, failure: error, exitCode: ExitStatus.code(for: error))
            }
            outcome.report(self)
            await notify(settings, done: outcome.done, failure: outcome.failure, exitCode: outcome.exitCode, started: startedAt)
            outcomes.append(outcome)
            if outcome.exitCode == ExitStatus.Code.interrupted.rawValue { break }
        }
        if let metricsFile, !dryRun {
            try await Self.write(metricsFile, runs: outcomes.map {
                AccountRun(account: $0.name.rawValue, exitCode: $0.exitCode, summary: $0.done?.summary, durationSeconds: $0.done?.elapsedSeconds,
                           shipping: $0.done?.shipping)
            }, started: started)
        }
        let code = Self.exitCode(of: outcomes.map(\.exitCode))
        // Interrupted before their turn: said, not dropped (their metrics stay as they were).
        let notRun = all.compactMap(\.account).filter { name in !outcomes.contains { $0.name == name } }
        if !notRun.isEmpty {
            Output.error("not run (interrupted): " + notRun.map(\.rawValue).joined(separator: ", "))
        }
        if global.json {
            var report = AccountsReport(outcomes: outcomes, exitCode: code, shard: try chosenShard()?.description)
            report.accounts += notRun.map {
                AccountsReport.Account(account: $0.rawValue, exitCode: ExitStatus.Code.interrupted.rawValue, error: "not run: interrupted before its turn")
            }
            try Output.json(report)
        } else if outcomes.isEmpty {
            let named = global.accounts.isEmpty ? "" : " named by --account"
            Output.line("no account to back up: shard \(try chosenShard()?.description ?? "-") owns none of the accounts\(named)")
        } else if outcomes.count > 1 {
            let failed = outcomes.filter { $0.exitCode != 0 }
            Output.line("\(outcomes.count) accounts: \(outcomes.count - failed.count) complete"
                + (failed.isEmpty ? "" : ", \(failed.count) not (\(failed.map { "\($0.name): exit \($0.exitCode)" }.joined(separator: ", ")))"))
        }
        if code == ExitStatus.Code.interrupted.rawValue { throw Interruption.Interrupted() }
        if code != 0 { throw ExitCode(code) }
    }

    /// The run's exit code from its accounts': 0 when every one went well, 130 when one was
    /// interrupted, 3 when every one that failed found its cloud unavailable (try again
    /// later), else 1. Never 2: that means the run's own configuration (the file, a flag, the
    /// shard), which stops it before any account; one account's wrong password or missing
    /// archive must not fail a Kubernetes Job (its podFailurePolicy fails the Job on 2) and
    /// with it every other worker's accounts. Each account's own code is in the summary,
    /// `--json` and the metrics.
    static func exitCode(of codes: [Int32]) -> Int32 {
        let failed = codes.filter { $0 != 0 }
        if failed.isEmpty { return 0 }
        if failed.contains(ExitStatus.Code.interrupted.rawValue) { return ExitStatus.Code.interrupted.rawValue }
        if failed.allSatisfy({ $0 == ExitStatus.Code.cloudUnavailable.rawValue }) { return ExitStatus.Code.cloudUnavailable.rawValue }
        return ExitStatus.Code.partialFailure.rawValue
    }
}

extension BackupCommand.AccountOutcome {
    /// Its summary line on stdout (not with `--json`: that comes at the end) and, when it
    /// failed, one line on stderr, both naming it.
    func report(_ command: BackupCommand) {
        if let done, !command.global.json { command.printSummary(done, prefix: "\(name): ") }
        if let shipping = done?.shipping { command.printShipping(shipping, prefix: "\(name): ", json: command.global.json) }
        if let failure {
            let message = ExitStatus.classify(failure)?.message ?? "\(failure)"
            Output.error("account \(name): \(message)")
        } else if let done, BackupCommand.exitCode(of: done.summary) == ExitStatus.Code.partialFailure.rawValue {
            Output.error("account \(name): backup incomplete: " + BackupCommand.incompleteness(done.summary))
        }
    }
}

/// `backup --json` over `[[accounts]]`: each account's report and exit code.
struct AccountsReport: Encodable {
    struct Account: Encodable {
        var account: String
        var exitCode: Int32
        /// Why the account stopped, in one line; `nil` when it ran.
        var error: String?
        var backup: BackupReport?
    }

    var accounts: [Account]
    var exitCode: Int32
    /// `I/N` when the run was one shard's.
    var shard: String?

    init(outcomes: [BackupCommand.AccountOutcome], exitCode: Int32, shard: String?) {
        accounts = outcomes.map { outcome in
            Account(account: outcome.name.rawValue, exitCode: outcome.exitCode,
                    error: outcome.failure.map { ExitStatus.classify($0)?.message ?? "\($0)" },
                    backup: outcome.done.map { BackupReport($0.summary, shipping: $0.shipping, timeZone: $0.options.timeZone(of:)) })
        }
        self.exitCode = exitCode
        self.shard = shard
    }
}
