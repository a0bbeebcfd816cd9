import ArgumentParser
import Foundation
import IvyArchive
import IvyBenchFixtures
import IvySandbox

/// `ivy-bench-fixtures`: the synthetic archive of bench (e), for `scripts/bench/e-noop-rerun.sh`.
/// Not shipped: `scripts/package.sh` builds the `ivy-archiver` product alone.
@main
struct BenchFixturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivy-bench-fixtures",
        abstract: "Make an archive that holds every clip a sandbox with the same options lists, without fetching one.",
        discussion: """
            The options are those of `ivy-archiver sandbox` that choose the clips; --anchor is required, and the \
            sandbox must be started with the same. The files are placeholders, not media.

            Example:
              anchor=$(( $(date +%s) / 3600 * 3600 ))
              ivy-bench-fixtures --archive /tmp/year --cameras 10 --days 365 --events-per-day 14 --chunks-per-day 0 --anchor $anchor
              ivy-archiver sandbox --port 0 --cameras 10 --days 365 --events-per-day 14 --chunks-per-day 0 --anchor $anchor
            """)

    @Option(help: "The archive folder to make.") var archive: String
    @Option(help: "Seed for the account's recordings.") var seed: UInt64 = 1
    @Option(help: "Cameras on the account.") var cameras = 5
    @Option(help: "Days of recordings per camera.") var days = 2
    @Option(name: .customLong("events-per-day"), help: "Motion clips per camera and day.") var eventsPerDay = 3
    @Option(name: .customLong("chunks-per-day"), help: "Abutting continuous chunks per camera and day.") var chunksPerDay = 1
    @Option(name: .customLong("chunk-seconds"), help: "Length of continuous chunks.") var chunkSeconds: Int64 = 600
    @Option(help: "End of the most recent day of recordings, Unix seconds (the sandbox's --anchor).") var anchor: Int64
    @Option(help: "Time zone of the archive's days (the backup's --timezone / IVY_TIMEZONE).") var timezone = "UTC"
    @Option(name: .customLong("walked-until"), help: "End of the recorded complete walk, Unix seconds (default: now).") var walkedUntil: Int64?
    @Flag(name: .customLong("no-thumbnails"), help: "Leave out the placeholder thumbnails.") var noThumbnails = false

    func run() async throws {
        guard let zone = TimeZone(identifier: timezone) else { throw ValidationError("no time zone '\(timezone)'") }
        var sandbox = SandboxConfiguration()
        sandbox.seed = seed
        sandbox.account = .demo(cameras: cameras, days: days, continuousChunksPerDay: chunksPerDay, eventsPerDay: eventsPerDay, chunkSeconds: chunkSeconds)
        sandbox.anchor = anchor
        var options = SyntheticArchive.Options(archive: archive, sandbox: sandbox, timeZone: zone, layout: try ArchiveLayout(),
                                               walkedUntil: walkedUntil ?? Int64(Date().timeIntervalSince1970))
        options.thumbnails = !noThumbnails
        let started = ContinuousClock.now
        let report = try await SyntheticArchive.build(options)
        let seconds = (ContinuousClock.now - started).components
        let elapsed = Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18
        print("made \(archive): \(report.clips) clips of \(report.cameras) cameras in \(String(format: "%.1f", elapsed)) s")
    }
}
