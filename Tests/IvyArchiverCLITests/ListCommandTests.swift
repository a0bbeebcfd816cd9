import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `ivy-archiver ls` on an archive a real backup of the sandbox made: two cameras in two
/// zones, a motion event inside a continuous clip, a clip the cloud never serves.
@Suite struct ListCommandTests {
    /// The start of the UTC day two days ago: inside the sandbox cloud's retention.
    static let day0: Int64 = {
        let now = Int64(Date().timeIntervalSince1970)
        return now - now % 86_400 - 2 * 86_400
    }()

    static func day(_ offset: Int64) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: Double(day0 + offset * 86_400)))
    }

    /// Yard (UTC): day 0 a 20 s continuous clip at 10:00 with an 8 s motion event inside it,
    /// day 1 a continuous clip at 09:00 and a person clip at 09:30 the cloud never serves.
    /// Gate (New York): an HEVC motion clip at 12:00 UTC, 07:00 there.
    static func withBackedUpArchive(_ body: (_ archive: String, _ env: [String: String], _ config: String) async throws -> Void) async throws {
        let d0 = day0, d1 = day0 + 86_400
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [
                SandboxDevice(mac: "00626E00DD01", name: "Yard", productName: "VD1", profile: .h264AAC, fixedRecordings: [
                    SandboxRecording(start: d0 + 36_000, end: d0 + 36_020, type: 0), SandboxRecording(start: d0 + 36_005, end: d0 + 36_013, type: 2),
                    SandboxRecording(start: d1 + 32_400, end: d1 + 32_420, type: 0), SandboxRecording(start: d1 + 34_200, end: d1 + 34_208, type: 7),
                ]),
                SandboxDevice(mac: "00626E00DD02", name: "Gate", productName: "VD1", profile: .hevcAAC, fixedRecordings: [
                    SandboxRecording(start: d0 + 43_200, end: d0 + 43_208, type: 2),
                ]),
            ]
            configuration.account = account
            configuration.faults.brokenClips = [d1 + 34_200]
        }) { endpoint, _ in
            let root = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let archive = root + "/archive"
            let config = root + "/config.toml"
            try """
                timezone = "UTC"
                archive = "\(archive)"

                [device_timezones]
                "00626E00DD02" = "America/New_York"
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let env = endpoint.cliEnvironment(["IVY_CONFIG": config])
            let made = try await CLIProcess.run(["init"], environment: env)
            #expect(made.status == 0, "\(made.stderr)")
            let backup = try await CLIProcess.run(["backup"], environment: env)
            #expect(backup.status == 1, "the person clip failed: \(backup.stderr)")
            #expect(backup.stdout.contains("archive pages: \(archive)/index.html"), "\(backup.stdout)")
            try await body(archive, env, config)
        }
    }

    @Test func listsCamerasDaysAndClipsWithCoverage() async throws {
        try await Self.withBackedUpArchive { archive, env, _ in
            let plain = try await CLIProcess.run(["ls"], environment: env)
            #expect(plain.status == 0, "\(plain.stderr)")
            let lines = plain.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Gate (00626E00DD02), America/New_York: 1 day, 1 clip, ") == true, "\(plain.stdout)")
            // Foundation names the zone the config calls UTC "GMT".
            #expect(lines.contains { $0.hasPrefix("Yard (00626E00DD01), ") && $0.contains(": 2 days, 4 clips, ") }, "\(plain.stdout)")
            // The event inside the continuous clip adds no recorded time; the failed clip's 8 s
            // are recorded but not archived.
            #expect(lines.contains { $0.hasPrefix("  \(Self.day(0))  2 clips    20s recorded, all archived") }, "\(plain.stdout)")
            #expect(lines.contains { $0.hasPrefix("  \(Self.day(1))  2 clips    28s recorded, 20s archived") && $0.contains("1 failed") }, "\(plain.stdout)")
            // Days line up: the size starts in the same column on every day's line.
            let sizes = lines.filter { $0.hasPrefix("  2") }.map { $0.firstRange(of: " KB")?.lowerBound.utf16Offset(in: $0) ?? -1 }
            #expect(Set(sizes.map { $0 / 10 }).count == 1, "\(plain.stdout)")

            let json = try await CLIProcess.run(["ls", "--json"], environment: env)
            #expect(json.status == 0, "\(json.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
            let cameras = report["cameras"] as? [[String: Any]] ?? []
            #expect(cameras.map { $0["name"] as? String } == ["Gate", "Yard"])
            let gateClip = ((cameras.first?["days"] as? [[String: Any]])?.first?["clips"] as? [[String: Any]])?.first ?? [:]
            #expect(gateClip["start"] as? String == Self.newYork(Self.day0 + 43_200), "\(gateClip)")
            #expect(gateClip["video"] as? String == "hevc" && gateClip["state"] as? String == "archived")
            #expect((gateClip["file"] as? String).map { FileManager.default.fileExists(atPath: archive + "/" + $0) } == true)
            let yardDays = cameras.last?["days"] as? [[String: Any]] ?? []
            #expect(yardDays.map { $0["recorded"] as? Double } == [20, 28])
            #expect(yardDays.last?["states"] as? [String: Int] == ["archived": 1, "failed": 1])
            let gaps = yardDays.first?["gaps"] as? [[String: Any]] ?? []
            #expect(gaps.first?["start"] as? String == "\(Self.day(0))T10:00:20Z", "from the end of the first clip: \(gaps)")
        }
    }

    @Test func filtersByCameraTypeStateAndDay() async throws {
        try await Self.withBackedUpArchive { _, env, _ in
            let gate = try await CLIProcess.run(["ls", "--device", "gate", "--clips"], environment: env)
            #expect(gate.status == 0 && !gate.stdout.contains("Yard"), "\(gate.stdout)")
            let local = Self.newYork(Self.day0 + 43_200).dropFirst(11).prefix(8)
            #expect(gate.stdout.contains("    \(local)-\(Self.newYork(Self.day0 + 43_208).dropFirst(11).prefix(8))  motion            archived  8s"), "\(gate.stdout)")

            let failed = try await CLIProcess.run(["ls", "--state", "failed", "--clips"], environment: env)
            let clipLines = failed.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") }
            #expect(clipLines.count == 1 && clipLines[0].contains("09:30:00-09:30:08  human             failed"), "\(failed.stdout)")

            let motion = try await CLIProcess.run(["ls", "--type", "motion", "--json"], environment: env)
            let cameras = (try JSONSerialization.jsonObject(with: Data(motion.stdout.utf8)) as? [String: Any])?["cameras"] as? [[String: Any]] ?? []
            let types = cameras.flatMap { ($0["days"] as? [[String: Any]] ?? []).flatMap { ($0["clips"] as? [[String: Any]] ?? []).map { $0["type"] as? String } } }
            #expect(types == ["motion", "motion"], "\(motion.stdout)")

            let later = try await CLIProcess.run(["ls", "--from", Self.day(1)], environment: env)
            #expect(later.stdout.contains("Yard") && !later.stdout.contains("Gate") && !later.stdout.contains(Self.day(0)), "\(later.stdout)")

            let unknown = try await CLIProcess.run(["ls", "--device", "Shed"], environment: env)
            #expect(unknown.status == 2 && unknown.stderr.contains("no camera 'Shed' in the archive; there are: Yard (00626E00DD01), Gate (00626E00DD02)"),
                    "\(unknown.stderr)")
            let badState = try await CLIProcess.run(["ls", "--state", "broken"], environment: env)
            #expect(badState.status == 2 && badState.stderr.contains("'broken' is not a clip state"), "\(badState.stderr)")
            let notArchive = try await CLIProcess.run(["ls", "--archive", "/nonexistent/archive"], environment: env)
            #expect(notArchive.status == 2, "\(notArchive.stderr)")
        }
    }

    /// ISO 8601 in `zone`, with its offset that day (`Z` in UTC): as the tool writes times.
    static func iso(_ unix: Int64, in zone: String) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssXXX"
        return formatter.string(from: Date(timeIntervalSince1970: Double(unix)))
    }

    static func newYork(_ unix: Int64) -> String { iso(unix, in: "America/New_York") }
}
