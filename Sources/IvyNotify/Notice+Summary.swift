public import Foundation
import Glibc
public import IvyArchive
import IvyCloud
import IvyDomain

extension Notice {
    /// The notice of a run that got to its clips: one that finished, however it went, or was
    /// stopped by its disk (`BackupError.summary`) or interrupted (`Summary.interrupted`).
    ///
    /// - Parameters:
    ///   - account: the account's name as the configuration gives it.
    ///   - exitCode: the code the process ends with for this run.
    ///   - error: the one line of a run that stopped part-way (a full disk), if any.
    ///   - started, finished: the run's ends, by the wall clock.
    ///   - host: the machine's name; `Notice.hostName` unless a test says otherwise.
    public init(account: String, summary: Backup.Summary, exitCode: Int32, error: String? = nil,
                started: Date, finished: Date, host: String = Notice.hostName) {
        let names = Dictionary(summary.cameras.map { ($0.device, $0.name) }, uniquingKeysWith: { first, _ in first })
        var counts = Counts()
        counts.archived = summary.archived - summary.partial.count
        counts.alreadyThere = summary.skipped
        counts.failed = summary.failures.count
        counts.partial = summary.partial.count
        counts.unfinished = summary.unfinished
        counts.pruned = summary.pruned
        counts.bytes = summary.bytes
        let lost = summary.warnings.filter { $0.kind == .lost }
        let expiring = summary.warnings.filter { $0.kind != .lost }
        counts.expiring = expiring.count
        counts.lost = lost.count
        self.init(kind: .run, account: account, host: host, exitCode: exitCode, error: error, started: started, finished: finished, counts: counts,
                  failures: summary.failures.map { failure in
                      Failure(camera: failure.device?.mac, cameraName: failure.device.flatMap { names[$0] },
                              start: failure.start.map { RecordingTime($0).iso8601() }, startUnix: failure.start,
                              reason: Redaction.text(failure.reason))
                  },
                  partial: summary.partial.map { clip in
                      PartialClip(camera: clip.device.mac, cameraName: names[clip.device], start: RecordingTime(clip.start).iso8601(),
                                  startUnix: clip.start, path: clip.path, holes: clip.holes.map { Redaction.text($0.description) })
                  },
                  expiring: expiring.map { ClipWarning($0, names) }, lost: lost.map { ClipWarning($0, names) },
                  interrupted: summary.interrupted)
    }

    /// The notice of a run that failed before it got to any clip: the configuration, the login,
    /// the cloud, the archive.
    ///
    /// - Parameters:
    ///   - error: the one line the command printed for it (redacted here all the same).
    ///   - exitCode: the code the process ends with for this run.
    public init(account: String, failure error: String, exitCode: Int32, started: Date, finished: Date, host: String = Notice.hostName) {
        self.init(kind: .run, account: account, host: host, exitCode: exitCode, error: error, started: started, finished: finished,
                  counts: Counts(), failures: [], partial: [], expiring: [], lost: [], interrupted: false)
    }

    /// This machine's name (`gethostname`), without a DNS lookup that could hang a run.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // The one place where a notice is put together: lists cut, texts redacted, events and the
    // summary line derived from the rest, so that no caller can get them out of step.
    init(kind: Kind, account: String, host: String, exitCode: Int32, error: String?, started: Date, finished: Date, counts: Counts,
         failures: [Failure], partial: [PartialClip], expiring: [ClipWarning], lost: [ClipWarning], interrupted: Bool, runs: Int = 1, failedRuns: Int? = nil, events: [Event]? = nil) {
        self.kind = kind
        self.account = account
        self.host = host
        self.exitCode = exitCode
        self.error = error.map(Redaction.text)
        self.started = RecordingTime(Self.seconds(started)).iso8601()
        startedUnix = Self.seconds(started)
        self.finished = RecordingTime(Self.seconds(finished)).iso8601()
        finishedUnix = Self.seconds(finished)
        self.runs = runs
        self.failedRuns = failedRuns ?? (exitCode == 0 ? 0 : 1)
        self.counts = counts
        let limit = Self.listLimit
        truncated = failures.count > limit || partial.count > limit || expiring.count > limit || lost.count > limit
        self.failures = Array(failures.suffix(limit))
        self.partial = Array(partial.suffix(limit))
        self.expiring = Array(expiring.suffix(limit))
        self.lost = Array(lost.suffix(limit))
        self.events = events ?? Self.events(counts: counts, error: error, exitCode: exitCode, interrupted: interrupted)
        summary = ""
        summary = line()
    }

    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    private static func events(counts: Counts, error: String?, exitCode: Int32, interrupted: Bool) -> [Event] {
        var events: Set<Event> = []
        if error != nil || counts.failed > 0 || counts.unfinished > 0 || interrupted { events.insert(.failure) }
        if counts.partial > 0 { events.insert(.partial) }
        if counts.expiring > 0 { events.insert(.expiring) }
        if counts.lost > 0 { events.insert(.lost) }
        // A run ending badly for a reason the counts do not show is still a failure.
        if exitCode != 0, !events.contains(.failure), !events.contains(.partial) { events.insert(.failure) }
        return events.isEmpty ? [.success] : events.sorted()
    }

    /// `me@example.com: 40 archived, 2 failed, 1 about to expire unarchived`; a digest's
    /// begins with its runs.
    private func line() -> String {
        var parts: [String] = []
        if let error { parts.append("backup failed: \(error)") }
        if counts.archived > 0 || error == nil { parts.append("\(counts.archived) archived") }
        if counts.failed > 0 { parts.append("\(counts.failed) failed") }
        if counts.partial > 0 { parts.append("\(counts.partial) partial") }
        if counts.unfinished > 0 { parts.append("\(counts.unfinished) left for the next run") }
        if counts.expiring > 0 { parts.append("\(counts.expiring) about to expire unarchived") }
        if counts.lost > 0 { parts.append("\(counts.lost) lost (deleted by the cloud unarchived)") }
        let head = kind == .digest ? "\(account), \(runs) run\(runs == 1 ? "" : "s") (\(failedRuns) failed) since \(started)" : account
        return head + ": " + parts.joined(separator: ", ")
    }
}

extension Notice.ClipWarning {
    init(_ warning: Backup.Summary.Warning, _ names: [CameraID: String]) {
        self.init(camera: warning.device.mac, cameraName: names[warning.device], start: RecordingTime(warning.start).iso8601(),
                  startUnix: warning.start, message: Redaction.text(warning.message))
    }
}
