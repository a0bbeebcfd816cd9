import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `ivy-archiver export` as a person runs it: clear refusals with exit 2 and nothing written,
/// and `--check` against the sidecar.
@Suite struct ExportCommandTests {
    static let start: Int64 = 1_795_611_780  // 2026-11-25 13:03:00 UTC, 08:03 in New York

    static func withAccount(_ body: ([String: String], String) async throws -> Void) async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [
                SandboxDevice(mac: "00626E00FF01", name: "Door", productName: "FI9900P", profile: .h264AAC,
                              fixedRecordings: [SandboxRecording(start: start, end: start + 24, type: 2)]),
                SandboxDevice(mac: "00626E00FF02", name: "Twin", productName: "FI9900P", profile: .h264AAC, fixedRecordings: []),
                SandboxDevice(mac: "00626E00FF03", name: "Twin", productName: "FI9900P", profile: .h264AAC, fixedRecordings: []),
            ]
            configuration.account = account
        }) { endpoint, _ in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let env = endpoint.cliEnvironment(["IVY_TIMEZONE": "America/New_York"])
            try await body(env, folder)
        }
    }

    @Test func anExportAndItsCheck() async throws {
        try await Self.withAccount { env, folder in
            let output = folder + "/door.mp4"
            // Wall-clock times in the camera's zone (New York here); the clip is 08:03:00-08:03:24.
            let result = try await CLIProcess.run(["export", "--device", "Door", "--from", "2026-11-25 08:03:04", "--to", "2026-11-25T08:03:20",
                                                   "--output", output], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("exported door.mp4: 16s from 1 clip "), "lengths as the rest of the tool writes them: \(result.stdout)")
            // Each hash beside the file it is of.
            #expect(result.stdout.contains("file: \(output) (SHA-256 \(try await sha256sum(output)))\n"), "\(result.stdout)")
            #expect(result.stdout.contains("record: \(output).json (SHA-256 \(try await sha256sum(output + ".json")))\n"), "\(result.stdout)")
            #expect(result.stdout.contains("actual window 2026-11-25T08:03:04.000-05:00 to 2026-11-25T08:03:20.000-05:00"), "\(result.stdout)")
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".json"))) as? [String: Any] ?? [:]
            #expect((sidecar["device"] as? [String: Any])?["mac"] as? String == "00626E00FF01")
            #expect((sidecar["requested"] as? [String: Any]).flatMap { ($0["from"] as? [String: Any])?["unix"] as? Double } == Double(Self.start + 4))
            let tags = try await FFprobe.tags(output)
            #expect(tags["title"] == "Door 2026-11-25 08:03:04 to 2026-11-25 08:03:20")

            let check = try await CLIProcess.run(["export", "--check", output])
            #expect(check.status == 0 && check.stdout.contains("matches its record"), "\(check.stdout)\(check.stderr)")
            var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            let changed = try await CLIProcess.run(["export", "--check", output])
            #expect(changed.status == 1 && changed.stderr.contains("does not match its record"), "\(changed.stderr)")
            #expect(changed.stdout.contains("SHA-256"))
            let asJSON = try await CLIProcess.run(["export", "--check", output, "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(asJSON.status == 1 && report["matches"] as? Bool == false && (report["problems"] as? [String])?.isEmpty == false, "\(asJSON.stdout)")
            #expect(report["fileMatches"] as? Bool == false && (report["sourceProblems"] as? [String]) == [], "\(asJSON.stdout)")

            let existing = try await CLIProcess.run(["export", "--device", "00:62:6e:00:ff:01", "--from", "2026-11-25 13:03Z", "--to",
                                                     "2026-11-25T13:03:10+00:00", "--output", output], environment: env)
            #expect(existing.status == 2 && existing.stderr.contains("exists; --force replaces it"), "\(existing.stderr)")
            let forced = try await CLIProcess.run(["export", "--device", "00:62:6e:00:ff:01", "--from", "2026-11-25 13:03Z", "--to",
                                                   "2026-11-25T13:03:10+00:00", "--output", output, "--force"], environment: env)
            #expect(forced.status == 0, "\(forced.stderr)")
        }
    }

    @Test(arguments: [
        (["--device", "Door", "--from", "2026-11-25 09:00", "--to", "2026-11-25 09:10"], "recorded nothing between"),
        (["--device", "Door", "--from", "2026-11-25 08:10", "--to", "2026-11-25 08:00"], "--to is before --from"),
        (["--device", "Door", "--from", "2026-11-24 08:00", "--to", "2026-11-25 08:30"], "the most is 24h00m (--max-hours)"),
        (["--device", "Attic", "--from", "2026-11-25 08:00", "--to", "2026-11-25 08:10"], "no camera 'Attic' on the account"),
        (["--device", "Twin", "--from", "2026-11-25 08:00", "--to", "2026-11-25 08:10"], "2 cameras are called 'Twin'"),
        (["--device", "Door", "--from", "yesterday", "--to", "2026-11-25 08:10"], "'yesterday' is not a date-time"),
        (["--device", "Door", "--from", "2026-02-30 08:00", "--to", "2026-11-25 08:10"], "is not a date-time"),
        (["--device", "Door", "--from", "2026-11-25 08:00"], "export needs --device, --from, --to and --output"),
    ])
    func aRequestThatCannotBeMetIsRefused(arguments: [String], message: String) async throws {
        try await Self.withAccount { env, folder in
            let output = folder + "/refused.mp4"
            let result = try await CLIProcess.run(["export", "--output", output] + arguments, environment: env)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "nothing written")
        }
    }
}
