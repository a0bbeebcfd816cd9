import ArgumentParser
import Foundation
import IvyArchive
import IvyHLS
import Synchronization

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy every new cloud recording of every camera into the archive.",
        discussion: """
            Files go to ARCHIVE/<name>_<MAC>/<YYYY-MM-DD>/<HHMMSS>-<HHMMSS>_<type>.mp4, days and times in \
            --timezone. A second run fetches only what is new. Exit 1 when any clip failed (it is tried \
            again next run), 2 for configuration or authentication errors, 3 when the cloud is unavailable.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE).") var archive: String?
    @Option(name: .customLong("device"), help: "Only this camera (MAC); repeatable. Default: every camera.") var devices: [String] = []
    @Option(name: .long, help: "First day (YYYY-MM-DD). Default: all the cloud holds.") var from: String?
    @Option(name: .long, help: "Last day (YYYY-MM-DD).") var to: String?
    @Option(name: .long, help: "Clips downloaded at once.") var jobs = 2
    @Option(name: .customLong("segment-jobs"), help: "Segment downloads at once, for all clips together.") var segmentJobs = 8
    @Flag(name: .customLong("dry-run"), help: "Print the plan, download nothing.") var dryRun = false
    @Option(name: .customLong("metrics-file"), help: "Write Prometheus metrics here (node_exporter textfile collector).") var metricsFile: String?

    func run() async throws {
        guard (1...16).contains(jobs), (1...64).contains(segmentJobs) else { throw UserError("--jobs must be 1-16 and --segment-jobs 1-64") }
        let session = try global.makeSession()
        guard let folder = archive ?? session.settings.archive, !folder.isEmpty else {
            throw UserError("say where the archive is: --archive DIR, IVY_ARCHIVE or archive in the config")
        }
        let days = CalendarDays(timeZone: session.settings.timeZone)
        var options = Backup.Options(archive: folder, layout: try ArchiveLayout(template: session.settings.pathTemplate ?? ArchiveLayout.defaultTemplate))
        options.deviceTimeZones = Dictionary(uniqueKeysWithValues: session.settings.deviceTimeZones.map { (ArchiveLayout.safeMAC($0.key), $0.value) })
        options.devices = devices
        options.from = try from.map(days.startOfDay)
        options.to = try to.map(days.endOfDay)
        if let first = options.from, let last = options.to, last < first { throw UserError("--to is before --from") }
        options.jobs = jobs
        options.dryRun = dryRun
        options.timeZone = session.settings.timeZone

        let backup = Backup(client: session.client, transport: session.transport, limiter: DownloadLimiter(limit: segmentJobs), logger: session.logger)
        let json = session.settings.json
        let started = ContinuousClock.now
        let display = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        let tally = Mutex((planned: 0, done: 0, bytes: Int64(0)))
        let summary = try await backup.run(options) { event in
            guard !json else { return }
            let line: String
            switch event {
            case .planned(let device, let clips):
                tally.withLock { $0.planned += clips }
                line = "\(device): \(clips) new clip\(clips == 1 ? "" : "s")"
            case .archived(let path, let bytes):
                tally.withLock { $0.done += 1; $0.bytes += bytes }
                line = "archived \(path) (\(ProgressLine.bytes(Int(bytes))))"
            case .failed(let device, let start, let reason):
                tally.withLock { $0.done += 1 }
                line = "FAILED \(device) clip \(start): \(reason)"
            }
            display.clear()
            print(line)
            let now = tally.withLock { $0 }
            let elapsed = max(0.001, Double((ContinuousClock.now - started).components.seconds)
                + Double((ContinuousClock.now - started).components.attoseconds) / 1e18)
            let rate = Double(now.bytes) / elapsed
            let eta = now.done > 0 ? Int(elapsed / Double(now.done) * Double(max(0, now.planned - now.done))) : 0
            display.show("\(now.done)/\(now.planned) clips, \(ProgressLine.bytes(Int(now.bytes))), \(ProgressLine.bytes(Int(rate)))/s, ETA \(eta / 60)m\(eta % 60)s")
        }
        display.clear()
        if let metricsFile, !dryRun {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            do {
                try summary.writeMetrics(to: metricsFile, finishedAt: Date(), durationSeconds: seconds)
            } catch {
                throw UserError("cannot write the metrics file \(metricsFile): \(error)")
            }
        }
        if json {
            try Output.json(summary)
        } else if dryRun {
            summary.planned.forEach { print("would fetch \($0)") }
            print("\(summary.planned.count) clips to fetch, \(summary.skipped) already archived")
        } else {
            let seconds = (ContinuousClock.now - started).components.seconds
            print("\(summary.archived) archived, \(summary.skipped) already there, \(summary.failures.count) failed; "
                + "\(ProgressLine.bytes(Int(summary.bytes))) in \(seconds) s")
        }
        if !summary.failures.isEmpty { throw ExitCode(ExitStatus.Code.partialFailure.rawValue) }
    }
}
