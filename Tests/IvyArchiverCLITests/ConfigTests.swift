import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// The config file is checked: no mistake in it passes silently as a default.
@Suite struct ConfigTests {
    /// Writes `text` as a config file in a new folder; returns its path.
    static func config(_ text: String, mode: Int = 0o600) throws -> String {
        let folder = try makeTemporaryDirectory()
        let path = folder + "/config.toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// Each mistake, the line it is on, and what the message must say.
    static let mistakes: [(text: String, line: Int, says: String)] = [
        ("username = \"a@b.c\"\nkeep_day = 90\n", 2, "unknown key 'keep_day' (did you mean keep_days?)"),
        ("time_zone = \"Europe/Berlin\"\n", 1, "unknown key 'time_zone' (did you mean timezone?)"),
        ("# comment\n\n  retenton_days = 7\n", 3, "unknown key 'retenton_days' (did you mean retention_days?)"),
        ("colour = \"blue\"\n", 1, "unknown key 'colour'"),
        ("keep_days = \"90\"\n", 1, "keep_days must be a whole number, not a string (\"90\")"),
        ("keep_days = 1.5\n", 1, "keep_days must be a whole number, not a decimal (1.5)"),
        ("keep_days = 0\n", 1, "keep_days must be at least 1, not 0"),
        ("export_max_hours = \"inf\"\n", 1, "export_max_hours must be a number, not a string (\"inf\")"),
        ("export_max_hours = inf\n", 1, "export_max_hours must be a number, not inf, which is no finite number"),
        ("username = \"a@b.c\"\n[device_timezones]\n\"00626E8A1B01\" = \"UTC\"\narchive = \"/srv/x\"\n", 4,
         "archive is inside [device_timezones], since every key after a [table] header belongs to that table"),
        ("[devices]\nfront = 1\n", 1, "unknown key 'devices'"),
        ("path_template = \"{nope}/{date}.mp4\"\n", 1, "unknown placeholder {nope} in the path template"),
        ("state_dir = \"relative/dir\"\n", 1, "state_dir must be an absolute path"),
        ("max_run_minutes = -5\n", 1, "max_run_minutes must be more than 0, not -5"),
        ("allowed_media_hosts = \"cdn.example.com\"\n", 1, "allowed_media_hosts must be a list of strings"),
        ("api_url = 443\n", 1, "api_url must be a string in quotes, not a whole number (443)"),
        ("username = \"a@b.c\"\n[device_timezones]\n\"00626E8A1B01\" = \"UTC\"\nkeep_days = 90\n", 4,
         "keep_days is inside [device_timezones], since every key after a [table] header belongs to that table"),
        ("[device_timezones]\n\"00626E8A1B01\" = 5\n", 2, "'00626E8A1B01' in [device_timezones] must be a string in quotes"),
        ("[device_timezones]\n\"00626E8A1B0\" = \"UTC\"\n", 2, "'00626E8A1B0' in [device_timezones] is not a MAC address"),
        ("timezone = \"Europe/Berln\"\n", 1, "unknown time zone 'Europe/Berln'"),
        ("max_rate = \"fast\"\n", 1, "max_rate takes bytes per second from 1K up"),
        ("password = \"x\"\npassword_command = \"pass show foscam\"\n", 2, "set one of password and password_command, not both"),
        // [[accounts]]: each mistake named in its entry.
        ("archive = \"/srv\"\n[[accounts]]\nname = \"a\"\nmax_rate = \"2M\"\n", 4, "max_rate is set for the whole run, not per account"),
        ("[[accounts]]\nusername = \"a@b.c\"\n", 1, "this [[accounts]] entry has no name"),
        ("[[accounts]]\nname = \"a b\"\n", 2, "account name 'a b' is not 1-64 letters"),
        ("[[accounts]]\nname = \"a\"\n[[accounts]]\nname = \"A\"\n", 4, "two accounts are named 'a'"),
        ("[[accounts]]\nname = \"a\"\n[[accounts]]\nname = \"b\"\nkeep_day = 3\n", 5, "unknown key 'keep_day' (did you mean keep_days?)"),
        ("[[accounts]]\nname = \"a\"\n[accounts.device_timezones]\n\"00626E8A1B0\" = \"UTC\"\n", 4, "is not a MAC address"),
        ("[[accounts]]\nname = \"a\"\narchive = \"rel\"\n", 3, "archive \"rel\" is relative, and no archive above"),
        ("accounts = \"a\"\n", 1, "accounts must be a list of [[accounts]] tables"),
        ("destination = \"r:x\"\nkeep_local_days = 0\n", 2, "keep_local_days must be at least 1"),
        ("keep_local_days = 3\n", 1, "there is no destination to ship to"),
        ("username = \"a@b.c\"\ndestination = \"\"\n", 2, "destination is empty"),
    ]

    @Test(arguments: 0..<mistakes.count)
    func aMistakeInTheConfigIsNamedWithItsLine(_ index: Int) async throws {
        let mistake = Self.mistakes[index]
        let path = try Self.config(mistake.text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        for command in [["config", "check"], ["backup", "--dry-run", "--archive", "/nonexistent"], ["devices"]] {
            let result = try await CLIProcess.run(command + ["--config", path])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(lines.first?.hasPrefix("ivy-archiver: \(path):\(mistake.line): ") == true, "\(result.stderr)")
            #expect(result.stderr.contains(mistake.says), "\(result.stderr)")
        }
    }

    @Test func numbersTakeIntegersAndDecimalsWhereTheyMeanANumber() async throws {
        let path = try Self.config("keep_days = 90.0\nexport_max_hours = 1.5\nmax_run_minutes = 90\nretention_days = 7\nmax_rate = \"1.5M\"\n")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let result = try await CLIProcess.run(["config", "check", "--config", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let values = Dictionary(rows.map { ($0["key"] as? String ?? "", $0["value"] as? String ?? "-") }) { $1 }
        #expect(values["keep_days"] == "90" && values["export_max_hours"] == "1.5" && values["max_run_minutes"] == "90", "\(values)")
        #expect(values["max_rate"] == "1.5M", "\(values)")
    }

    /// Every setting with where it came from; no secret printed.
    @Test func configCheckSaysWhereEachSettingComesFromAndPrintsNoSecret() async throws {
        let path = try Self.config("""
            oem_code = "FROM-FILE"
            username = "file@example.com"
            password = "file-password-123"
            keep_days = 30
            destination = ":webdav,url='https://dav.example',user=me,pass=dav-secret-789:cams"
            notify_url = "https://hook:hook-secret-000@hooks.example.com/ivy?token=hook-token-111"
            notify_command = 'apprise -b "$(cat)" "mailtos://me:mail-secret-222@mail.example.com"'

            [device_timezones]
            "00:62:6e:8a:1b:01" = "America/New_York"
            """)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let result = try await CLIProcess.run(["config", "check", "--config", path, "--username", "flag@example.com", "--json"],
                                              environment: ["IVY_TIMEZONE": "Europe/Berlin", "IVY_ACCESS_TOKEN": "token-secret-456"])
        #expect(result.status == 0, "\(result.stderr)")
        for secret in ["file-password-123", "token-secret-456", "dav-secret-789", "hook-secret-000", "hook-token-111", "mail-secret-222"] {
            #expect(!result.stdout.contains(secret), "\(secret): \(result.stdout)")
        }
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let sources = Dictionary(rows.map { ($0["key"] as? String ?? "", $0["source"] as? String ?? "") }) { $1 }
        #expect(sources["username"] == "flag --username")
        #expect(sources["timezone"] == "environment IVY_TIMEZONE")
        #expect(sources["access_token"] == "environment IVY_ACCESS_TOKEN")
        #expect(sources["oem_code"] == "\(path):1")
        #expect(sources["password"] == "\(path):3")
        #expect(sources["keep_days"] == "\(path):4")
        #expect(sources["device_timezones.00626E8A1B01"] == "\(path):10")
        #expect(sources["api_url"] == "default")
    }

    @Test func aPasswordOthersCanReadIsWarnedAbout() async throws {
        for (mode, warned) in [(0o644, true), (0o640, false), (0o600, false)] {
            let path = try Self.config("username = \"a@b.c\"\npassword = \"pw\"\n", mode: mode)
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            let result = try await CLIProcess.run(["config", "check", "--config", path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("warning: \(path) holds a password and every user of this machine can read it") == warned,
                    "mode \(String(mode, radix: 8)): \(result.stderr)")
        }
    }

    /// The sample config, as shipped, is a valid config.
    @Test func theSampleConfigPassesTheCheck() async throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/config.toml").path
        let result = try await CLIProcess.run(["config", "check", "--config", sample])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The password from a file, a command, or a systemd credential logs in; a failing
    /// command is named, never its output.
    @Test func thePasswordComesFromAFileACommandOrACredential() async throws {
        try await withSandbox { endpoint, _ in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try "sandbox-password\n".write(toFile: folder + "/password", atomically: true, encoding: .utf8)
            let base = ["IVY_API_URL": endpoint.baseURL, "IVY_OEM_CODE": "SANDBOX", "IVY_USERNAME": "demo@example.com"]
            let command = try Self.config("password_command = \"cat '\(folder)/password'\"\n")
            let failing = try Self.config("password_command = \"echo not-the-password; exit 3\"\n")
            let file = try Self.config("password_file = \"\(folder)/password\"\n")
            let cases: [(String, [String], [String: String])] = [
                ("command", ["--config", command], base),
                ("file", ["--config", file], base),
                ("environment file", [], base.merging(["IVY_PASSWORD_FILE": folder + "/password"]) { $1 }),
                ("systemd credential", [], base.merging(["CREDENTIALS_DIRECTORY": folder]) { $1 }),
            ]
            for (name, arguments, environment) in cases {
                let result = try await CLIProcess.run(["devices"] + arguments, environment: environment)
                #expect(result.status == 0, "\(name): \(result.stderr)")
            }
            let result = try await CLIProcess.run(["devices", "--config", failing], environment: base)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr == "ivy-archiver: the password command failed with exit status 3 (\(failing):1)\n", "\(result.stderr)")
            // A relative password_file is read beside its config, wherever the command runs from.
            try "password_file = \"password\"\n".write(toFile: folder + "/relative.toml", atomically: true, encoding: .utf8)
            let relative = try await CLIProcess.run(["devices", "--config", folder + "/relative.toml"], environment: base)
            #expect(relative.status == 0, "\(relative.stderr)")
            // One that cannot be read is found by config check, without logging in.
            let missing = try Self.config("password_file = \"/nonexistent/password\"\n")
            let unread = try await CLIProcess.run(["config", "check", "--config", missing], environment: base)
            #expect(unread.status == 2 && unread.stderr == "ivy-archiver: cannot read the password file /nonexistent/password (\(missing):1)\n", "\(unread.stderr)")
            let checked = try await CLIProcess.run(["config", "check", "--config", command], environment: base)
            #expect(checked.stdout.contains("(redacted; printed by `cat '\(folder)/password'`)") && !checked.stdout.contains("sandbox-password"), "\(checked.stdout)")
        }
    }
}
