import ArgumentParser
import Foundation
import IvyArchive
import IvyDomain
import IvyHTTP
import IvyHLS
import Synchronization

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Join one camera's recordings over a time window into one MP4, with a sidecar to check it by.",
        discussion: """
            Date-times are YYYY-MM-DD HH:MM[:SS] or ISO 8601 (2026-11-25T14:03:00, with Z or +01:00), in the \
            camera's time zone unless they carry an offset. Clips come from the archive where they are there and \
            match their checksum, from the cloud otherwise. Gaps are cut out; each clip starts a chapter. By \
            default cuts fall on keyframes, so the file holds at least the window; --exact re-encodes the frames from \
            the start to the next keyframe and cuts the end on the frame. Each event (motion, sound, ...) in the window \
            is a chapter too. FILE.mp4.json records what the file holds, a summary first; --sign-key KEY.pem signs it \
            (Ed25519, FILE.mp4.json.sig); --check FILE.mp4 verifies a file against it, with --public-key PUB.pem its \
            signature too, with --archive the source clips in the archive. Exit 2 for a request that cannot be met \
            (nothing is written; also a missing or damaged key file), 1 when something failed or a check found a \
            difference, 3 when the cloud cannot be reached and no archive can stand in, 130 when interrupted.

            Examples:
              ivy-archiver export --device "Front Door" \\
                  --from "2026-11-25 14:00" --to "2026-11-25 14:30" -o incident.mp4
              ivy-archiver export --device Garage --exact -o car.mp4 \\
                  --from 2026-11-25T14:03:00+01:00 --to 2026-11-25T14:05:00+01:00
              ivy-archiver export --make-key export-key.pem
              ivy-archiver export --device "Front Door" --sign-key export-key.pem \\
                  --from "2026-11-25 14:00" --to "2026-11-25 14:30" -o incident.mp4
              ivy-archiver export --check incident.mp4 --public-key export-key.pub.pem
            """)

    @Option(name: .long, help: "The camera: its MAC or its name.") var device: String?
    @Option(name: .long, help: "Start of the window.", transform: ExportTime.parse) var from: ExportTime?
    @Option(name: .long, help: "End of the window.", transform: ExportTime.parse) var to: ExportTime?
    @Option(name: [.short, .long], help: "The MP4 to write.") var output: String?
    @Flag(name: .long, help: "Start and end on the requested instants (re-encodes only the partial GOP at the start).") var exact = false
    @Flag(name: .long, help: "Also archive the window's clips (needs the archive).") var save = false
    @Flag(name: .long, help: "Replace an existing output.") var force = false
    @Option(name: .long, help: "The archive to read clips from ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @Option(name: .customLong("max-hours"), parsing: .unconditional, help: "The longest window allowed, in hours (export_max_hours in the config; default 24).",
            transform: NumberOption.decimal(above: 0, atMost: 24 * 366)) var maxHours: Double?
    @Option(name: .customLong("jobs"), parsing: .unconditional, help: "Clips fetched from the cloud at once, at most; each starts when the link has room for it (1-16; default 8).",
            transform: NumberOption.whole(1...16)) var jobs = 8
    @Option(name: .customLong("max-rate"), parsing: .unconditional, help: "Download cap for all connections together, bytes per second: 2M, 500K (1024-based; max_rate in the config).",
            transform: Rate.parse) var maxRate: Int?
    @Option(name: .customLong("check"), help: "Verify FILE.mp4 against its sidecar FILE.mp4.json instead.") var check: String?
    @Option(name: .customLong("sign-key"), help: "Sign the sidecar with this Ed25519 private key (PEM, PKCS#8: openssl genpkey -algorithm ed25519).")
    var signKey: String?
    @Option(name: .customLong("public-key"), help: "With --check: verify the sidecar's signature with this Ed25519 public key (PEM).")
    var publicKey: String?
    @Option(name: .customLong("make-key"), help: "Write a new Ed25519 key pair: FILE (private, mode 600) and its public key beside it (KEY.pub.pem).")
    var makeKey: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func validate() throws {
        if makeKey != nil {
            guard check == nil, device == nil, from == nil, to == nil, output == nil, !exact, !save, !force, signKey == nil, publicKey == nil, archive == nil else {
                throw ValidationError("--make-key takes only the key file to write")
            }
            return
        }
        if check != nil {
            guard device == nil, from == nil, to == nil, output == nil, !exact, !save, !force, signKey == nil else {
                throw ValidationError("--check takes only the exported file, --public-key and --archive")
            }
            return
        }
        if publicKey != nil { throw ValidationError("--public-key goes with --check (an export is signed with --sign-key)") }
        guard device != nil, from != nil, to != nil, output != nil else {
            throw ValidationError("export needs --device, --from, --to and --output (or --check FILE.mp4)")
        }
    }

    func run() async throws {
        if let makeKey { return try Self.makeKeys(makeKey) }
        if let check { return try await verify(check) }
        guard let device, let from, let to, let output else { return }
        // A missing or damaged key stops the export before anything is fetched.
        let signingKey = try signKey.map { path in
            let loaded = try ExportSigningKey.load(path)
            if let warning = loaded.warning { Output.warning(warning) }
            return loaded.key
        }
        let session = try await global.makeSession(maxRate: maxRate)
        let hours = maxHours ?? session.settings.exportMaxHours ?? 24
        guard hours > 0 else { throw UserError("--max-hours must be more than 0") }
        var request = Export.Request(device: device, from: from, to: to, output: output)
        request.exact = exact
        request.force = force
        request.save = save
        request.maxWindow = Int64(hours * 3600)
        request.archive = archive ?? session.settings.archive
        request.layout = try ArchiveLayout(template: session.settings.pathTemplate ?? ArchiveLayout.defaultTemplate)
        request.timeZone = session.settings.timeZone
        request.deviceTimeZones = session.settings.deviceTimeZones
        request.jobs = jobs
        request.tool = BuildInfo.line
        request.signingKey = signingKey

        let json = session.settings.json
        let display = ProgressLine(enabled: !json && !global.quiet && isatty(STDERR_FILENO) == 1)
        let tally = Mutex((clips: 0, fetch: 0, fetched: 0, joining: false))
        let transport = session.transport, baseline = transport.receivedBytes, started = ContinuousClock.now
        display.start {
            let now = tally.withLock { $0 }
            guard now.clips > 0 else { return "listing the camera's clips" }
            if now.joining { return "joining \(now.clips) clips" }
            let bytes = transport.receivedBytes - baseline
            let elapsed = ContinuousClock.now - started
            let rate = Double(bytes) / max(0.001, elapsed.inSeconds)
            return "\(now.clips) clips, fetched \(now.fetched)/\(now.fetch) from the cloud, \(ProgressLine.bytes(Int(bytes))), \(ProgressLine.bytes(Int(rate)))/s"
        }
        defer { display.clear() }
        let export = Export(client: session.client, transport: session.transport, limiter: DownloadLimiter(.adaptive(upTo: 32)),
                            policy: session.settings.downloadPolicy, logger: session.logger)
        // What --save archived: the archive's pages are brought up to date as after a backup,
        // whether the export itself then succeeds or fails (not when interrupted: like an
        // interrupted backup, it stops at once).
        let saved = Mutex<Backup.Options?>(nil)
        let record: ExportRecord
        do {
            record = try await export.run(request) { event in
                switch event {
                case .saved(let archived, let options):
                    if archived > 0 { saved.withLock { $0 = options } }
                case .planned(let clips, let fromArchive):
                    tally.withLock { $0 = (clips, clips - fromArchive, 0, false) }
                case .fetched:
                    tally.withLock { $0.fetched += 1 }
                case .joining:
                    tally.withLock { $0.joining = true }
                }
                display.refresh()
            }
        } catch {
            display.clear()
            if !(error is CancellationError) { await Self.refreshPages(saved.withLock { $0 }, quiet: global.quiet || json) }
            throw error
        }
        display.clear()
        await Self.refreshPages(saved.withLock { $0 }, quiet: global.quiet || json)
        // The sidecar's own bytes, in its reading order.
        if json { return print(String(decoding: try record.encoded(), as: UTF8.self), terminator: "") }
        let joined = record.clips.count { $0.used != nil }, fromArchive = record.clips.count { $0.source == .archive }
        print("exported \(record.output.file): \(HumanReadable.duration(record.output.duration)) from \(joined) clip\(joined == 1 ? "" : "s") "
            + "(\(fromArchive) from the archive, \(joined - fromArchive) from the cloud), \(record.gaps.count) gap\(record.gaps.count == 1 ? "" : "s") cut out")
        print("actual window \(record.actual.from.time) to \(record.actual.to.time) (\(record.mode.rawValue))")
        // Each hash beside the file it is of: the MP4's is also inside the record.
        let sidecar = ExportRecord.sidecarPath(for: output)
        print("file: \(output) (SHA-256 \(record.output.sha256))")
        print("record: \(sidecar) (SHA-256 \(try await FileDigest.sha256(path: sidecar)))")
        if let signingKey {
            print("signed: \(ExportSignature.signaturePath(for: ExportRecord.sidecarPath(for: output))) (public key \(signingKey.publicKey.fingerprint))")
        }
        record.summary.events.forEach { print("EVENT \($0)") }
        record.summary.partialClips.forEach { print("PARTIAL \($0)") }
        record.notes?.forEach { print("NOTE \($0)") }
    }

    /// After a `--save` that archived clips (`options`: how it ran; `nil`: nothing archived).
    static func refreshPages(_ options: Backup.Options?, quiet: Bool) async {
        guard let options else { return }
        await ArchivePagesRefresh.afterBackup(archive: options.archive, options: options, quiet: quiet)
    }

    /// `--make-key FILE`: a new key pair, the private key readable by its owner only. An
    /// existing file is never replaced (a lost key cannot be made again).
    static func makeKeys(_ path: String) throws {
        let publicPath = ExportKeyFiles.publicPath(for: path)
        try ExportKeyFiles.write(ExportSigningKey.generate(), to: path, publicKeyTo: publicPath)
        print("private key: \(path) (keep it; sign with --sign-key \(path))")
        print("public key: \(publicPath) (give it to whoever checks: --check FILE.mp4 --public-key \(publicPath))")
    }

}

/// A check that ran and found a difference: exit 1, with the reason on stderr.
struct CheckFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
