import Foundation
@testable import IvyArchive
import IvyCloud
import IvyDomain
import IvyHLS
import IvySandbox
import IvyTestSupport
import Synchronization
import Testing

/// Whatever stops a run (its disk, the deadline, Ctrl-C), every clip whose file is in the
/// archive at its end is in the run's summary, and so in `--json` and the metrics. A full
/// suite on a busy machine once lost one: a clip finished while another's full disk stopped
/// the run. `Backup.Seams` set that order here; no test waits on the machine's speed.
@Suite(.timeLimit(.minutes(5))) struct BackupStopReportTests {
    @Test func aClipArchivedWhileTheDiskStopsTheRunIsInTheSummary() async throws {
        try await withSandbox(BackupTests.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let order = ClipOrder()
            var backup = BackupTests.backup(client)
            // The first clip to start finds the disk full, but only once another clip is in the
            // archive; that one then holds until the stop cancels it.
            backup.seams.starting = { key in
                guard await order.isFirstStart(key) else { return }
                _ = await order.firstArchived()
                throw POSIXError(.ENOSPC)
            }
            backup.seams.archived = { key in await order.holdIfFirstArchived(key) }
            let error = await #expect(throws: BackupError.storage) { _ = try await backup.run(try BackupTests.options(archive)) }
            #expect(error?.description.contains("disk is full") == true, "\(String(describing: error))")
            let held = await order.firstArchived()
            let summary = try #require(error?.summary)
            try await Self.expectEveryFileCounted(summary, archive: archive, including: held)
        }
    }

    @Test func aClipArchivedAsTheDeadlinePassesIsInTheSummary() async throws {
        try await withSandbox(BackupTests.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let order = ClipOrder()
            let passed = Locked(false)
            var backup = BackupTests.backup(client)
            // The deadline passes once the first clip is in the archive, which holds until the
            // deadline stops it.
            backup.seams.archived = { key in
                guard await order.isFirstArchived(key) else { return }
                passed.set(true)
                try? await Task.sleep(for: .seconds(3600))
            }
            var options = try BackupTests.options(archive)
            options.deadline = RunDeadline { passed.value }
            let summary = try await backup.run(options)
            try await Self.expectEveryFileCounted(summary, archive: archive, including: await order.firstArchived())
        }
    }

    @Test func aClipArchivedWhenTheRunIsInterruptedIsInTheSummary() async throws {
        try await withSandbox(BackupTests.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let order = ClipOrder()
            var backup = BackupTests.backup(client)
            backup.seams.archived = { key in await order.holdIfFirstArchived(key) }
            var options = try BackupTests.options(archive)
            // A deadline that never passes: its watch ends with the interruption too.
            options.deadline = RunDeadline { false }
            let run = Task { [backup, options] in try await backup.run(options) }
            let held = await order.firstArchived()
            run.cancel()
            let summary = try await run.value
            #expect(summary.interrupted)
            try await Self.expectEveryFileCounted(summary, archive: archive, including: held)
        }
    }

    /// A partial clip of the first pass whose second try the disk stops: its first file is
    /// still in the archive, so still in the summary.
    @Test func aPartialFileOfTheFirstPassStaysCountedWhenTheSecondIsStopped() async throws {
        try await withSandbox(BackupMessyStreamTests.configure(nil, missing: [2])) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let starts = Locked<[ClipKey: Int]>([:])
            var policy = HLSDownloader.Policy()
            policy.retry.baseDelay = .milliseconds(1)
            policy.retry.maxDelay = .milliseconds(2)
            policy.notFoundRetries = 1
            var backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), policy: policy, logger: quietLogger)
            backup.seams.starting = { key in
                let tries = starts.update { $0[key, default: 0] += 1; return $0[key, default: 0] }
                if tries > 1 { throw POSIXError(.ENOSPC) }
            }
            var options = try BackupTests.options(archive)
            options.from = BackupMessyStreamTests.start - 3600
            options.to = BackupMessyStreamTests.start + 3600
            options.jobs = 1
            options.retryPause = .milliseconds(1)
            let error = await #expect(throws: BackupError.storage) { _ = try await backup.run(options) }
            let summary = try #require(error?.summary)
            #expect(starts.value.values.contains(2), "the second pass was meant to start")
            #expect(BackupTests.files(archive).count == BackupMessyStreamTests.clips.count)
            #expect(summary.partial.count == BackupMessyStreamTests.clips.count, "\(summary.partial)")
            try await Self.expectEveryFileCounted(summary, archive: archive, including: nil)
        }
    }

    /// The summary names exactly the clip files in the archive (`held` among them), each
    /// catalogued and intact.
    static func expectEveryFileCounted(_ summary: Backup.Summary, archive: String, including held: ClipKey?) async throws {
        let files = BackupTests.files(archive)
        #expect(!files.isEmpty)
        #expect(summary.archived == files.count, "\(summary.archivedClips.map(\.path)) against \(files)")
        #expect(Set(summary.archivedClips.map(\.path)) == Set(files))
        if let held {
            #expect(summary.archivedClips.contains { $0.device == held.camera && $0.start == held.start }, "\(held) is archived")
        }
        let report = try await Verify.run(archive: archive)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.checked == files.count)
    }
}

/// Which clip started first and which was archived first, for seams that order the others
/// after them.
actor ClipOrder {
    private var started: ClipKey?
    private var archived: ClipKey?
    private var waiters: [CheckedContinuation<ClipKey, Never>] = []

    func isFirstStart(_ key: ClipKey) -> Bool {
        if started == nil { started = key }
        return started == key
    }

    func isFirstArchived(_ key: ClipKey) -> Bool {
        guard archived == nil else { return archived == key }
        archived = key
        waiters.forEach { $0.resume(returning: key) }
        waiters.removeAll()
        return true
    }

    /// The first clip archived, once there is one.
    func firstArchived() async -> ClipKey {
        if let archived { return archived }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// The first clip archived holds until it is cancelled (by whatever stops the run): the
    /// stop then meets a clip that is in the archive and not yet reported.
    nonisolated func holdIfFirstArchived(_ key: ClipKey) async {
        guard await isFirstArchived(key) else { return }
        try? await Task.sleep(for: .seconds(3600))
    }
}

/// A value the seams' closures share with the test.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func set(_ value: Value) { mutex.withLock { $0 = value } }

    func update<T: Sendable>(_ change: @Sendable (inout Value) -> T) -> T { mutex.withLock { change(&$0) } }
}
