import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `--metrics-file` tells the truth after every night: rewritten on every exit, whatever
/// stopped the run, and accepted by Prometheus' own checker.
@Suite struct MetricsTests {
    /// The samples of a metrics file by name and labels: `name{labels}` -> value.
    static func samples(_ path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// `promtool check metrics` (Debian's prometheus package) on the file: its complaints, or nil.
    static func promtool(_ path: String) async throws -> String? {
        let result = try await Subprocess.run("/bin/sh", ["-c", "promtool check metrics < '\(path)'"])
        return result.status == 0 ? nil : result.stdout + result.stderr
    }

    @Test func theMetricsFileIsRewrittenOnEveryExit() async throws {
        try await InterruptionTests.withSlowSandbox { env in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let metrics = archive + "/metrics/backup.prom"
            try FileManager.default.createDirectory(atPath: archive + "/metrics", withIntermediateDirectories: true)
            let env = env.merging(["IVY_ARCHIVE": archive]) { $1 }
            let account = "account=\"demo@example.com\""

            let good = try await CLIProcess.run(["backup", "--metrics-file", metrics], environment: env)
            #expect(good.status == 0, "\(good.stderr)")
            var values = try Self.samples(metrics)
            #expect(values["ivy_archiver_exit_code{\(account)}"] == 0)
            #expect(values["ivy_archiver_clips_archived{\(account)}"] == 2)
            #expect(values["ivy_archiver_clips_archived{\(account),camera=\"Lane\",mac=\"00626E00AB01\"}"] == 2, "\(values)")
            let success = try #require(values["ivy_archiver_last_success_timestamp_seconds{\(account)}"])
            #expect(success == values["ivy_archiver_last_run_timestamp_seconds{\(account)}"])
            #expect(try await Self.promtool(metrics) == nil)

            let config = archive + "/bad.toml"
            try "keep_day = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
            let failures: [(name: String, arguments: [String], environment: [String: String], code: Double)] = [
                ("wrong password", [], ["IVY_PASSWORD": "wrong"], 2),
                ("cloud unavailable", [], ["IVY_API_URL": "http://127.0.0.1:1"], 3),
                ("missing archive", ["--archive", archive + "/archve"], [:], 2),
                ("config mistake", ["--config", config], [:], 2),
            ]
            for failure in failures {
                let result = try await CLIProcess.run(["backup", "--metrics-file", metrics] + failure.arguments,
                                                      environment: env.merging(failure.environment) { $1 })
                #expect(Double(result.status) == failure.code, "\(failure.name): \(result.stderr)")
                values = try Self.samples(metrics)
                #expect(values["ivy_archiver_exit_code{\(account)}"] == failure.code, "\(failure.name): \(values)")
                #expect(values["ivy_archiver_last_success_timestamp_seconds{\(account)}"] == success, "\(failure.name): the last success stays")
                #expect((values["ivy_archiver_last_run_timestamp_seconds{\(account)}"] ?? 0) >= success)
                // Nothing counted: no "0 failed" after a night that never got to the clips.
                #expect(!values.keys.contains { $0.hasPrefix("ivy_archiver_clips_") }, "\(failure.name): \(values.keys.sorted())")
                #expect(try await Self.promtool(metrics) == nil, "\(failure.name)")
            }

            // Stopped while a clip downloads, by a signal sent twice at once as GNU timeout sends it.
            let fresh = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: fresh) }
            let interrupted = try await InterruptionTests.interrupt(["backup", "--archive", fresh, "--metrics-file", metrics], environment: env,
                                                                    signal: SIGTERM, times: 2) { _, pid in
                // A clip is being written: the run got past planning (holding the catalog open
                // was too early a sign on a loaded machine).
                _ = pid
                return (try? FileManager.default.contentsOfDirectory(atPath: fresh + "/.ivy-archiver/tmp"))?.isEmpty == false
            }
            #expect(interrupted.status == 130)
            values = try Self.samples(metrics)
            #expect(values["ivy_archiver_exit_code{\(account)}"] == 130, "\(values)")
            // It got to the clips: what it did is counted.
            #expect(values["ivy_archiver_clips_unfinished{\(account)}"] == 2, "\(values)")
            #expect(values["ivy_archiver_last_success_timestamp_seconds{\(account)}"] == success)
            #expect(try await Self.promtool(metrics) == nil)
        }
    }

    /// A disk that fills up mid-run: exit 1, and the metrics say so (exit code 1, what was
    /// archived before). Needs a tmpfs (root, as in CI).
    @Test(.enabled(if: Tmpfs.available, "mounting a tmpfs needs root"))
    func aFullDiskIsInTheMetrics() async throws {
        try await Tmpfs.mounted(size: "600k") { mountPoint in
            try await withSandbox({ configuration in
                var account = SandboxAccount.demo()
                account.devices = [SandboxDevice(mac: "00626E00AD01", name: "Drive", productName: "FI9900P", profile: .h264AAC,
                                                 layout: RecordingLayout(days: 1, continuousChunksPerDay: 2, eventsPerDay: 0, chunkSeconds: 40))]
                configuration.account = account
            }) { endpoint, _ in
                let outside = try makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: outside) }
                let archive = mountPoint + "/archive", metrics = outside + "/backup.prom"
                let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive])
                #expect(try await CLIProcess.run(["init"], environment: env).status == 0)
                let result = try await CLIProcess.run(["backup", "--json", "--metrics-file", metrics], environment: env)
                #expect(result.status == 1, "\(result.stderr)")
                #expect(result.stderr.contains("disk is full"), "\(result.stderr)")
                let values = try Self.samples(metrics)
                #expect(values["ivy_archiver_exit_code{account=\"demo@example.com\"}"] == 1, "\(values)")
                #expect(try await Self.promtool(metrics) == nil)
                // What the run did before it stopped is reported, in the metrics and on stdout.
                let archived = mp4Files(in: archive).count
                #expect(values["ivy_archiver_clips_archived{account=\"demo@example.com\"}"].map { Int($0) } == archived, "\(values)")
                let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                #expect(report?["archived"] as? Int == archived, "\(result.stdout)")
            }
        }
    }

    /// A run that ends with exit 1 (a clip the cloud cannot serve) still has its counts.
    @Test func aPartlyFailedRunHasItsCounts() async throws {
        let start = Int64(Date().timeIntervalSince1970) / 60 * 60 - 7200
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00AE01", name: "Side", productName: "VD1", profile: .videoOnly,
                                             fixedRecordings: [SandboxRecording(start: start, end: start + 8, type: 0),
                                                               SandboxRecording(start: start + 60, end: start + 68, type: 0)])]
            configuration.account = account
            configuration.faults.brokenClips = [start]
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let metrics = archive + "/backup.prom"
            let result = try await CLIProcess.run(["backup", "--archive", archive, "--metrics-file", metrics], environment: endpoint.cliEnvironment())
            #expect(result.status == 1, "\(result.stderr)")
            let values = try Self.samples(metrics)
            let account = "account=\"demo@example.com\""
            #expect(values["ivy_archiver_exit_code{\(account)}"] == 1, "\(values)")
            #expect(values["ivy_archiver_clips_archived{\(account)}"] != nil, "\(values)")
            let unhappy = (values["ivy_archiver_clips_failed{\(account)}"] ?? 0) + (values["ivy_archiver_clips_partial{\(account)}"] ?? 0)
            #expect(unhappy == 1, "\(values)")
            #expect(values["ivy_archiver_last_success_timestamp_seconds{\(account)}"] == 0, "never succeeded: \(values)")
            #expect(try await Self.promtool(metrics) == nil)
        }
    }

    @Test func aMetricsFolderThatIsNotThereIsFoundBeforeAnyRequest() async throws {
        try await withSandbox { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let metrics = archive + "/no-such-folder/backup.prom"
            let result = try await CLIProcess.run(["backup", "--archive", archive, "--metrics-file", metrics], environment: endpoint.cliEnvironment())
            #expect(result.status == 2)
            #expect(result.stderr == "ivy-archiver: cannot write the metrics file \(metrics): the folder \(archive)/no-such-folder does not exist\n",
                    "\(result.stderr)")
            #expect(endpoint.cloud.stats.calls.isEmpty, "\(endpoint.cloud.stats.calls)")
        }
    }

    /// `backup --json`: the files archived, the failures with reasons, times in ISO 8601.
    @Test func theJSONSummaryListsTheFilesWithISOTimes() async throws {
        try await InterruptionTests.withSlowSandbox { env in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let result = try await CLIProcess.run(["backup", "--archive", archive, "--json"], environment: env.merging(["IVY_TIMEZONE": "Asia/Tokyo"]) { $1 })
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let clips = try #require(summary["archivedClips"] as? [[String: Any]])
            #expect(clips.count == 2)
            for clip in clips {
                let path = try #require(clip["path"] as? String)
                #expect(FileManager.default.fileExists(atPath: archive + "/" + path))
                #expect((clip["start"] as? String)?.hasSuffix("+09:00") == true, "\(clip)")
                #expect(clip["camera"] as? String == "00626E00AB01")
            }
            #expect((summary["from"] as? String)?.hasSuffix("Z") == true && (summary["failures"] as? [Any])?.isEmpty == true, "\(summary)")
        }
    }
}
