import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvySandbox
import IvyTestSupport
import Synchronization
import Testing

/// A cloud overloaded for a while: each request's own retries run out, and the clips that
/// failed on that transient cause are fetched in a second pass, so the night does not fail.
/// The outage is counted in requests, never timed.
@Suite struct BackupRetryTests {
    static let start = Int64(Date().timeIntervalSince1970) / 60 * 60 - 7200

    static func configure(outage: Int) -> @Sendable (inout SandboxConfiguration) -> Void {
        { configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00EE01", name: "Yard", productName: "VD1", profile: .videoOnly,
                                             fixedRecordings: [SandboxRecording(start: start, end: start + 8, type: 0),
                                                               SandboxRecording(start: start + 60, end: start + 68, type: 0)])]
            configuration.account = account
            configuration.faults.outageRequests = outage
            configuration.faults.failureScope = .media
        }
    }

    static func run(_ client: CloudClient, archive: String, retryPause: Duration?,
                    events: @escaping @Sendable (Backup.Event) -> Void = { _ in }) async throws -> Backup.Summary {
        var policy = HLSDownloader.Policy()
        policy.retry.maxAttempts = 2
        policy.retry.baseDelay = .milliseconds(1)
        policy.retry.maxDelay = .milliseconds(2)
        let backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 1), policy: policy, logger: quietLogger)
        var options = try BackupTests.options(archive)
        options.jobs = 1
        options.retryPause = retryPause
        return try await backup.run(options, events: events)
    }

    @Test func clipsThatFailedOnAnOverloadAreFetchedInASecondPass() async throws {
        // Without the second pass, the outage costs clips.
        try await withSandbox(Self.configure(outage: 4)) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let summary = try await Self.run(client, archive: archive, retryPause: nil)
            #expect(summary.failures.count + summary.partial.count > 0, "the outage was meant to outlast each request's retries")
            #expect(endpoint.cloud.stats.statuses[503] == 4)
        }
        try await withSandbox(Self.configure(outage: 4)) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let events = EventLog()
            let summary = try await Self.run(client, archive: archive, retryPause: .milliseconds(1)) { events.append($0) }
            #expect(summary.failures.isEmpty && summary.partial.isEmpty, "\(summary.failures.map(\.reason))")
            #expect(summary.archived == 2 && summary.archivedClips.count == 2)
            #expect(endpoint.cloud.stats.statuses[503] == 4)
            #expect(events.retried.count == 1 && (events.retried.first ?? 0) >= 1, "one second pass: \(events.retried)")
            for file in BackupTests.files(archive) {
                #expect(try await FFprobe.decodeErrors(archive + "/" + file).isEmpty)
                #expect(abs(try await FFprobe.probe(archive + "/" + file).duration - 8) < 1)
            }
        }
    }
}

/// The `retrying` events a run sent.
final class EventLog: Sendable {
    private let clips = Mutex<[Int]>([])
    var retried: [Int] { clips.withLock { $0 } }

    func append(_ event: Backup.Event) {
        if case .retrying(let count, _) = event { clips.withLock { $0.append(count) } }
    }
}
