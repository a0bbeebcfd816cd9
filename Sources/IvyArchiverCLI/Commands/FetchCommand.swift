import ArgumentParser
import Foundation
import IvyArchive
import IvyHLS
import IvyHTTP
import Logging

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Download one HLS recording (any VOD playlist URL) into an MP4.",
        discussion: "Video is copied, never re-encoded; audio MP4 cannot hold (G.711, PCM) becomes AAC.\n\nExamples:\n  ivy-archiver fetch 'https://cdn.example.com/rec/index.m3u8' -o clip.mp4\n  ivy-archiver fetch URL -o clip.mp4 --jobs 4 --keep-partial")

    @Argument(help: "The playlist URL (http or https).") var url: String
    @Option(name: .shortAndLong, help: "The MP4 to write.") var output: String
    @Option(name: .long, parsing: .unconditional, help: "Segments downloaded at once (1-64; default 8).", transform: NumberOption.whole(1...64)) var jobs = 8
    @Option(name: .customLong("max-rate"), parsing: .unconditional, help: "Download cap for all connections together, bytes per second (2M, 500K; 1024-based).",
            transform: Rate.parse) var maxRate: Int?
    @Flag(name: .long, help: "Replace the output if it exists.") var force = false
    @Flag(name: .customLong("keep-partial"),
          help: "Keep what arrived when a segment stays unavailable after its retries (exit 1, the holes named on stderr); by default the clip fails and no file is written.")
    var keepPartial = false
    @Option(name: .customLong("allow-media-host"), help: "A host segments, keys and init sections may come from besides the playlist's own (repeatable).")
    var allowMediaHost: [String] = []
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (default warning).", transform: LogLevel.parse)
    var logLevel: Logger.Level?

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("the URL must start with http:// or https://") }
    }

    func run() async throws {
        try OutputFile.check(output, force: force)
        let logger = try GlobalOptions.makeLogger(level: logLevel)
        var transportConfiguration = CurlTransport.Configuration()
        if let maxRate { transportConfiguration.limitRate(to: maxRate) }
        var policy = HLSDownloader.Policy()
        policy.keepsPartial = keepPartial
        policy.allowedMediaHosts = allowMediaHost
        let fetcher = ClipFetcher(transport: CurlTransport(configuration: transportConfiguration, logger: logger),
                                  limiter: DownloadLimiter(limit: jobs), policy: policy, logger: logger)
        let display = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
        let started = ContinuousClock.now
        let result = try await fetcher.fetch(url: url, to: output, progress: { progress in
            display.show("\(progress.segmentsDone)/\(progress.segmentsTotal) segments, "
                + "\(Int(progress.mediaSecondsDone))/\(Int(progress.mediaSecondsTotal)) s, \(ProgressLine.bytes(progress.bytes))")
        })
        display.clear()
        let elapsed = ContinuousClock.now - started
        print("\(result.path): \(String(format: "%.1f", result.duration)) s of \([result.video, result.audio].compactMap { $0 }.joined(separator: " + ")), "
            + "\(ProgressLine.bytes(result.bytes)), \(result.segments) segments in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        for gap in result.holes where !gap.isUnavailable { print("  \(gap)") }
        let missing = result.holes.filter(\.isUnavailable)
        if !missing.isEmpty {
            throw PartialClip("\(result.path) is partial: " + missing.map(\.description).joined(separator: "; "))
        }
    }
}
