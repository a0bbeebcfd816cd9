import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Days and times in the camera's zone, over days and a DST change, on a machine in another zone.
@Suite struct BackupTimeZoneTests {
    /// New York fell back on 2026-11-01 at 06:00 UTC: 01:00-02:00 local happened twice. The
    /// second time round a time carries its offset, so that names sort as the clips happened.
    static let clips: [(start: String, seconds: Int64, path: String)] = [
        ("2026-10-31T23:30:00Z", 20, "2026-10-31/193000-193020_continuous.mp4"),
        ("2026-11-01T05:30:00Z", 12, "2026-11-01/013000-013012_continuous.mp4"),
        ("2026-11-01T06:30:00Z", 12, "2026-11-01/013000UTC-0500-013012UTC-0500_continuous.mp4"),
        ("2026-11-02T03:00:00Z", 16, "2026-11-01/220000-220016_continuous.mp4"),
        ("2026-11-02T05:10:00Z", 8, "2026-11-02/001000-001008_continuous.mp4"),
    ]

    static func seconds(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970)
    }

    @Test func aCameraInNewYorkIsFiledByItsOwnDaysAcrossTheDSTChange() async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            let recordings = Self.clips.map { SandboxRecording(start: Self.seconds($0.start), end: Self.seconds($0.start) + $0.seconds, type: 0) }
            account.devices = [SandboxDevice(mac: "00626E00DD01", name: "Porch", productName: "VD1", profile: .h264AAC, fixedRecordings: recordings)]
            configuration.account = account
        }) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var options = try BackupTests.options(archive)  // the machine's zone: UTC
            options.deviceTimeZones = [CameraID("00626E00DD01")!: TimeZone(identifier: "America/New_York")!]
            options.from = Self.seconds("2026-10-30T00:00:00Z")
            options.to = Self.seconds("2026-11-04T00:00:00Z")
            let summary = try await BackupTests.backup(client).run(options)
            #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
            #expect(BackupTests.files(archive) == Self.clips.map { "Porch_00626E00DD01/" + $0.path }.sorted())
            #expect(Self.clips.map(\.path).sorted() == Self.clips.map(\.path), "names sort in the order the clips were recorded")
            for clip in Self.clips {
                let report = try await FFprobe.probe(archive + "/Porch_00626E00DD01/" + clip.path)
                #expect(abs(report.duration - Double(clip.seconds)) < 4.5, "\(clip.path): \(report.duration) s")
            }
            #expect(try await Verify.run(archive: archive).problems.isEmpty)
        }
    }
}
