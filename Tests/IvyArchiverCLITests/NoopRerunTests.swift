import Foundation
import IvyArchive
import IvyBenchFixtures
import IvySandbox
import IvyTestSupport
import Testing

/// The nightly rerun over an archive that already holds every clip the cloud lists: it fetches
/// nothing and leaves the pages as they are; the run after a clip went missing does both again.
@Suite struct NoopRerunTests {
    static let walkedUntil = Int64(Date().timeIntervalSince1970)

    static func configure(_ configuration: inout SandboxConfiguration) {
        let layout = RecordingLayout(days: 50, continuousChunksPerDay: 0, eventsPerDay: 10)
        var account = SandboxAccount.demo()
        account.devices = [
            SandboxDevice(mac: "00626E00EE01", name: "Yard", productName: "VD1", profile: .videoOnly, layout: layout),
            SandboxDevice(mac: "00626E00EE02", name: "Gate", productName: "FI9900P", profile: .h264AAC, layout: layout),
        ]
        configuration.account = account
        configuration.anchor = walkedUntil / 3600 * 3600
    }

    /// Every page and the archive's index, with when each was last written.
    static func pages(of archive: String) throws -> [String: Date] {
        let folder = archive + "/.ivy-archiver/pages"
        var found: [String: Date] = [:]
        for path in [archive + "/index.html"] + (FileManager.default.subpaths(atPath: folder) ?? []).map({ folder + "/" + $0 }) {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            found[path] = attributes[.modificationDate] as? Date
        }
        return found
    }

    @Test func aRerunOverAnArchiveHoldingEveryClipFetchesNothingAndRedrawsNothing() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let root = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let archive = root + "/archive"
            let options = SyntheticArchive.Options(archive: archive, sandbox: endpoint.cloud.configuration, timeZone: TimeZone(identifier: "UTC")!,
                                                   layout: try ArchiveLayout(), walkedUntil: Self.walkedUntil)
            let report = try await SyntheticArchive.build(options)
            #expect(report.clips == 1000 && report.cameras == 2)
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let index = try await CLIProcess.run(["index"], environment: env)
            #expect(index.status == 0, "\(index.stderr)")
            #expect(index.stdout.contains("thumbnails: 0 made, 1000 kept, 0 removed"), "\(index.stdout)")
            let drawn = try Self.pages(of: archive)
            #expect(drawn.count > 100, "a page per camera and day, and more")

            // The listed window: from the recorded walk's end less a day's overlap, to now.
            let now = Int64(Date().timeIntervalSince1970)
            let listed = endpoint.cloud.configuration.account.devices.map { device in
                endpoint.cloud.recordings(mac: device.mac).filter { $0.end > Self.walkedUntil - 86_400 && $0.start <= now }.count
            }.reduce(0, +)
            endpoint.cloud.resetStats()
            let rerun = try await CLIProcess.run(["backup"], environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.stdout.contains("0 archived, \(listed) already there, 0 failed"), "\(rerun.stdout)")
            let stats = endpoint.cloud.stats
            #expect(stats.playlistRequests == 0 && stats.segmentRequests == 0 && stats.calls["record.play"] == nil, "\(stats.calls)")
            #expect(try Self.pages(of: archive) == drawn, "no page written, none removed")
            #expect(!rerun.stdout.contains("archive pages:"), "\(rerun.stdout)")

            // A clip of the last day lost its file: the next run fetches it and redraws its pages.
            let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite", readOnly: true)
            let newest = try #require(try await catalog.archived().max { $0.start < $1.start })
            try FileManager.default.removeItem(atPath: archive + "/" + (newest.file ?? ""))
            endpoint.cloud.resetStats()
            let repair = try await CLIProcess.run(["backup"], environment: env)
            #expect(repair.status == 0, "\(repair.stderr)")
            #expect(repair.stdout.contains("1 archived, \(listed - 1) already there, 0 failed"), "\(repair.stdout)")
            #expect(endpoint.cloud.stats.playlistRequests == 1 && endpoint.cloud.stats.segmentRequests > 0)
            #expect(repair.stdout.contains("archive pages: \(archive)/index.html"), "\(repair.stdout)")
            let redrawn = try Self.pages(of: archive)
            #expect(redrawn[archive + "/index.html"] != drawn[archive + "/index.html"])
            #expect(redrawn.filter { drawn[$0.key] != $0.value }.count < 10, "only the pages of the clip's day, month and camera")
        }
    }
}
