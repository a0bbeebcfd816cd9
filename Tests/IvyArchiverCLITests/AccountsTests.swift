import Foundation
import IvyFleet
import IvySandbox
import IvyTestSupport
import Testing

/// One config for several accounts: each account in its own archive (lock, catalog), a
/// failing account reported without stopping the others, and `--shard` splitting them.
@Suite struct AccountsTests {
    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    static func files(under folder: String, ending suffix: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(suffix) }
    }

    @Test func twoAccountsHaveTheirOwnArchivesAndOneFailingDoesNotStopTheOther() async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: "00626E00CC01", name: "Porch", productName: "VD1", profile: .videoOnly,
                                             layout: RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 2, chunkSeconds: 20))]
            configuration.account = account
        }) { endpoint, _ in
            let root = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            // The failing account comes first: the one after it must still run.
            let config = try ConfigTests.config("""
                api_url = "\(endpoint.baseURL)"
                oem_code = "SANDBOX"
                archive = "\(root)"
                timezone = "UTC"
                destination = ":local:\(root)/offsite"
                notify_command = "cat > \(root)/notice-$IVY_NOTIFY_ACCOUNT.json"
                notify_on_success = true

                [[accounts]]
                name = "shop"
                username = "nobody@example.com"
                password = "not-the-password"

                [[accounts]]
                name = "home"
                username = "demo@example.com"
                password = "sandbox-password"
                """)
            defer { try? FileManager.default.removeItem(atPath: (config as NSString).deletingLastPathComponent) }
            // The environment's one-account credentials (the demo user's) must not stand in
            // for an entry's own: with them, "shop" would log in.
            let env = endpoint.cliEnvironment(["IVY_STATE_DIR": root + "/state"])
            // Every account's archive at once.
            let made = try await CLIProcess.run(["init", "--config", config], environment: env)
            #expect(made.status == 0 && made.stdout.contains("shop: created the archive \(root)/shop")
                && made.stdout.contains("home: created the archive \(root)/home"), "\(made.stdout)\(made.stderr)")
            let metrics = root + "/backup.prom"
            let result = try await CLIProcess.run(["backup", "--config", config, "--json", "--metrics-file", metrics], environment: env)
            #expect(result.status == 1, "one account failed, the other did not: \(result.stderr)")
            let report = try Self.json(result.stdout)
            let accounts = report["accounts"] as? [[String: Any]] ?? []
            #expect(accounts.map { $0["account"] as? String } == ["shop", "home"])
            #expect(accounts.first?["exitCode"] as? Int == 2 && (accounts.first?["error"] as? String)?.contains("authentication failed") == true,
                    "\(accounts)")
            #expect(accounts.last?["exitCode"] as? Int == 0)
            #expect(result.stderr.split(separator: "\n").filter { $0.contains("account shop: authentication failed") }.count == 1, "\(result.stderr)")

            let expected = endpoint.cloud.recordings(mac: "00626E00CC01").count
            let homeClips = Self.files(under: root + "/home", ending: ".mp4")
            #expect(homeClips.count == expected && expected > 0, "\(homeClips)")
            #expect(Self.files(under: root + "/shop", ending: ".mp4").isEmpty)
            let probe = try await FFprobe.probe(root + "/home/" + homeClips[0])
            #expect(probe.duration > 0)
            // Each account's own catalog and lock, in its own archive.
            #expect(FileManager.default.fileExists(atPath: root + "/home/.ivy-archiver/catalog.sqlite"))
            #expect(!FileManager.default.fileExists(atPath: root + "/.ivy-archiver"))

            let values = try MetricsTests.samples(metrics)
            #expect(values["ivy_archiver_exit_code{account=\"shop\"}"] == 2 && values["ivy_archiver_exit_code{account=\"home\"}"] == 0, "\(values)")
            #expect(values["ivy_archiver_clips_archived{account=\"home\"}"] == Double(expected))
            #expect(values["ivy_archiver_last_success_timestamp_seconds{account=\"shop\"}"] == 0)
            #expect(try await MetricsTests.promtool(metrics) == nil)

            // Shipped: every clip of home's at the destination, byte for byte, in its folder.
            let copies = Self.files(under: root + "/offsite/home", ending: ".mp4")
            #expect(Set(copies) == Set(homeClips), "\(copies)")
            for clip in homeClips {
                #expect(FileManager.default.contentsEqual(atPath: root + "/home/" + clip, andPath: root + "/offsite/home/" + clip), "\(clip)")
            }
            #expect(Self.files(under: root + "/offsite", ending: ".mp4").count == homeClips.count)
            #expect((accounts.last?["backup"] as? [String: Any]).flatMap { $0["shipping"] as? [String: Any] }?["shipped"] as? [String] != nil)
            #expect(values["ivy_archiver_clips_shipped{account=\"home\"}"] == Double(expected))

            // Told: one notice per account, with no secret in either.
            let shopNotice = try String(contentsOfFile: root + "/notice-shop.json", encoding: .utf8)
            let homeNotice = try String(contentsOfFile: root + "/notice-home.json", encoding: .utf8)
            #expect((try Self.json(shopNotice)["events"] as? [String]) == ["failure"], "\(shopNotice)")
            #expect((try Self.json(homeNotice)["events"] as? [String]) == ["success"], "\(homeNotice)")
            for secret in ["sandbox-password", "not-the-password"] {
                #expect(!shopNotice.contains(secret) && !homeNotice.contains(secret))
            }

            // A copy changed by one byte is found by verify --remote, and only that one.
            let changed = root + "/offsite/home/" + homeClips[0]
            var bytes = try Data(contentsOf: URL(fileURLWithPath: changed))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: changed))
            let verified = try await CLIProcess.run(["verify", "--remote", "--config", config, "--account", "home"], environment: env)
            #expect(verified.status == 1, "\(verified.stdout)\(verified.stderr)")
            let problems = verified.stdout.split(separator: "\n").filter { $0.hasPrefix("PROBLEM ") }
            #expect(problems.count == 1 && problems.first?.contains(homeClips[0]) == true, "\(verified.stdout)")
            #expect(verified.stdout.contains("1 of them will be shipped again by the next backup"), "\(verified.stdout)")

            // The next night: home has nothing new, shop still fails; each keeps its series.
            let again = try await CLIProcess.run(["backup", "--config", config, "--account", "home", "--metrics-file", metrics], environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("home: 0 archived, \(expected) already there"), "\(again.stdout)")
            let later = try MetricsTests.samples(metrics)
            #expect(later["ivy_archiver_exit_code{account=\"home\"}"] == 0)
            // The bad copy was shipped again, and the remote is whole.
            #expect(FileManager.default.contentsEqual(atPath: root + "/home/" + homeClips[0], andPath: changed))
            #expect(later["ivy_archiver_clips_shipped{account=\"home\"}"] == 1, "\(later)")
            let whole = try await CLIProcess.run(["verify", "--remote", "--config", config, "--account", "home"], environment: env)
            #expect(whole.status == 0, "\(whole.stdout)\(whole.stderr)")
            // shop did not run this time: its series stay as they were, for its alerts.
            #expect(later["ivy_archiver_exit_code{account=\"shop\"}"] == 2, "\(later)")
            #expect(later["ivy_archiver_last_success_timestamp_seconds{account=\"shop\"}"] == 0)
            #expect(try await MetricsTests.promtool(metrics) == nil)
        }
    }

    /// Every account in exactly one shard, the shards' runs matching `shards`, on a cloud that
    /// is not there (each account fails fast, and is still reported).
    @Test func shardsSplitTheAccountsAsTheShardsCommandSays() async throws {
        let names = (1...12).map { "site-\($0)" }
        let config = try ConfigTests.config("""
            api_url = "http://127.0.0.1:1"
            archive = "/nonexistent/ivy-root"

            """ + names.map { "[[accounts]]\nname = \"\($0)\"\nusername = \"\($0)@example.com\"\npassword = \"x\"\n" }.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: (config as NSString).deletingLastPathComponent) }
        let listed = try await CLIProcess.run(["shards", "--shards", "3", "--config", config, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let assigned = Dictionary(uniqueKeysWithValues: rows.map { ($0["account"] as? String ?? "", $0["shard"] as? Int ?? -1) })
        #expect(Set(assigned.keys) == Set(names))

        var seen: [String] = []
        for index in 0..<3 {
            // As a Kubernetes Indexed Job's pod runs it.
            let run = try await CLIProcess.run(["backup", "--config", config, "--shards", "3", "--json"], environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            let report = try Self.json(run.stdout)
            let accounts = (report["accounts"] as? [[String: Any]] ?? []).compactMap { $0["account"] as? String }
            #expect(report["shard"] as? String == "\(index)/3")
            #expect(accounts.allSatisfy { assigned[$0] == index }, "shard \(index) ran \(accounts)")
            // Each account fails on its own (no archive): never exit 2, which would fail the
            // whole Job and every other worker with it.
            #expect(run.status == (accounts.isEmpty ? 0 : 1), "\(run.stderr)")
            seen += accounts
        }
        #expect(seen.sorted() == names.sorted(), "every account exactly once: \(seen)")

        let explicit = try await CLIProcess.run(["backup", "--config", config, "--shard", "1/3", "--json"])
        let accounts = (try Self.json(explicit.stdout)["accounts"] as? [[String: Any]] ?? []).compactMap { $0["account"] as? String }
        #expect(accounts == names.filter { assigned[$0] == 1 })

        let unset = try await CLIProcess.run(["backup", "--config", config, "--shards", "3"])
        #expect(unset.status == 2 && unset.stderr.contains("JOB_COMPLETION_INDEX, which is not set"), "\(unset.stderr)")
        let outOfRange = try await CLIProcess.run(["backup", "--config", config, "--shards", "3"], environment: ["JOB_COMPLETION_INDEX": "3"])
        #expect(outOfRange.status == 2 && outOfRange.stderr.contains("shard index 3 is not one of 0 to 2"), "\(outOfRange.stderr)")
        let bad = try await CLIProcess.run(["backup", "--config", config, "--shard", "3/3"])
        #expect(bad.status == 2 && bad.stderr.contains("shard index 3 is not one of 0 to 2"), "\(bad.stderr)")
    }

    @Test func commandsOtherThanBackupTakeOneAccount() async throws {
        let config = try ConfigTests.config("""
            archive = "/srv/root"
            [[accounts]]
            name = "a"
            username = "a@example.com"
            [[accounts]]
            name = "b"
            username = "b@example.com"
            archive = "/elsewhere/b"
            """)
        defer { try? FileManager.default.removeItem(atPath: (config as NSString).deletingLastPathComponent) }
        let none = try await CLIProcess.run(["devices", "--config", config])
        #expect(none.status == 2 && none.stderr.contains("has 2 accounts (a, b): say which with --account NAME"), "\(none.stderr)")
        // config check without a name checks them all, one row each.
        let all = try await CLIProcess.run(["config", "check", "--config", config])
        #expect(all.status == 0 && all.stdout.contains("/srv/root/a") && all.stdout.contains("/elsewhere/b"), "\(all.stdout)\(all.stderr)")
        let checkA = try await CLIProcess.run(["config", "check", "--config", config, "--account", "a", "--json"])
        #expect(checkA.status == 0, "\(checkA.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(checkA.stdout.utf8)) as? [[String: Any]] ?? []
        let values = Dictionary(rows.map { ($0["key"] as? String ?? "", $0["value"] as? String ?? "-") }) { $1 }
        #expect(values["archive"] == "/srv/root/a" && values["username"] == "a@example.com", "\(values)")
        let checkB = try await CLIProcess.run(["config", "check", "--config", config, "--account", "b", "--json"])
        #expect(checkB.stdout.contains("/elsewhere/b"), "\(checkB.stdout)")
        let typo = try await CLIProcess.run(["config", "check", "--config", config, "--account", "c"])
        #expect(typo.status == 2 && typo.stderr.contains("has no account of that name"), "\(typo.stderr)")
        let flag = try await CLIProcess.run(["config", "check", "--config", config, "--account", "a", "--username", "x@example.com"])
        #expect(flag.status == 2 && flag.stderr.contains("--username cannot be used with [[accounts]]"), "\(flag.stderr)")
    }
}
