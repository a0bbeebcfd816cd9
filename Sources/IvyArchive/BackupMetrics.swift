public import Foundation
import IvyDomain

/// What one backup run reports to monitoring, in Prometheus' text format for node_exporter's
/// textfile collector. Written on every exit (a wrong password, a full disk, an unavailable
/// cloud, Ctrl-C), so that a bad night never leaves the last good night's figures showing.
/// Written to a temporary file and renamed, so the collector never reads half a file.
public struct BackupMetrics: Sendable {
    /// The `account` label: the account's e-mail or openId.
    public var account: String
    public var finishedAt: Date
    public var durationSeconds: Double
    /// The process's exit code (0 ok, 1 partial, 2 configuration, 3 cloud unavailable, 130 interrupted).
    public var exitCode: Int32
    /// When a run last ended with exit 0: now for this one, else carried over from the last file.
    public var lastSuccess: Date?
    /// `nil` when the run stopped before it had one (nothing is counted then, not even zeros).
    public var summary: Backup.Summary?
    /// With a destination: what was copied there after the clips.
    public var shipping: Shipping?

    /// Clips copied to a remote destination after the run, and those that failed to be.
    public struct Shipping: Sendable {
        public var shipped: Int
        public var failed: Int
        public var bytes: Int64

        public init(shipped: Int, failed: Int, bytes: Int64) {
            self.shipped = shipped
            self.failed = failed
            self.bytes = bytes
        }
    }

    public init(account: String, finishedAt: Date, durationSeconds: Double, exitCode: Int32, lastSuccess: Date?, summary: Backup.Summary?) {
        self.account = account
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.exitCode = exitCode
        self.lastSuccess = exitCode == 0 ? finishedAt : lastSuccess
        self.summary = summary
    }

    static let lastSuccessName = "ivy_archiver_last_success_timestamp_seconds"

    /// The last success of `account` (any, when `nil`) recorded in an earlier metrics file
    /// at `path`, if any.
    public static func lastSuccess(inFileAt path: String, account: String? = nil) -> Date? {
        samples(of: lastSuccessName, inFileAt: path).first { account == nil || $0.account == account }
            .flatMap { $0.value > 0 ? Date(timeIntervalSince1970: $0.value) : nil }
    }

    /// The account label of an earlier metrics file at `path`: what a run that could not read
    /// its configuration reports under, so that its series stays the same one.
    public static func account(inFileAt path: String) -> String? {
        accounts(inFileAt: path).first
    }

    /// Every account of an earlier metrics file at `path`, in its order.
    public static func accounts(inFileAt path: String) -> [String] {
        samples(of: "ivy_archiver_last_run_timestamp_seconds", inFileAt: path).map(\.account)
    }

    /// The samples of `name` labelled with an account alone.
    private static func samples(of name: String, inFileAt path: String) -> [(account: String, value: Double)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let prefix = name + "{account=\""
        return text.split(separator: "\n").compactMap { line in
            // The account label and nothing else: `name{account="..."} value`.
            guard line.hasPrefix(prefix), let account = account(of: line), let space = line.lastIndex(of: " "),
                  line[..<space] == prefix + escape(account) + "\"}", let number = Double(line[line.index(after: space)...]) else { return nil }
            return (account, number)
        }
    }

    /// Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then samples; label values
    /// escaped (`\\`, `\"`, `\n`).
    public func prometheusText() -> String {
        Self.prometheusText([self])
    }

    /// Several accounts' runs in one file: each metric once, with a sample per account.
    public static func prometheusText(_ runs: [BackupMetrics]) -> String {
        var families: [Family] = []
        for run in runs {
            for family in run.families() {
                if let index = families.firstIndex(where: { $0.name == family.name }) {
                    families[index].samples += family.samples
                } else {
                    families.append(family)
                }
            }
        }
        return families.flatMap { family in
            ["# HELP \(family.name) \(family.help)", "# TYPE \(family.name) gauge"] + family.samples.map { "\(family.name){\($0.labels)} \($0.value)" }
        }.joined(separator: "\n") + "\n"
    }

    /// One metric and its samples.
    struct Family {
        var name: String
        var help: String
        var samples: [(labels: String, value: String)]
    }

    private func families() -> [Family] {
        var families: [Family] = []
        let account = "account=\"\(Self.escape(self.account))\""
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            families.append(Family(name: name, help: help, samples: samples))
        }
        gauge("ivy_archiver_last_run_timestamp_seconds", "When the last backup ended (unix time), whatever its outcome.",
              [(account, "\(Int64(finishedAt.timeIntervalSince1970))")])
        // 0 until a run succeeds: an alert on its age fires for an installation that never did.
        gauge(Self.lastSuccessName, "When a backup last ended with exit code 0 (unix time; 0: never).",
              [(account, "\(Int64(lastSuccess?.timeIntervalSince1970 ?? 0))")])
        gauge("ivy_archiver_exit_code", "The last backup's exit code: 0 ok, 1 partial, 2 configuration or authentication, 3 cloud unavailable, 130 interrupted.",
              [(account, "\(exitCode)")])
        gauge("ivy_archiver_duration_seconds", "How long the last backup took.", [(account, String(format: "%.3f", durationSeconds))])
        guard let summary else { return families }

