import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// The `ivy-archiver` binary against an in-process sandbox: output, exit codes, configuration.
@Suite struct CLITests {
    func environment(_ endpoint: SandboxEndpoint) -> [String: String] {
        endpoint.cliEnvironment()
    }

    @Test func devicesAsJSON() async throws {
        try await withSandbox { endpoint, _ in
            let result = try await CLIProcess.run(["devices", "--json"], environment: environment(endpoint))
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["mac"] as? String } == endpoint.cloud.configuration.account.devices.map(\.mac))
            #expect(!result.stdout.contains("device-secret"), "the device password must not be printed")
        }
    }

    @Test func recordingsOfWholeDaysInATimeZone() async throws {
        try await withSandbox({ $0.account = .demo(days: 3, continuousChunksPerDay: 1, eventsPerDay: 3) }) { endpoint, _ in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let clips = endpoint.cloud.recordings(mac: mac)
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
            let day = formatter.string(from: Date(timeIntervalSince1970: Double(clips[clips.count / 2].start)))
            let result = try await CLIProcess.run(
                ["recordings", "--device", mac, "--from", day, "--to", day, "--timezone", "Asia/Tokyo", "--json"], environment: environment(endpoint))
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
            let expected = clips.filter { clip in
                let start = formatter.string(from: Date(timeIntervalSince1970: Double(clip.start)))
                let end = formatter.string(from: Date(timeIntervalSince1970: Double(clip.end)))
                return start == day || end == day
            }
            #expect(rows.compactMap { ($0["start"] as? NSNumber)?.int64Value } == expected.map(\.start))
            #expect(!rows.isEmpty)
        }
    }

    @Test func aWrongPasswordExitsWithTwo() async throws {
        try await withSandbox { endpoint, _ in
            var env = environment(endpoint)
            env["IVY_PASSWORD"] = "wrong"
            let result = try await CLIProcess.run(["devices"], environment: env)
            #expect(result.status == 2)
            #expect(result.stderr.contains("030061"))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.lowercased().components(separatedBy: "password does not match").count == 2, "the cause said once: \(result.stderr)")
            #expect(!result.stderr.contains("wrong"), "the password must not be echoed")
        }
    }

    @Test func anUnreachableCloudExitsWithThree() async throws {
        let result = try await CLIProcess.run(["time"], environment: ["IVY_API_URL": "http://127.0.0.1:1"])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("ivy-archiver: "))
    }

    @Test(arguments: [
        ["recordings"],
        ["recordings", "--device", "X", "--from", "2026-02-30"],
        ["devices", "--timezone", "Mars/Olympus"],
        ["no-such-command"],
    ])
    func badUsageExitsWithTwo(arguments: [String]) async throws {
        let result = try await CLIProcess.run(arguments, environment: ["IVY_USERNAME": "a", "IVY_PASSWORD": "b", "IVY_API_URL": "http://127.0.0.1:1"])
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func missingCredentialsAreExplained() async throws {
        let result = try await CLIProcess.run(["devices"], environment: ["IVY_API_URL": "http://127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("IVY_USERNAME"))
    }

    @Test func theConfigFileIsReadAndTheEnvironmentWins() async throws {
        try await withSandbox { endpoint, _ in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/config.toml"
            try """
                api_url = "http://127.0.0.1:1"
                oem_code = "SANDBOX"
                username = "demo@example.com"
                password = "sandbox-password"
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let fromFile = try await CLIProcess.run(["devices", "--config", path], environment: [:])
            #expect(fromFile.status == 3, "the file's unreachable URL was used")
            let overridden = try await CLIProcess.run(["devices", "--config", path, "--json"], environment: ["IVY_API_URL": endpoint.baseURL])
            #expect(overridden.status == 0, "\(overridden.stderr)")

            try "password = [".write(toFile: path, atomically: true, encoding: .utf8)
            let broken = try await CLIProcess.run(["devices", "--config", path], environment: [:])
            #expect(broken.status == 2)
            #expect(broken.stderr.contains("config.toml:1"))
        }
    }

    @Test func deviceManagementAndGrants() async throws {
        try await withSandbox { endpoint, _ in
            let env = environment(endpoint)
            let add = try await CLIProcess.run(
                ["device", "add", "--mac", "00626E0000AA", "--name", "Attic", "--product", "FI9900P",
                 "--device-username", "admin", "--device-password", "pw"], environment: env)
            #expect(add.status == 0, "\(add.stderr)")
            let again = try await CLIProcess.run(
                ["device", "add", "--mac", "00626E0000AA", "--name", "Attic", "--product", "FI9900P",
                 "--device-username", "admin", "--device-password", "pw"], environment: env)
            #expect(again.status == 1)
            #expect(again.stderr.contains("020040"))
            let rename = try await CLIProcess.run(["device", "update", "--mac", "00626E0000AA", "--name", "Loft"], environment: env)
            #expect(rename.status == 0)
            let listed = try await CLIProcess.run(["devices"], environment: env)
            #expect(listed.stdout.contains("Loft"))
            let remove = try await CLIProcess.run(["device", "remove", "--mac", "00626E0000AA"], environment: env)
            #expect(remove.status == 0)

            let inactive = try await CLIProcess.run(["grants", "list", "--inactive", "--json"], environment: env)
            let grants = try JSONSerialization.jsonObject(with: Data(inactive.stdout.utf8)) as? [[String: Any]] ?? []
            let grant = try #require(grants.first)
            let activate = try await CLIProcess.run(
                ["grants", "activate", "--grant-id", "\(grant["grantId"]!)", "--device", "\(grant["device"]!)"], environment: env)
            #expect(activate.status == 0, "\(activate.stderr)")
            let service = try await CLIProcess.run(["service", "--device", "\(grant["device"]!)", "--json"], environment: env)
            #expect(service.status == 0)
            #expect(service.stdout.contains("7 days per year"))
        }
    }

    @Test func theSandboxCommandServesTheCLI() async throws {
        // `ivy-archiver sandbox` started as its own process, as a user would start it by hand.
        try await SandboxProcess.withRunning(["--port", "0"]) { url, _ in
            let result = try await CLIProcess.run(["devices", "--json"], environment: [
                "IVY_API_URL": url, "IVY_OEM_CODE": "SANDBOX", "IVY_USERNAME": "demo@example.com", "IVY_PASSWORD": "sandbox-password",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Front Door"))
        }
    }

    /// Values are read into their types before any work: a malformed one, or options that do not
    /// go together, is one line naming the option and what it takes, exit 2, no cloud call.
    @Test(arguments: [
        (["devices", "--log-level", "loud"], "log levels are trace"),
        (["backup", "--from", "2026-02-30"], "'2026-02-30' is not a date"),
        (["backup", "--from", "2026-11-02", "--to", "2026-11-01"], "--to is before --from"),
        (["firmware", "--device", "00626E00AA01", "--sys-version", "one", "--app-version", "2.x.2.70"], "'one' is not a version"),
        (["sandbox", "--chunk-seconds", "5"], "--chunk-seconds must be a positive multiple of 4"),
        (["device", "update", "--mac", "00626E00AA01"], "nothing to change"),
        (["fetch", "ftp://example.com/x.m3u8", "--output", "/tmp/never.mp4"], "must start with http:// or https://"),
    ])
    func aMalformedOptionIsOneLineAndExitsTwo(arguments: [String], message: String) async throws {
        let result = try await CLIProcess.run(arguments, environment: ["IVY_API_URL": "http://127.0.0.1:9"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test(arguments: ["tomorrow", "25:00", "0m", "5x"])
    func aDeadlineThatIsNoTimeIsRefused(_ value: String) async throws {
        try await withSandbox { endpoint, _ in
            let result = try await CLIProcess.run(["backup", "--archive", "/nonexistent-ivy", "--deadline", value], environment: environment(endpoint))
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("--deadline takes a time"), "\(result.stderr)")
        }
    }

    /// One device entry the client cannot read: the others are listed, the bad one counted on
    /// stderr, exit 1.
    @Test func devicesListsWhatCanBeReadAndCountsTheRest() async throws {
        try await withSandbox({ $0.faults.answers = [AnswerFault(service: "user_ipc_setting_v2_0.getOemDeviceByUser", answer: .rewrite {
            $0.replacingOccurrences(of: #""macAddr":"00626E8A1B03""#, with: #""x":1"#)
        })] }) { endpoint, _ in
            let result = try await CLIProcess.run(["devices", "--json"], environment: environment(endpoint))
            #expect(result.status == 1, "\(result.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(rows.compactMap { $0["mac"] as? String } == endpoint.cloud.configuration.account.devices.map(\.mac).filter { $0 != "00626E8A1B03" })
            #expect(result.stderr.contains("1 device entry in the cloud's answer could not be read (missing macAddr)"), "\(result.stderr)")
        }
    }
}
