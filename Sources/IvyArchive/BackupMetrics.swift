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

    public init(account: String, finishedAt: Date, durationSeconds: Double, exitCode: Int32, lastSuccess: Date?, summary: Backup.Summary?) {
        self.account = account
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.exitCode = exitCode
        self.lastSuccess = exitCode == 0 ? finishedAt : lastSuccess
        self.summary = summary
    }

    static let lastSuccessName = "ivy_archiver_last_success_timestamp_seconds"

    /// The last success recorded in an earlier metrics file at `path`, if any.
    public static func lastSuccess(inFileAt path: String) -> Date? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(lastSuccessName) {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }), value > 0 else { continue }
            return Date(timeIntervalSince1970: value)
        }
        return nil
    }

    /// The account label of an earlier metrics file at `path`: what a run that could not read
    /// its configuration reports under, so that its series stays the same one.
    public static func account(inFileAt path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("ivy_archiver_last_run_timestamp_seconds{account=\"") {
            var value = "", escaped = false
            for character in line.dropFirst("ivy_archiver_last_run_timestamp_seconds{account=\"".count) {
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
        }
        return nil
    }

    /// Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then samples; label values
    /// escaped (`\\`, `\"`, `\n`).
    public func prometheusText() -> String {
        var lines: [String] = []
        let account = "account=\"\(Self.escape(self.account))\""
        func gauge(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(sample.value)") }
        }
        gauge("ivy_archiver_last_run_timestamp_seconds", "When the last backup ended (unix time), whatever its outcome.",
              [(account, "\(Int64(finishedAt.timeIntervalSince1970))")])
        // 0 until a run succeeds: an alert on its age fires for an installation that never did.
        gauge(Self.lastSuccessName, "When a backup last ended with exit code 0 (unix time; 0: never).",
              [(account, "\(Int64(lastSuccess?.timeIntervalSince1970 ?? 0))")])
        gauge("ivy_archiver_exit_code", "The last backup's exit code: 0 ok, 1 partial, 2 configuration or authentication, 3 cloud unavailable, 130 interrupted.",
              [(account, "\(exitCode)")])
        gauge("ivy_archiver_duration_seconds", "How long the last backup took.", [(account, String(format: "%.3f", durationSeconds))])
        guard let summary else { return lines.joined(separator: "\n") + "\n" }

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
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file atomically (a temporary file beside it, fsynced, renamed).
    ///
    /// - Throws: the file system's error.
    public func write(to path: String) async throws {
        let temporary = path + ".tmp"
        try Data(prometheusText().utf8).write(to: URL(fileURLWithPath: temporary))
        try await FileSync.rename(temporary, to: path)
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