        let tallies = CameraTally.of(summary)
        func perCamera(_ name: String, _ help: String, total: Int, _ value: (CameraTally) -> Int) {
            let samples = [(account, "\(total)")] + tallies.map { tally in
                ("\(account),camera=\"\(Self.escape(tally.name))\",mac=\"\(tally.id.mac)\"", "\(value(tally))")
            }
            gauge(name, help + " Without camera labels: all cameras.", samples)
        }
        perCamera("ivy_archiver_clips_archived", "Clips archived by the last backup.", total: summary.archived) { $0.archived }
        perCamera("ivy_archiver_clips_skipped", "Clips the last backup found already archived.", total: summary.skipped) { $0.skipped }
        perCamera("ivy_archiver_clips_failed", "Clips (or listings) the last backup could not archive.", total: summary.failures.count) { $0.failed }
        perCamera("ivy_archiver_clips_partial", "Clips the last backup archived with holes (segments the cloud did not give).",
                  total: summary.partial.count) { $0.partial }
        perCamera("ivy_archiver_clips_expiring", "Missing clips the cloud deletes within a day, or has deleted.", total: summary.warnings.count) { $0.expiring }
        gauge("ivy_archiver_clips_unfinished", "Clips the last backup left for the next run when its deadline came.", [(account, "\(summary.unfinished)")])
        gauge("ivy_archiver_clips_pruned", "Archived clips the last backup deleted (keep_days).", [(account, "\(summary.pruned)")])
        gauge("ivy_archiver_bytes_archived", "Bytes written by the last backup.", [(account, "\(summary.bytes)")])
        if let shipping {
            gauge("ivy_archiver_clips_shipped", "Clips the last backup copied to its destination and checked there.", [(account, "\(shipping.shipped)")])
            gauge("ivy_archiver_clips_ship_failed", "Clips the last backup could not copy to its destination (shipped by the next run).",
                  [(account, "\(shipping.failed)")])
            gauge("ivy_archiver_bytes_shipped", "Bytes the last backup copied to its destination.", [(account, "\(shipping.bytes)")])
        }
        return families
    }

    /// Writes the file atomically (a temporary file beside it, fsynced, renamed).
    ///
    /// - Throws: the file system's error.
    public func write(to path: String) async throws {
        try await Self.write([self], to: path)
    }

    /// Writes several accounts' runs in one file, atomically. The series of accounts an
    /// earlier file at `path` has and `runs` has not (accounts not run this time: another
    /// `--account`, an interrupted run) are kept as they were, so that their last success
    /// stays and an alert on its age still fires.
    ///
    /// - Throws: the file system's error.
    public static func write(_ runs: [BackupMetrics], to path: String) async throws {
        var text = prometheusText(runs)
        if let earlier = try? String(contentsOfFile: path, encoding: .utf8) {
            text = merging(earlier, into: text, except: Set(runs.map(\.account)))
        }
        let temporary = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        try await FileSync.rename(temporary, to: path)
    }

    /// `text` with the samples of `earlier` whose account is not in `accounts`, each under its
    /// metric (its `# HELP` and `# TYPE` from `earlier` when `text` has none).
    static func merging(_ earlier: String, into text: String, except accounts: Set<String>) -> String {
        var order: [String] = []
        var headers: [String: [String]] = [:]
        var samples: [String: [String]] = [:]
        func read(_ text: String, keep: (Substring) -> Bool) {
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                    let name = String(line.split(separator: " ")[2])
                    if headers[name] == nil { order.append(name) }
                    if (headers[name]?.count ?? 0) < 2 { headers[name, default: []].append(String(line)) }
                } else if let brace = line.firstIndex(where: { $0 == "{" || $0 == " " }), keep(line) {
                    let name = String(line[..<brace])
                    if headers[name] == nil, samples[name] == nil { order.append(name) }
                    samples[name, default: []].append(String(line))
                }
            }
        }
        read(text) { _ in true }
        read(earlier) { line in
            guard let owner = Self.account(of: line) else { return false }
            return !accounts.contains(owner)
        }
        // A metric in both: its header once (the first two lines, from `text`).
        // A metric left with no sample (an earlier run's, of accounts run now) goes with its header.
        return order.filter { samples[$0] != nil }.flatMap { name in (headers[name] ?? []) + samples[name]! }.joined(separator: "\n") + "\n"
    }

    /// The `account` label of one sample line.
    private static func account(of line: Substring) -> String? {
        guard let start = line.range(of: "{account=\"") else { return nil }
        var value = "", escaped = false
        for character in line[start.upperBound...] {
            if escaped {
                value.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return value
            } else {
                value.append(character)
            }
        }
        return nil
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// One camera's counts in a run.
    struct CameraTally {
        var id: CameraID
        var name: String
        var archived = 0, skipped = 0, failed = 0, partial = 0, expiring = 0

        static func of(_ summary: Backup.Summary) -> [CameraTally] {
            var tallies = summary.cameras.map { CameraTally(id: $0.device, name: $0.name, skipped: $0.skipped) }
            func update(_ camera: CameraID?, _ change: (inout CameraTally) -> Void) {
                guard let camera, let index = tallies.firstIndex(where: { $0.id == camera }) else { return }
                change(&tallies[index])
            }
            summary.archivedClips.forEach { clip in update(clip.device) { $0.archived += 1 } }
            summary.failures.forEach { failure in update(failure.device) { $0.failed += 1 } }
            summary.partial.forEach { clip in update(clip.device) { $0.partial += 1 } }
            summary.warnings.forEach { warning in update(warning.device) { $0.expiring += 1 } }
            return tallies
        }
    }
}
