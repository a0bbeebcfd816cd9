import ArgumentParser
import Foundation
import IvySandbox
import Logging

struct SandboxCommand: HandlesItsOwnSignals {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Run the sandbox cloud: the same API, with a demo account and real HLS media.",
        discussion: """
            It prints the environment to point the other commands at it. Exit 2 when it cannot listen.

            Examples:
              ivy-archiver sandbox --port 0
              ivy-archiver sandbox --days 7 --latency-ms 40 --bandwidth 4000000 \\
                  --media-fault gap
              ivy-archiver sandbox --scenario scale --latency-ms 40 --bandwidth 4000000 --max-concurrent 12
              ivy-archiver sandbox --cameras 10 --days 365 --events-per-day 14 --chunks-per-day 0
              ivy-archiver sandbox --accounts 40 --cameras 4 --port 0

            With --accounts N, account 1 is demo@example.com and account K is demoK@example.com (demo2@example.com ... \
            demoN@example.com), all with the password sandbox-password; each has its own cameras (--cameras of them, under \
            MACs of its own), recordings (from a seed of its own, derived from --seed and K) and tokens, and sees no other \
            account's.

            GET /sandbox/stats answers the counters as JSON (requests by service and kind, statuses, 429s, the peak of \
            concurrent media requests, media bytes sent, and under "accounts", per username: logins, calls, record.play \
            and segment requests per clip); POST /sandbox/stats/reset answers them and starts over. GET /sandbox/accounts \
            lists each account's cameras and the clips it lists now (as MAC/start, the key of the per-clip counters).
            """)

    @Option(name: .long, parsing: .unconditional, help: "Port to listen on (0 picks a free one).", transform: NumberOption.whole(0...65535)) var port = 8080
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Seed for the account's recordings.") var seed: UInt64 = 1
    @Option(name: .long, parsing: .unconditional,
            help: "Accounts to serve (1-1000): demo@example.com, then demo2@example.com ... each with its own cameras and recordings.",
            transform: NumberOption.whole(1...1000)) var accounts = 1
    @Option(name: .long, help: ArgumentHelp("The account: demo (five cameras, one per media profile, or --cameras of them, shaped by --days, "
                + "--chunk-seconds, --chunks-per-day, --events-per-day and --anchor) or scale (the scale benchmarks' cloud: two H.264 cameras, "
                + "30 minutes of continuous recording in 10-minute clips and 30 motion clips of 10-60 s, 1 MB segments; about 0.7 GB).",
                valueName: "demo|scale"))
    var scenario = Scenario.demo
    @Option(name: .customLong("scale-clips"), parsing: .unconditional, help: "With --scenario scale: this many times the clips (10: 30 continuous and 300 motion clips).",
            transform: NumberOption.decimal(above: 0, atMost: 100)) var scaleClips: Double?
    @Option(name: .customLong("scale-length"), parsing: .unconditional, help: "With --scenario scale: clips this many times as long (10: 100-minute continuous clips).",
            transform: NumberOption.decimal(above: 0, atMost: 100)) var scaleLength: Double?
    @Option(name: .long, parsing: .unconditional, help: "Cameras on the account (1-100; the first five have one media profile each, more repeat them).",
            transform: NumberOption.whole(1...100)) var cameras = 5
    @Option(name: .long, parsing: .unconditional, help: "Days of recordings per camera (1-3660).", transform: NumberOption.whole(1...3660)) var days = 2
    @Option(name: .customLong("events-per-day"), parsing: .unconditional, help: "Motion clips of 20-60 s per camera and day.",
            transform: NumberOption.whole(0...1440)) var eventsPerDay = 3
    @Option(name: .long, parsing: .unconditional,
            help: "End of the most recent day of recordings, Unix seconds (default: the last hour boundary before now); fixed, another run lists the same clips.",
            transform: { Int64(try NumberOption.whole(946_684_800...4_102_444_800)($0)) }) var anchor: Int64?
    @Option(name: .customLong("chunk-seconds"), parsing: .unconditional, help: "Length of continuous chunks (a multiple of 4).",
            transform: { Int64(try NumberOption.whole(4...14_400)($0)) }) var chunkSeconds: Int64 = 600
    @Option(name: .customLong("chunks-per-day"), parsing: .unconditional, help: "Abutting continuous chunks per camera and day.",
            transform: NumberOption.whole(0...3600)) var chunksPerDay = 1
    @Option(name: .customLong("latency-ms"), parsing: .unconditional, help: "Latency added to every answer, in milliseconds.",
            transform: NumberOption.whole(0...60_000)) var latencyMilliseconds = 0
    @Option(name: .customLong("bandwidth"), parsing: .unconditional, help: "Bytes per second per media response.",
            transform: NumberOption.whole(1000...Int(Int32.max))) var bandwidth: Int?
    @Option(name: .customLong("bandwidth-total"), parsing: .unconditional, help: "Bytes per second for all media responses together.",
            transform: NumberOption.whole(1000...Int(Int32.max))) var bandwidthTotal: Int?
    @Option(name: .customLong("max-concurrent"), parsing: .unconditional,
            help: "Answer 429 (no Retry-After) to a media request arriving while this many are being answered.",
            transform: NumberOption.whole(1...10_000)) var maxConcurrent: Int?
    @Option(name: .customLong("segment-bytes"), parsing: .unconditional,
            help: "Pad MPEG-TS segments to about this many bytes with null packets (default 1000000 with --scenario scale; none otherwise).",
            transform: NumberOption.whole(0...(64 << 20))) var segmentBytes: Int?
    @Option(name: .customLong("failure-rate"), parsing: .unconditional, help: "Share of media requests answered 503 (0-1).",
            transform: NumberOption.decimal(above: 0, including: true, atMost: 1)) var failureRate = 0.0
    @Option(name: .customLong("media-fault"),
            help: ArgumentHelp("Messy media or serving, as in the field; repeatable. repeated-audio-timestamp, silent-audio and "
                + "mid-gop-start change MPEG-TS cameras only; restart-at-discontinuity only cameras whose clips have a discontinuity "
                + "(none in the demo account).", valueName: MediaFault.allValueStrings.joined(separator: "|")))
    var mediaFaults: [MediaFault] = []
    @Option(name: .customLong("log-level"), help: "Log level of the server: trace, debug, info, notice, warning, error, critical.",
            transform: LogLevel.parse)
    var logLevel: Logger.Level = .warning

    enum Scenario: String, CaseIterable, ExpressibleByArgument {
        case demo, scale
    }

    /// `MediaFaults` by name: what a user can turn on to see how the tool copes.
    enum MediaFault: String, CaseIterable, ExpressibleByArgument {
        case repeatedAudioTimestamp = "repeated-audio-timestamp"
        case restartAtDiscontinuity = "restart-at-discontinuity"
        case silentAudio = "silent-audio"
        case midGOPStart = "mid-gop-start"
        case html200 = "html-200"
        case gzip
        case redirect
        case gap

        func apply(to faults: inout MediaFaults) {
            switch self {
            case .repeatedAudioTimestamp: faults.repeatedAudioTimestamp = true
            case .restartAtDiscontinuity: faults.restartAtDiscontinuity = true
            case .silentAudio: faults.silentSegments = [2, 3, 4]
            case .midGOPStart: faults.midGOPStart = true
            case .html200: faults.htmlOnceRate = 0.2
            case .gzip: faults.gzip = true
            case .redirect: faults.redirect = true
            case .gap: faults.gapSegments = [2]
            }
        }
    }

    /// Clips a sandbox may list in all: 2,000,000 are 48 MB of recordings.
    static let maximumClips = 2_000_000

    func validate() throws {
        if scenario != .scale, scaleClips != nil || scaleLength != nil {
            throw ValidationError("--scale-clips and --scale-length shape --scenario scale only")
        }
        if scenario == .scale, accounts > 1 { throw ValidationError("--accounts serves the demo scenario only") }
        do {
            try scale?.check()
        } catch {
            throw ValidationError("--scenario scale: \(error)")
        }
        guard chunkSeconds >= 4, chunkSeconds % 4 == 0 else { throw ValidationError("--chunk-seconds must be a positive multiple of 4") }
        guard chunksPerDay >= 0, Int64(chunksPerDay) * chunkSeconds <= 4 * 3600 else {
            throw ValidationError("--chunks-per-day x --chunk-seconds must stay within 4 hours a day")
        }
        // Every clip is kept in memory (24 bytes each): a bound keeps the sandbox's memory sane.
        guard accounts * cameras * days * (chunksPerDay + eventsPerDay) <= Self.maximumClips else {
            throw ValidationError("--accounts x --cameras x --days x (--chunks-per-day + --events-per-day) must stay within \(Self.maximumClips) clips")
        }
    }

    /// The scale scenario the options ask for, if they ask for one.
    private var scale: ScaleScenario? {
        guard scenario == .scale else { return nil }
        return ScaleScenario().withClips(times: scaleClips ?? 1).withLength(times: scaleLength ?? 1)
    }

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.seed = seed
        let fleet = SandboxAccount.fleet(accounts, cameras: cameras, days: days, continuousChunksPerDay: chunksPerDay,
                                         eventsPerDay: eventsPerDay, chunkSeconds: chunkSeconds)
        configuration.account = fleet[0]
        configuration.additionalAccounts = Array(fleet.dropFirst())
        configuration.anchor = anchor
        try scale?.apply(to: &configuration)
        if let segmentBytes { configuration.segmentBytes = segmentBytes }
        configuration.faults.latency = .milliseconds(latencyMilliseconds)
        configuration.faults.bandwidthPerConnection = bandwidth
        configuration.faults.bandwidthTotal = bandwidthTotal
        configuration.faults.concurrencyLimit = maxConcurrent
        configuration.faults.failureRate = failureRate
        for fault in mediaFaults { fault.apply(to: &configuration.faults.media) }
        var logger = Logger(label: "ivy.sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        let cloud = try SandboxCloud(configuration: configuration, logger: logger)
        let account = configuration.account
        let host = host
        let oemCode = configuration.oemCode, delKey = configuration.delKey
        let macs = cloud.deviceMACs().flatMap(\.macs)
        let clips = macs.map { cloud.recordings(mac: $0) }
        let segments = clips.joined().reduce(0) { $0 + ($1.end - $1.start) / 4 }  // 4 s segments
        let owners = configuration.accounts.count == 1 ? "" : "\(configuration.accounts.count) accounts, "
        let contents = owners + "\(macs.count) cameras, \(clips.joined().count) clips, \(segments) segments"
            + (configuration.segmentBytes.map { " of about \($0) bytes" } ?? "")
        // The usernames a fleet's config names, said once so that nobody guesses them.
        let others = configuration.additionalAccounts.map(\.username)
        let fleetLine = others.first.map { first in
            let names = others.count == 1 ? first : "\(first) ... \(others[others.count - 1])"
            return "  (the other accounts: \(names), the same password)\n"
        } ?? ""
        try await SandboxServer.run(cloud: cloud, host: host, port: port, logger: logger) { bound in
            let base = "http://\(host):\(bound)"
            let banner = """
                Sandbox cloud listening on \(base)
                Serving \(contents).
                Use it with:
                  export IVY_API_URL=\(base) IVY_OEM_CODE=\(oemCode)
                  export IVY_USERNAME=\(account.username) IVY_PASSWORD=\(account.password)
                \(fleetLine)  export IVY_DEL_KEY=\(delKey)
                Stop it with Ctrl-C.

                """
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
    }
}
