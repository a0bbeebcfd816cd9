import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `ivy-archiver backup` as cron runs it: plain lines, a summary, the documented exit codes.
@Suite struct BackupCommandTests {
    @Test func backupArchivesTheAccountAndReportsInJSON() async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00CC01", name: "Porch", productName: "VD1", profile: .videoOnly,
                                             layout: RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 1, chunkSeconds: 20))]
            configuration.account = account
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let result = try await CLIProcess.run(["backup", "--json"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(summary["archived"] as? Int == endpoint.cloud.recordings(mac: "00626E00CC01").count)

            let metrics = archive + "/backup.prom"
            let plain = try await CLIProcess.run(["backup", "--metrics-file", metrics], environment: env)
            #expect(plain.status == 0)
            let text = try String(contentsOfFile: metrics, encoding: .utf8)
            #expect(text.contains("\nivy_archiver_clips_archived{account=\"demo@example.com\"} 0\n"), "\(text)")
            #expect(text.contains("\nivy_archiver_clips_skipped{account=\"demo@example.com\"} \(endpoint.cloud.recordings(mac: "00626E00CC01").count)\n"))
            #expect(text.contains("# TYPE ivy_archiver_clips_failed gauge"))
            #expect(plain.stdout.contains("0 archived"))
            #expect(!plain.stdout.contains("\u{1B}"), "no control characters for cron")

            let missing = try await CLIProcess.run(["backup"], environment: env.filter { $0.key != "IVY_ARCHIVE" })
            #expect(missing.status == 2)

            let unknown = try await CLIProcess.run(["backup", "--device", "00:62:6E:00:00:99"], environment: env)
            #expect(unknown.status == 2 && unknown.stderr.contains("no camera '00:62:6E:00:00:99' on the account; there are: Porch (00626E00CC01)"),
                    "\(unknown.stderr)")
            let byName = try await CLIProcess.run(["backup", "--device", "porch", "--json"], environment: env)
            #expect(byName.status == 0, "\(byName.stderr)")
        }
    }

    @Test func aClipAboutToExpireIsWarnedAboutInPlainWords() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let soon = now - 7 * 86_400 + 3 * 3600
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00CC03", name: "Gate", productName: "VD1", profile: .videoOnly,
                                             fixedRecordings: [SandboxRecording(start: soon, end: soon + 8, type: 0)])]
            configuration.account = account
            configuration.faults.brokenClips = [soon]
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            let when = formatter.string(from: Date(timeIntervalSince1970: Double(soon)))
            let result = try await CLIProcess.run(["backup"], environment: env)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains("FAILED 00626E00CC03 clip \(when): "), "\(result.stdout)")
            #expect(result.stdout.contains("WARNING 00626E00CC03 clip \(when) is still missing and the cloud deletes it in about"))
            #expect(result.stdout.contains("0 archived, 0 already there, 1 failed, 1 warning"))
            // Cron mail and journals that keep stderr only see it too, in one line.
            let errors = result.stderr.split(separator: "\n")
            #expect(errors.count == 1 && errors[0].hasPrefix("ivy-archiver: backup incomplete: 1 failed"), "\(result.stderr)")

            let refused = try await CLIProcess.run(["backup", "--keep-days", "0"], environment: env)
            #expect(refused.status == 2 && refused.stderr.contains("'--keep-days <keep-days>': takes a whole number from 1 to 36500"), "\(refused.stderr)")
        }
    }

    @Test func theConfigChoosesTheArchivePathsAndADevicesTimeZone() async throws {
        let start: Int64 = 1_795_611_780  // 2026-11-25 13:03:00 UTC, 08:03 in New York
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00CC02", name: "Dock", productName: "VD1", profile: .videoOnly,
                                             fixedRecordings: [SandboxRecording(start: start, end: start + 8, type: 2)])]
            configuration.account = account
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let config = archive + "/config.toml"
            try """
                username = "demo@example.com"
                password = "sandbox-password"
                oem_code = "SANDBOX"
                timezone = "UTC"
                archive = "\(archive)/clips"
                path_template = "{mac}/{year}/{month}/{day}/{start}_{type}.mp4"

                [device_timezones]
                "00626E00CC02" = "America/New_York"
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let made = try await CLIProcess.run(["init", "--config", config], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(made.status == 0, "\(made.stderr)")
            let result = try await CLIProcess.run(["backup", "--config", config, "--from", "2026-11-01"], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: archive + "/clips/00626E00CC02/2026/11/25/080300_motion.mp4"), "\(result.stdout)")

            try "[device_timezones]\n\"00626E00CC02\" = \"Mars/Olympus\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            let bad = try await CLIProcess.run(["backup", "--config", config], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("Mars/Olympus"))

            try "[device_timezones]\n\"Front Door\" = \"UTC\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            let notAMAC = try await CLIProcess.run(["backup", "--config", config], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(notAMAC.status == 2)
            #expect(notAMAC.stderr.contains("config.toml:2: 'Front Door' in [device_timezones] is not a MAC address"), "\(notAMAC.stderr)")

            try "[device_timezones]\n\"00626E00CC02\" = \"UTC\"\n\"00:62:6e:00:cc:02\" = \"Europe/Berlin\"\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let twice = try await CLIProcess.run(["backup", "--config", config], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(twice.status == 2 && twice.stderr.contains("has two entries in [device_timezones]"), "\(twice.stderr)")
        }
    }
}

/// Crash safety with a real child process: `kill -9` at several moments, then a rerun.
@Suite struct BackupCrashTests {
    @Test(arguments: [150, 500, 900])
    func aKilledBackupLeavesNothingHalfDoneAndTheRerunCompletes(afterMilliseconds delay: Int) async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            let layout = RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 2, chunkSeconds: 80)
            account.devices = [
                SandboxDevice(mac: "00626E00DD01", name: "Yard", productName: "FI9900P", profile: .h264AAC, layout: layout),
                SandboxDevice(mac: "00626E00DD02", name: "Gate", productName: "FI9900P", profile: .fragmentedMP4, layout: layout),
            ]
            configuration.account = account
            // Slow enough that the kill lands mid-download.
            configuration.faults.bandwidthPerConnection = 400_000
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC", "PATH": "/usr/bin:/bin"])
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CLIProcess.executable)
            child.arguments = ["backup"]
            child.environment = env
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            try await Task.sleep(for: .milliseconds(delay))
            kill(child.processIdentifier, SIGKILL)
            while child.isRunning { try await Task.sleep(for: .milliseconds(20)) }

            // Whatever the moment, no partial file sits in the archive proper.
            let expected = endpoint.cloud.configuration.account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)
            var beforeKill = 0
            let enumerator = FileManager.default.enumerator(atPath: archive)
            while let path = enumerator?.nextObject() as? String {
                guard !path.hasPrefix(".ivy-archiver") else { continue }
                #expect(!path.hasSuffix(".partial") && !path.hasPrefix("."), "stray \(path)")
                if path.hasSuffix(".mp4") {
                    beforeKill += 1
                    #expect(try await FFprobe.decodeErrors(archive + "/" + path).isEmpty, "\(path) is complete")
                }
            }
            #expect(beforeKill < expected, "the kill landed before the backup finished")

            let rerun = try await CLIProcess.run(["backup"], environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let verify = try await CLIProcess.run(["verify", "--json"], environment: env)
            #expect(verify.status == 0, "\(verify.stdout)")
            let report = try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(report["checked"] as? Int == expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp").isEmpty)
        }
    }
}
