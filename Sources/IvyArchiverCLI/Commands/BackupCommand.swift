import ArgumentParser
import Foundation
import IvyArchive
import IvyHTTP
import IvyHLS
import Synchronization
import IvyDomain
import IvyFleet
import IvyShip
import Logging

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy every new cloud recording of every camera into the archive.",
        discussion: """
            Files go to ARCHIVE/<name>_<MAC>/<YYYY-MM-DD>/<HHMMSS>-<HHMMSS>_<type>.mp4, days and times in \
            --timezone. A second run fetches only what is new. Each clip gets a thumbnail, and the archive's pages \
            (ARCHIVE/index.html) are brought up to date after the run (a page that cannot be written is a warning). Exit 1 when any clip or a camera's listing failed, a clip \
            is partial (a segment the cloud did not give: the rest is archived, and the clip is tried again next run), \
            the deadline left clips for the next run, the disk filled up, or a clip could not be shipped to the \
            destination; 2 for configuration or authentication errors (a locked archive, a damaged catalog); 3 when \
            the cloud is unavailable; 130 when interrupted.

            With [[accounts]] in the config, every account is backed up in turn (or those of --account, or of \
            --shard): each into its own archive, shipped to its destination and notified as configured; one \
            account's failure is reported and the others go on. Exit 0 when all went well, 3 when every failed \
            account found its cloud unavailable, else 1; 2 only for the run's own configuration (README: "Several \
            accounts").

            Examples:
              ivy-archiver init --archive /srv/camera-archive
              ivy-archiver backup --archive /srv/camera-archive
              ivy-archiver backup --dry-run --keep-days 90
              ivy-archiver backup --device "Front Door" --from 2026-11-20 --to 2026-11-22
              ivy-archiver backup --deadline 06:30 --quiet \\
                  --metrics-file /var/lib/node_exporter/textfile_collector/ivy.prom
              ivy-archiver backup --config /etc/ivy-archiver/config.toml --account smith
              JOB_COMPLETION_INDEX=0 ivy-archiver backup --shards 4
            """)

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @Option(name: .customLong("device"), help: "Only this camera (MAC or name); repeatable. Default: every camera.") var devices: [String] = []
    @Option(name: .long, help: "First day (YYYY-MM-DD). Default: from where the last complete run stopped (all the cloud holds on a first run).", transform: CalendarDay.parse) var from: CalendarDay?
    @Option(name: .long, help: "Last day (YYYY-MM-DD).", transform: CalendarDay.parse) var to: CalendarDay?
    @Option(name: .long, parsing: .unconditional, help: "Clips under way at once, at most; each starts when the link has room for it (1-16; default 8).",
            transform: NumberOption.whole(1...16)) var jobs = 8
    @Option(name: .customLong("max-connections"), parsing: .unconditional,
            help: ArgumentHelp("Segment downloads at once, at most, for all clips together; how many run is found from what the link gives (1-64; default 32).",
                               valueName: "max-connections"),
            transform: NumberOption.whole(1...64)) var maxConnectionsOption: Int?
    @Option(name: .customLong("segment-jobs"), parsing: .unconditional, help: "Exactly this many segment downloads at once instead of finding it (1-64).",
            transform: NumberOption.whole(1...64)) var segmentJobs: Int?
    @Flag(name: .customLong("dry-run"), help: "Print what would be fetched and what --keep-days would delete; write nothing.") var dryRun = false
    @Option(name: .customLong("keep-days"), parsing: .unconditional,
            help: "After a run with no failure, delete archived days older than this (keep_days in the config).", transform: NumberOption.whole(1...36_500))
    var keepDays: Int?
    @Option(name: .long, parsing: .unconditional, help: "End the run by then, archiving what is done: a wall-clock time (06:30, the next one to come) or a length (45s, 90m, 2h); max_run_minutes in the config.", transform: Deadline.parse)
    var deadline: Deadline?
    @Option(name: .customLong("max-rate"), parsing: .unconditional, help: "Download cap for all connections together, bytes per second: 2M, 500K (1024-based; max_rate in the config).",
            transform: Rate.parse) var maxRate: Int?
    @Option(name: .customLong("metrics-file"), help: "Write Prometheus metrics here (node_exporter textfile collector).") var metricsFile: String?
    @Option(name: .long, help: ArgumentHelp("Only the [[accounts]] of shard I of N (I from 0): each worker of N runs its share, by the accounts' names.",
                                            valueName: "I/N"), transform: { text in
                do { return try Shard(parsing: text) } catch { throw ArgumentRefusal(description: "\(error)") }
            }) var shard: Shard?
    @Option(name: .long, parsing: .unconditional,
            help: "Like --shard, with I from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index).",
            transform: NumberOption.whole(1...10_000)) var shards: Int?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to is before --from") }
        if shard != nil, shards != nil { throw ValidationError("give --shard I/N or --shards N, not both") }
        if segmentJobs != nil, maxConnectionsOption != nil {
            throw ValidationError("--segment-jobs fixes the downloads at once and --max-connections bounds how many are found: give one of them")
        }
    }

    /// `--max-connections`, 32 unless given.
    var maxConnections: Int { maxConnectionsOption ?? 32 }

    func run() async throws {
        let started = ContinuousClock.now
        if let metricsFile { try MetricsFile.checkWritable(metricsFile) }
        let all: [Settings]
        do {
            all = try Settings.resolveAll(options: global, environment: ProcessInfo.processInfo.environment, shard: try chosenShard())
        } catch {
            // Monitoring must not keep showing last night's figures after a config mistake:
            // every account of the last run's file is marked with this run's exit code.
            if let metricsFile, !dryRun {
                let accounts = BackupMetrics.accounts(inFileAt: metricsFile)
                try? await Self.write(metricsFile, runs: (accounts.isEmpty ? ["unknown"] : accounts).map {
                    AccountRun(account: $0, exitCode: ExitStatus.code(for: error), summary: nil)
                }, started: started)
            }
            throw error
        }
        all.first?.warnings.forEach { Output.warning($0) }
        guard all.count == 1, all[0].account == nil else { return try await runAccounts(all, started: started) }
        let settings = all[0]
        let account = settings.username ?? settings.openId ?? "unknown"
        let startedAt = Date()
        let done: Done
        var resolved: Backup.Options?
        do {
            done = try await backup(settings, options: &resolved)
        } catch {
            var stoppedRun: Done?
            if let summary = (error as? BackupError)?.summary, let resolved {
                stoppedRun = Done(summary: summary, options: resolved, elapsedSeconds: Date().timeIntervalSince(startedAt))
            }
            await notify(settings, done: stoppedRun, failure: error, exitCode: ExitStatus.code(for: error), started: startedAt)
            // A disk that filled stopped a run that got to the clips: what it did is reported
            // like any run's, before the one line that says why it stopped.
            let stopped = (error as? BackupError)?.summary
            // Monitoring must not keep showing last night's figures after a bad night.
            if let metricsFile, !dryRun {
                try? await Self.write(metricsFile, runs: [AccountRun(account: account, exitCode: ExitStatus.code(for: error), summary: stopped)], started: started)
            }
            if let stopped, let resolved, global.json {
                try? Output.json(BackupReport(stopped, timeZone: resolved.timeZone(of:)))
            }
            throw error
        }
        if !dryRun, !done.summary.interrupted {
            await ArchivePagesRefresh.afterBackup(archive: done.options.archive, options: done.options, quiet: global.quiet || global.json)
        }
        // A finished run, however it went: its counts are in the metrics, exit 1 included.
        if let metricsFile, !dryRun {
            try await Self.write(metricsFile, runs: [AccountRun(account: account, exitCode: done.exitCode, summary: done.summary, shipping: done.shipping)],
                                 started: started)
        }
        await notify(settings, done: done, failure: nil, exitCode: done.exitCode, started: startedAt)
        try report(done)
    }

    /// A finished run, for its report.
    struct Done {
        var summary: Backup.Summary
        var options: Backup.Options
        var elapsedSeconds: Double
        /// With a `destination`: what was shipped after the clips.
        var shipping: Shipping?

        /// The exit code of the run: the clips', and shipping's.
        var exitCode: Int32 { BackupCommand.severest(BackupCommand.exitCode(of: summary), shipping?.exitCode ?? 0) }
    }

    /// `resolved`: the options, once settled (a run stopped by its disk is reported with them).
    func backup(_ settings: Settings, options resolved: inout Backup.Options?) async throws -> Done {
        let session = try await global.makeSession(settings, maxRate: maxRate, connections: segmentJobs ?? maxConnections)
        let folder = try session.settings.archiveFolder(archive)
        if let destination = session.settings.destination, !dryRun {
            // Before any download: a destination without rclone is a mistake to fix first.
            _ = try RcloneDestination(.init(remote: destination), logger: session.logger)
        }
        let days = CalendarDays(timeZone: session.settings.timeZone)
        var options = Backup.Options(archive: folder, layout: try ArchiveLayout(template: session.settings.pathTemplate ?? ArchiveLayout.defaultTemplate))
        options.deviceTimeZones = session.settings.deviceTimeZones
        options.devices = devices
        options.from = from.map(days.startOfDay)
        options.to = to.map(days.endOfDay)
        options.jobs = jobs
        options.dryRun = dryRun
        options.timeZone = session.settings.timeZone
        options.keepDays = keepDays ?? session.settings.keepDays
        if let limit = try RunLimit.resolve(deadline, maxRunMinutes: session.settings.maxRunMinutes, timeZone: session.settings.timeZone) {
            options.deadline = RunDeadline(at: ContinuousClock.now + limit)
        }
        options.retention = session.settings.retentionDays.map { Int64($0) * 86_400 }
        options.retryPause = .milliseconds(Int64(session.settings.retryPauseSeconds * 1000))
        resolved = options

        // Adaptive downloads start under what the cloud took before it answered 429 to an earlier run.
        // (A folder that is no archive is refused by the run itself, with its own message.)
        let archiveFolder = try? ArchiveFolder.open(folder)
        let learned = segmentJobs == nil ? archiveFolder?.learnedConcurrencyLimit(cloud: session.settings.apiURL) : nil
        let limiter = DownloadLimiter(segmentJobs.map { .fixed($0) } ?? .adaptive(upTo: maxConnections, learned: learned?.limit))
        let backup = Backup(client: session.client, transport: session.transport, limiter: limiter,
                            policy: session.settings.downloadPolicy, logger: session.logger)
        defer {
            Self.log(limiter.snapshot, learned: learned, to: session.logger)
            if segmentJobs == nil, !dryRun, let archiveFolder {
                Self.rememberLimit(limiter.snapshot, cloud: session.settings.apiURL, in: archiveFolder)
            }
        }
        let json = session.settings.json
        let timeZones = options
        let transport = session.transport
        let progress = BackupProgress(live: !json && isatty(STDERR_FILENO) == 1, quiet: global.quiet, received: { transport.receivedBytes }) { mac, start in
            RecordingTime(start).wallClock(in: timeZones.timeZone(of: mac))
        }
        defer { progress.finish() }
        let summary = try await backup.run(options) { event in
            if !json { progress.handle(event) }
            switch event {
            case .archived, .partial, .failed: MemoryTuning.release()
            default: break
            }
        }
        var done = Done(summary: summary, options: options, elapsedSeconds: progress.elapsedSeconds)
        if let destination = session.settings.destination, !dryRun, !summary.interrupted {
            let shown = ShippingProgress(live: !json && isatty(STDERR_FILENO) == 1, quiet: global.quiet || json)
            done.shipping = await Self.ship(to: destination, keepLocalDays: session.settings.keepLocalDays, options: options, logger: session.logger,
                                            events: shown.handle)
            shown.finish()
        }
        return done
    }

    private func report(_ done: Done) throws {
        let summary = done.summary, options = done.options
        if global.json {
            try Output.json(BackupReport(summary, shipping: done.shipping, timeZone: options.timeZone(of:)))
        } else {
            printSummary(done)
        }
        if let shipping = done.shipping { printShipping(shipping, json: global.json) }
        // Interrupted: the summary above says what was done; the interruption itself is the
        // one line on stderr, and exit 130.
        if summary.interrupted || done.exitCode == ExitStatus.Code.interrupted.rawValue { throw Interruption.Interrupted() }
        if Self.exitCode(of: summary) != 0 {
            // One line on stderr too, for cron mail and journals that keep stderr only.
            Output.error("backup incomplete: " + Self.incompleteness(summary))
        }
        if done.exitCode != 0 { throw ExitCode(done.exitCode) }
    }

    /// What is left undone, for the line on stderr.
    static func incompleteness(_ summary: Backup.Summary) -> String {
        var parts: [String] = []
        if !summary.failures.isEmpty { parts.append("\(summary.failures.count) failed (first: \(summary.failures[0].reason))") }
        if !summary.partial.isEmpty { parts.append("\(summary.partial.count) partial") }
        if summary.unfinished > 0 { parts.append("\(summary.unfinished) not reached before the deadline") }
        return parts.joined(separator: ", ") + "; the next run tries them again"
    }

    /// The text summary of one run; `prefix` names its account among several.
    func printSummary(_ done: Done, prefix: String = "") {
        let summary = done.summary, options = done.options
        if dryRun {
            summary.planned.forEach { print(prefix + "would fetch \($0)") }
            summary.prunable.forEach { print(prefix + "would delete \($0) (older than the days kept)") }
            print(prefix + "\(summary.planned.count) clips to fetch, \(summary.skipped) already archived"
                + (options.keepDays != nil ? ", \(summary.prunable.count) to delete after a run with no failure" : ""))
        } else {
            var line = "\(summary.archived - summary.partial.count) archived, \(summary.skipped) already there, \(summary.failures.count) failed"
            if !summary.partial.isEmpty { line += ", \(summary.partial.count) partial (kept with holes, tried again)" }
            if summary.unfinished > 0 { line += ", \(summary.unfinished) left for the next run (\(summary.interrupted ? "interrupted" : "deadline"))" }
            if summary.pruned > 0 { line += ", \(summary.pruned) pruned" }
            if !summary.warnings.isEmpty { line += ", \(summary.warnings.count) warning\(summary.warnings.count == 1 ? "" : "s")" }
            Output.line(prefix + line + "; \(ProgressLine.bytes(Int(summary.bytes))) in \(Int(done.elapsedSeconds)) s")
        }
    }

    /// The severer of two exit codes: 130, then 2 (retrying cannot help), 3, 1, 0.
    static func severest(_ a: Int32, _ b: Int32) -> Int32 {
        let order: [Int32] = [0, 1, 3, 2, 130]
        return (order.firstIndex(of: a) ?? 1) >= (order.firstIndex(of: b) ?? 1) ? a : b
    }

    static func exitCode(of summary: Backup.Summary) -> Int32 {
        if summary.interrupted { return ExitStatus.Code.interrupted.rawValue }
        return summary.failures.isEmpty && summary.partial.isEmpty && summary.unfinished == 0 ? 0 : ExitStatus.Code.partialFailure.rawValue
    }

    /// One account's run, for the metrics file.
    struct AccountRun {
        var account: String
        var exitCode: Int32
        var summary: Backup.Summary?
        /// Seconds; `nil`: since the command started.
        var durationSeconds: Double?
        var shipping: Shipping?
    }

    /// Written from a task of its own: an interrupted run (its task cancelled) still records
    /// that it was interrupted. Each account keeps its last success from the earlier file.
    static func write(_ path: String, runs: [AccountRun], started: ContinuousClock.Instant) async throws {
        let now = Date(), elapsed = (ContinuousClock.now - started).inSeconds
        let metrics = runs.map { run in
            var metrics = BackupMetrics(account: run.account, finishedAt: now, durationSeconds: run.durationSeconds ?? elapsed, exitCode: run.exitCode,
                                        lastSuccess: BackupMetrics.lastSuccess(inFileAt: path, account: run.account), summary: run.summary)
            metrics.shipping = run.shipping.map { shipping in
                BackupMetrics.Shipping(shipped: shipping.summary?.shipped.count ?? 0, failed: shipping.summary?.failures.count ?? 0,
                                       bytes: shipping.summary?.bytes ?? 0)
            }
            return metrics
        }
        let result = await Task.detached { try await BackupMetrics.write(metrics, to: path) }.result
        if case .failure(let error) = result { throw UserError("cannot write the metrics file \(path): \(error.localizedDescription)") }
    }
}

