import Foundation
import IvyTestSupport
import Testing

/// `export --make-key`, `--sign-key`, `--check --public-key` and `--check --archive` as a person
/// runs them: one line and exit 2 for a key that cannot be used, exit 1 and the cause named for
/// a check that fails.
@Suite struct ExportEvidenceCommandTests {
    static let window = ["--device", "Door", "--from", "2026-11-25 08:03:04", "--to", "2026-11-25 08:03:20"]

    @Test func aSignedExportChecksAndARehashedOneFails() async throws {
        try await ExportCommandTests.withAccount { env, folder in
            let key = folder + "/export-key.pem", publicKey = folder + "/export-key.pub.pem", output = folder + "/signed.mp4"
            let made = try await CLIProcess.run(["export", "--make-key", key])
            #expect(made.status == 0 && made.stdout.contains("public key: \(publicKey)"), "\(made.stdout)\(made.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
            let again = try await CLIProcess.run(["export", "--make-key", key])
            #expect(again.status == 2 && again.stderr.contains("exists: a key file is never replaced"), "\(again.stderr)")

            let export = try await CLIProcess.run(["export"] + Self.window + ["--output", output, "--sign-key", key], environment: env)
            #expect(export.status == 0 && export.stderr.isEmpty, "\(export.stderr)")
            #expect(export.stdout.contains("signed: \(output).json.sig (public key SHA256:"), "\(export.stdout)")
            #expect(export.stdout.contains("EVENT ") && export.stdout.contains("motion: chapter '2026-11-25 08:03:00 motion' at 0.0 s"), "\(export.stdout)")
            // The tool and its version, as --version says them.
            let version = try await CLIProcess.run(["--version"])
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".json"))) as? [String: Any] ?? [:]
            let summary = sidecar["summary"] as? [String: Any] ?? [:]
            #expect(summary["tool"] as? String == version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\(summary)")
            #expect(summary["model"] as? String == "FI9900P" && summary["camera"] as? String == "Door" && summary["timeZone"] as? String == "America/New_York")
            let chapters = try await FFprobe.chapters(output)
            #expect(chapters.first?.title == "2026-11-25 08:03:00 motion", "\(chapters)")

            let good = try await CLIProcess.run(["export", "--check", output, "--public-key", publicKey])
            #expect(good.status == 0 && good.stdout.contains("signature good") && good.stdout.contains("matches its record"), "\(good.stdout)\(good.stderr)")
            let fingerprint = try #require(summary["signature"] as? String).split(separator: " ").last.map(String.init) ?? "?"
            #expect(fingerprint.hasPrefix("SHA256:") && good.stdout.contains("matches its record; signature good (public key \(fingerprint))"), "\(good.stdout)")
            // Without the public key the line itself says the signature was not checked (exit 0:
            // nothing differs, but nothing vouches for the sidecar either).
            let unchecked = try await CLIProcess.run(["export", "--check", output])
            #expect(unchecked.status == 0 && unchecked.stdout == "\(output): matches its record; its signature (key \(fingerprint)) was NOT checked: "
                + "give --public-key KEY.pub.pem\n", "\(unchecked.stdout)")

            // Change the MP4, rewrite the sidecar's hash to match: the hashes pass, the signature does not.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            let old = try #require(sidecar["output"] as? [String: Any])["sha256"] as? String ?? "?"
            let text = try String(contentsOfFile: output + ".json", encoding: .utf8)
            try text.replacingOccurrences(of: old, with: try await sha256sum(output)).write(toFile: output + ".json", atomically: true, encoding: .utf8)
            let rehashed = try await CLIProcess.run(["export", "--check", output])
            #expect(rehashed.status == 0 && rehashed.stdout.contains("was NOT checked"), "only the hashes are checked: \(rehashed.stdout)\(rehashed.stderr)")
            let caught = try await CLIProcess.run(["export", "--check", output, "--public-key", publicKey])
            #expect(caught.status == 1, "\(caught.stdout)\(caught.stderr)")
            // The MP4 is what the rewritten sidecar says; the signature is what is bad.
            #expect(caught.stderr.split(separator: "\n").count == 1 && caught.stderr.contains("\(output) matches its record, but the signature is bad: "
                + "the signature in signed.mp4.json.sig does not match the sidecar"), "\(caught.stderr)")
            #expect(!caught.stderr.contains("does not match its record"), "\(caught.stderr)")
            #expect(caught.stdout.hasPrefix("\(output): matches its record; signature BAD (public key \(fingerprint))\n"), "\(caught.stdout)")
            let asJSON = try await CLIProcess.run(["export", "--check", output, "--public-key", publicKey, "--json"])
            let report = try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(asJSON.status == 1 && report["signature"] as? String == "invalid", "\(asJSON.stdout)")

            // An unsigned sidecar checked with a public key: the signature cannot be checked, which is not a difference.
            try FileManager.default.removeItem(atPath: output + ".json.sig")
            try text.write(toFile: output + ".json", atomically: true, encoding: .utf8)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            let unsigned = try await CLIProcess.run(["export", "--check", output, "--public-key", publicKey])
            #expect(unsigned.status == 1 && unsigned.stderr.contains("cannot check the signature: signed.mp4.json is not signed")
                    && !unsigned.stderr.contains("does not match"), "\(unsigned.stderr)")
            let plain = folder + "/plain.mp4"
            #expect(try await CLIProcess.run(["export"] + Self.window + ["--output", plain], environment: env).status == 0)
            let plainSidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plain + ".json"))) as? [String: Any] ?? [:]
            #expect((plainSidecar["summary"] as? [String: Any])?["signature"] as? String == "not signed", "\(plainSidecar)")
            let plainCheck = try await CLIProcess.run(["export", "--check", plain])
            #expect(plainCheck.status == 0 && plainCheck.stdout == "\(plain): matches its record; not signed\n", "\(plainCheck.stdout)")
        }
    }

    @Test func aKeyThatCannotBeUsedIsOneLineAndExit2() async throws {
        try await ExportCommandTests.withAccount { env, folder in
            try "not a key\n".write(toFile: folder + "/garbled.pem", atomically: true, encoding: .utf8)
            for (arguments, message) in [
                (["--sign-key", folder + "/missing.pem"], "cannot read the signing key \(folder)/missing.pem: no such file"),
                (["--sign-key", folder + "/garbled.pem"], "the signing key \(folder)/garbled.pem is not a PEM file"),
            ] {
                let result = try await CLIProcess.run(["export"] + Self.window + ["--output", folder + "/refused.mp4"] + arguments, environment: env)
                #expect(result.status == 2 && result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(message), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: folder + "/refused.mp4"))
            }
            let check = try await CLIProcess.run(["export", "--check", folder + "/garbled.pem", "--public-key", folder + "/garbled.pem"])
            #expect(check.status == 2 && check.stderr.split(separator: "\n").count == 1 && check.stderr.contains("is not a PEM file"), "\(check.stderr)")
            let alone = try await CLIProcess.run(["export", "--public-key", folder + "/garbled.pem"] + Self.window + ["--output", folder + "/x.mp4"], environment: env)
            #expect(alone.status == 2 && alone.stderr.contains("--public-key goes with --check"), "\(alone.stderr)")

            // An OpenSSL key anyone may read: used, with a warning.
            let key = folder + "/openssl.pem"
            #expect(try await Subprocess.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", key]).status == 0)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
            let warned = try await CLIProcess.run(["export"] + Self.window + ["--output", folder + "/warned.mp4", "--sign-key", key], environment: env)
            #expect(warned.status == 0 && warned.stderr.contains("warning: the signing key \(key) can be read by others (mode 0644): chmod 600"), "\(warned.stderr)")
        }
    }

    @Test func theArchiveCheckNamesAChangedSourceClip() async throws {
        try await ExportCommandTests.withAccount { env, folder in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let output = folder + "/saved.mp4"
            let export = try await CLIProcess.run(["export"] + Self.window + ["--output", output, "--save", "--archive", archive], environment: env)
            #expect(export.status == 0, "\(export.stderr)")
            // --save archived the clip: the archive's pages show it, as after a backup.
            let index = try String(contentsOfFile: archive + "/index.html", encoding: .utf8)
            #expect(index.contains("Door"), "\(index)")
            #expect(export.stdout.contains("archive pages: "), "\(export.stdout)")
            let good = try await CLIProcess.run(["export", "--check", output, "--archive", archive])
            #expect(good.status == 0 && good.stdout.contains("\(output): its source clip matches the archive"), "\(good.stdout)\(good.stderr)")

            let clip = try #require(mp4Files(in: archive).first)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: archive + "/" + clip))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: archive + "/" + clip))
            let changed = try await CLIProcess.run(["export", "--check", output, "--archive", archive])
            #expect(changed.status == 1 && changed.stderr.contains("source clip \(clip) (motion from 2026-11-25T08:03:00.000-05:00) changed"), "\(changed.stderr)")
            // The MP4 is intact: it is said apart from the source clip.
            #expect(changed.stderr.contains(": \(output) matches its record, but its source clip differs from the archive: "), "\(changed.stderr)")
            #expect(changed.stdout.contains("\(output): matches its record; not signed\n") && changed.stdout.contains("its source clip differs from the archive \(archive):"),
                    "\(changed.stdout)")
            #expect(!changed.stdout.contains("does not match") && !changed.stderr.contains("does not match"))
            try FileManager.default.removeItem(atPath: archive + "/" + clip)
            let missing = try await CLIProcess.run(["export", "--check", output, "--archive", archive])
            #expect(missing.status == 1 && missing.stderr.contains("\(clip) (motion from 2026-11-25T08:03:00.000-05:00) is missing from the archive"), "\(missing.stderr)")
            // Every clip missing: perhaps the wrong archive.
            #expect(missing.stderr.contains("; the source clip is not in \(archive): is it the archive the export was made from?"), "\(missing.stderr)")

            // The catalog says keep_days deleted it: no wrong archive, but nothing else to check (exit 1).
            let update = try await Subprocess.run("/usr/bin/sqlite3", [CatalogRecoveryTests.catalog(archive), "UPDATE clip SET state = 'pruned'"])
            try #require(update.status == 0, "\(update.stderr)")
            let pruned = try await CLIProcess.run(["export", "--check", output, "--archive", archive])
            #expect(pruned.status == 1 && pruned.stderr.contains("\(clip) (motion from 2026-11-25T08:03:00.000-05:00) was pruned from the archive by keep_days"),
                    "\(pruned.stderr)")
            #expect(!pruned.stderr.contains("is it the archive") && !pruned.stdout.contains("is it the archive")
                    && !pruned.stderr.contains("is missing"), "\(pruned.stdout)\(pruned.stderr)")

            // An MP4 gone while its sidecar is still there: both named (exit 2).
            try FileManager.default.removeItem(atPath: output)
            let gone = try await CLIProcess.run(["export", "--check", output])
            #expect(gone.status == 2 && gone.stderr.contains("\(output) does not exist, but its sidecar \(output).json does"), "\(gone.stderr)")
        }
    }
}