extension BackupCommand {
    /// Where the downloads settled, at `--log-level info`, for whoever tunes a link: the limit
    /// in force at the end, the ceiling the cloud's `429`s left (what the archive keeps), and
    /// the learned limit the run started under (`none`: it found its own).
    static func log(_ snapshot: DownloadLimiter.Snapshot, learned: LearnedConcurrencyLimit?, to logger: Logger) {
        logger.info("downloads", metadata: [
            "limit": "\(snapshot.limit)", "peak_in_flight": "\(snapshot.peakInFlight)", "refusals_429": "\(snapshot.refusals)",
            "ceiling": "\(snapshot.ceiling)", "learned_limit": "\(learned.map { "\($0.limit)" } ?? "none")",
            "learned_at": "\(learned.map { $0.learnedAt.ISO8601Format() } ?? "none")",
            "peak_held_bytes": "\(snapshot.peakHeldBytes)", "memory_budget_bytes": "\(snapshot.memoryBudget)",
            "peak_clip_bytes": "\(snapshot.peakClipBytes)", "clip_budget_bytes": "\(snapshot.clipBudget)",
        ])
    }

    /// A run the cloud answered `429` knows its limit (the controller's ceiling): the next runs
    /// start under it. A run without refusals leaves the file alone, so a limit is met again
    /// once it is no longer trusted. A file that cannot be written costs only the next run's 429s:
    /// one warning line, before the summary.
    static func rememberLimit(_ snapshot: DownloadLimiter.Snapshot, cloud: String, in folder: ArchiveFolder) {
        guard snapshot.refusals > 0 else { return }
        do {
            try folder.remember(LearnedConcurrencyLimit(cloud: cloud, limit: snapshot.ceiling, learnedAt: Date()))
        } catch {
            Output.warning("the cloud answered 429 (too many requests at once) and its limit could not be kept for the next runs: \(error)")
        }
    }
}
