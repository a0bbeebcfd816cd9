import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// The sidecar as evidence: its summary for a person, its signature (checked by OpenSSL as
/// well as by us), and `verify` catching a re-hashed sidecar, a changed source clip and still
/// reading the first format. Same sandbox recordings as `ExportTests`.
@Suite struct ExportEvidenceTests {
    static let base = ExportTests.base
    /// No daylight saving time, and an offset with minutes: `+05:30`.
    static let zone = TimeZone(identifier: "Asia/Kolkata")!

    static func request(_ from: Int64, _ to: Int64, output: String) -> Export.Request {
        var request = ExportTests.request(from, to, output: output)
        request.timeZone = zone
        request.tool = "ivy-archiver 9.8.7 (test)"
        return request
    }

    static func openssl(_ arguments: [String]) async throws -> CLIProcess.Result {
        try await Subprocess.run("/usr/bin/openssl", arguments)
    }

    @Test func theSidecarOpensWithASummaryInReadingOrder() async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/summary.mp4"
            let record = try await ExportTests.export(client).run(Self.request(20, 150, output: output))
            let summary = record.summary
            #expect(summary.camera == "Door" && summary.model == "FI9900P" && summary.mac == ExportTests.mac)
            #expect(record.device.model == "FI9900P" && summary.timeZone == "Asia/Kolkata")
            #expect(summary.tool == "ivy-archiver 9.8.7 (test)")
            let iso = try Regex(#"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$"#)
            let from = RecordingTime(Self.base + 20).iso8601(in: Self.zone, milliseconds: true)
            #expect(summary.requested == "\(from) to \(RecordingTime(Self.base + 150).iso8601(in: Self.zone, milliseconds: true)) (Asia/Kolkata)")
            #expect(summary.actual.hasSuffix("(Asia/Kolkata)") && summary.actual.contains("+05:30 to "))
            #expect((try? iso.wholeMatch(in: summary.createdAt)) != nil, "in the camera's zone like every instant: \(summary.createdAt)")
            #expect(summary.cuts.first?.hasPrefix("cuts on keyframes") == true, "\(summary.cuts)")
            #expect(summary.cuts.contains { $0.hasPrefix("of the first clip (continuous, ") && $0.contains("(20s) is left out") }, "\(summary.cuts)")
            #expect(summary.cuts.contains { $0.hasPrefix("of the last clip (motion, ") && $0.contains("(8s) is left out") }, "\(summary.cuts)")
            #expect(summary.gaps.count == 1 && summary.gaps[0].contains("(20s): nothing recorded; cut out, the file goes on from"), "\(summary.gaps)")
            #expect(summary.events.count == 2 && summary.partialClips.isEmpty && summary.signature == "not signed" && summary.notes == nil)
            #expect(summary.contents.contains("joined from 4 clips (0 from the archive, 4 from the cloud); 1 other clip in the window"), "\(summary.contents)")

            // The file: keys in reading order, every instant ISO 8601 with the offset (a Unix
            // time only beside one), no URL with a query.
            let text = try String(contentsOfFile: output + ".json", encoding: .utf8)
            let topLevel = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.dropFirst(3).prefix { $0 != "\"" } }
            #expect(topLevel == ["format", "summary", "device", "requested", "actual", "mode", "clips", "gaps", "output"], "\(topLevel)")
            let summaryKeys = text.split(separator: "\n").filter { $0.hasPrefix("    \"") }.prefix(15).map { String($0.dropFirst(5).prefix { $0 != "\"" }) }
            #expect(summaryKeys == ["camera", "model", "mac", "timeZone", "requested", "actual", "contents", "cuts", "events", "gaps", "partialClips", "tool", "createdAt"]
                    + ["signature", "name"], "\(summaryKeys)")
            #expect(text.contains("\"format\" : \"ivy-archiver-export/2\""))
            #expect(try JSONDecoder().decode(ExportRecord.self, from: Data(text.utf8)) == record, "the sidecar reads back as written")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".json"))) as? [String: Any])
            var instants = 0
            func walk(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let unix = object["unix"] {
                        instants += 1
                        let time = object["time"] as? String ?? ""
                        #expect((try? iso.wholeMatch(in: time)) != nil, "\(time) beside \(unix)")
                    }
                    if let url = object["url"] as? String { #expect(!url.contains("?") && url.hasPrefix("http"), "\(url)") }
                    object.values.forEach(walk)
                } else if let array = value as? [Any] {
                    array.forEach(walk)
                }
            }
            walk(json)
            #expect(instants > 10)
            #expect(try await ExportRecord.verify(output).problems.isEmpty)
        }
    }

    /// A key made by OpenSSL signs; OpenSSL checks the signature; a sidecar re-hashed after
    /// the MP4 changed matches its hashes but not its signature.
    @Test func aSignedSidecarVerifiesAndARehashedOneDoesNot() async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let keyPath = folder + "/key.pem", publicPath = folder + "/pub.pem"
            #expect(try await Self.openssl(["genpkey", "-algorithm", "ed25519", "-out", keyPath]).status == 0)
            #expect(try await Self.openssl(["pkey", "-in", keyPath, "-pubout", "-out", publicPath]).status == 0)
            let (key, warning) = try ExportSigningKey.load(keyPath)
            let publicKey = try ExportPublicKey.load(publicPath)
            #expect(key.publicKey == publicKey, "our public key is OpenSSL's")
            #expect(key.publicKey.pem == (try String(contentsOfFile: publicPath, encoding: .utf8)))
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
            #expect(try ExportSigningKey.load(keyPath).warning?.contains("can be read by others (mode 0644)") == true)
            _ = warning

            let output = folder + "/signed.mp4"
            var request = Self.request(0, 40, output: output)
            request.signingKey = key
            let record = try await ExportTests.export(client).run(request)
            #expect(record.summary.signature?.contains(publicKey.fingerprint) == true)
            let sidecar = output + ".json", signature = sidecar + ".sig"
            let good = try await ExportRecord.verify(output, publicKey: publicKey)
            #expect(good.problems.isEmpty && good.signature == .valid)
            let unchecked = try await ExportRecord.verify(output)
            #expect(unchecked.problems.isEmpty && unchecked.signature == .unchecked && unchecked.signingKeyFingerprint == publicKey.fingerprint)

            // OpenSSL, on its own: the signature file is base64 of the raw 64 bytes.
            let raw = try #require(Data(base64Encoded: try String(contentsOfFile: signature, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(raw.count == 64)
            try raw.write(to: URL(fileURLWithPath: folder + "/sig.bin"))
            let judged = try await Self.openssl(["pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin", "-in", sidecar, "-sigfile", folder + "/sig.bin"])
            #expect(judged.status == 0 && judged.stdout.contains("Signature Verified Successfully"), "\(judged.stdout)\(judged.stderr)")
            // And OpenSSL's own signature of the sidecar passes our check.
            #expect(try await Self.openssl(["pkeyutl", "-sign", "-inkey", keyPath, "-rawin", "-in", sidecar, "-out", folder + "/openssl.sig"]).status == 0)
            #expect(ExportSignature.verify(try Data(contentsOf: URL(fileURLWithPath: sidecar)), signatureFile: try Data(contentsOf: URL(fileURLWithPath: folder + "/openssl.sig")),
                                           with: publicKey))

            // A changed MP4 and a sidecar re-hashed to match it.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            bytes[bytes.count - 10] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            let text = try String(contentsOfFile: sidecar, encoding: .utf8)
            try text.replacingOccurrences(of: record.output.sha256, with: try await sha256sum(output)).write(toFile: sidecar, atomically: true, encoding: .utf8)
            let rehashed = try await ExportRecord.verify(output)
            #expect(rehashed.problems.isEmpty, "the hashes alone match: \(rehashed.problems)")
            let caught = try await ExportRecord.verify(output, publicKey: publicKey)
            #expect(caught.signature == .invalid && caught.problems.count == 1 && caught.problems[0].contains("signature"), "\(caught.problems)")
            let judgedAgain = try await Self.openssl(["pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin", "-in", sidecar, "-sigfile", folder + "/sig.bin"])
            #expect(judgedAgain.status != 0, "OpenSSL agrees")

            // Another key does not verify; an unsigned sidecar checked with a key is a problem.
            let other = ExportSigningKey.generate().publicKey
            try text.write(toFile: sidecar, atomically: true, encoding: .utf8)
            #expect(try await ExportRecord.verify(output, publicKey: other).signature == .invalid)
            try FileManager.default.removeItem(atPath: signature)
            let unsigned = try await ExportRecord.verify(output, publicKey: publicKey)
            #expect(unsigned.signature == .unsigned && unsigned.sourceProblems.isEmpty)
            #expect(unsigned.signatureProblems == ["cannot check the signature: signed.mp4.json is not signed (there is no signed.mp4.json.sig)"],
                    "\(unsigned.signatureProblems)")
        }
    }

    @Test func keyFilesAreReadStrictly() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = ExportSigningKey.generate()
        try ExportKeyFiles.write(key, to: folder + "/made.pem", publicKeyTo: ExportKeyFiles.publicPath(for: folder + "/made.pem"))
        #expect(FileManager.default.fileExists(atPath: folder + "/made.pub.pem"))
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/made.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try ExportSigningKey.load(folder + "/made.pem").warning == nil)
        #expect(try ExportPublicKey.load(folder + "/made.pub.pem") == key.publicKey)
        #expect(throws: ExportError.refused) { try ExportKeyFiles.write(key, to: folder + "/made.pem", publicKeyTo: folder + "/other.pem") }

        let cases: [(String, String)] = [
            ("no such file", ""),
            ("not a PEM file", "hello"),
            ("holds a PUBLIC KEY, not a PRIVATE KEY\n", key.publicKey.pem),
            ("it is encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAg=\n-----END ENCRYPTED PRIVATE KEY-----\n"),
            ("damaged PEM", "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n"),
            ("not an Ed25519 private key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIHBnPlBc4Hi59WrYWx2OTE5xxgOiVwQhlzP8e4Ud2UJz\n-----END PRIVATE KEY-----\n"),
        ]
        for (index, (message, content)) in cases.enumerated() {
            let path = folder + "/key\(index).pem"
            if !content.isEmpty { try content.write(toFile: path, atomically: true, encoding: .utf8) }
            do {
                _ = try ExportSigningKey.load(path)
                Issue.record("\(message): read")
            } catch let error as ExportError {
                // A trailing newline in `message`: the description ends there (no hint after the label).
                let ends = message.hasSuffix("\n") ? error.description.hasSuffix(message.dropLast()) : error.description.contains(message)
                #expect(error == .refused && ends && !error.description.contains("\n"), "\(error)")
            }
        }
        do {
            _ = try ExportPublicKey.load(folder + "/made.pem")
            Issue.record("a private key read as a public key")
        } catch let error as ExportError {
            #expect(error.description.hasSuffix("holds a PRIVATE KEY, not a PUBLIC KEY"), "the label says it: \(error)")
        }
    }

    /// `--archive`: each source clip read from the archive is checked again, against the
    /// sidecar and the catalog; a changed or missing one is named.
    @Test func aChangedArchivedSourceClipFailsTheArchiveCheck() async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let archive = folder + "/archive"
            _ = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            var request = Self.request(20, 150, output: folder + "/sources.mp4")
            request.archive = archive
            let record = try await ExportTests.export(client).run(request)
            let good = try await ExportRecord.verify(request.output, archive: archive)
            #expect(good.problems.isEmpty && good.sourcesChecked == 4, "\(good.problems)")

            let changed = try #require(record.clips[1].file), removed = try #require(record.clips[2].file)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: archive + "/" + changed))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: archive + "/" + changed))
            try FileManager.default.removeItem(atPath: archive + "/" + removed)
            let bad = try await ExportRecord.verify(request.output, archive: archive)
            #expect(bad.problems.count == 2, "\(bad.problems)")
            #expect(bad.fileProblems.isEmpty && bad.sourceProblems.count == 2, "the MP4 is intact: \(bad.fileProblems)")
            #expect(bad.sourcesChecked == 4 && bad.sourcesDiffering == 2 && bad.sourcesMissing == 1 && !bad.noSourceInArchive)
            #expect(bad.problems.contains { $0.contains(changed) && $0.contains("changed: its SHA-256 is") })
            #expect(bad.problems.contains { $0.contains(removed) && $0.contains("is missing from the archive") })
            #expect(try await ExportRecord.verify(request.output).problems.isEmpty, "the export itself is untouched")

            // Another archive: every source clip is missing from it.
            let other = try ArchiveFolder.create(at: folder + "/other").folder.root
            let wrong = try await ExportRecord.verify(request.output, archive: other)
            #expect(wrong.fileProblems.isEmpty && wrong.sourcesMissing == 4 && wrong.noSourceInArchive, "\(wrong.sourceProblems)")
        }
    }

    /// A source clip `keep_days` pruned is not there to check, which is not tampering: a note,
    /// not a problem, and no hint at the wrong archive; with every source clip pruned, nothing
    /// could be checked, and that is a problem.
    @Test func aPrunedSourceClipIsSaidApartFromAMissingOne() async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let archive = folder + "/archive"
            _ = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            var request = Self.request(20, 150, output: folder + "/pruned.mp4")
            request.archive = archive
            let record = try await ExportTests.export(client).run(request)
            let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite")
            let sources = record.clips.filter { $0.file != nil }
            #expect(sources.count == 4)
            func prune(_ clip: ExportRecord.Clip) async throws {
                try FileManager.default.removeItem(atPath: archive + "/" + (clip.file ?? ""))
                try await catalog.mark(.pruned, ClipKey(camera: CameraID(ExportTests.mac)!, start: Int64(clip.start.unix.rounded())))
            }

            try await prune(sources[0])
            let one = try await ExportRecord.verify(request.output, archive: archive)
            #expect(one.problems.isEmpty, "pruned is not a difference: \(one.problems)")
            #expect(one.sourcesChecked == 3 && one.sourcesPruned == 1 && one.sourcesMissing == 0 && !one.noSourceInArchive)
            #expect(one.notes.contains { $0.contains(sources[0].file!) && $0.contains("was pruned from the archive by keep_days") }, "\(one.notes)")

            for clip in sources.dropFirst() { try await prune(clip) }
            let all = try await ExportRecord.verify(request.output, archive: archive)
            #expect(all.fileProblems.isEmpty && all.sourcesChecked == 0 && all.sourcesPruned == 4 && !all.noSourceInArchive)
            #expect(all.sourceProblems.count == 4 && all.sourceProblems.allSatisfy { $0.contains("was pruned from the archive by keep_days") },
                    "nothing could be checked: \(all.sourceProblems)")
            #expect(!all.sourceProblems.contains { $0.contains("missing") })
        }
    }

    /// A sidecar of the first format (sorted keys, no summary, no source sizes) still checks.
    @Test func aFirstFormatSidecarStillChecks() async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/old.mp4"
            let record = try await ExportTests.export(client).run(ExportTests.request(0, 40, output: output))
            let clip = record.clips[0]
            let instant = { (value: ExportRecord.Instant) -> [String: Any] in ["time": value.time, "unix": value.unix] }
            let first: [String: Any] = [
                "actual": ["from": instant(record.actual.from), "to": instant(record.actual.to)],
                "clips": [["end": instant(clip.end), "holes": NSNull(), "outputEnd": clip.outputEnd!, "outputStart": clip.outputStart!,
                           "reencodedFrames": 0, "sha256": clip.sha256!, "source": "cloud", "start": instant(clip.start), "type": "continuous",
                           "url": clip.url!, "used": ["from": instant(clip.used!.from), "to": instant(clip.used!.to)]]],
                "createdAt": "2026-11-25T14:03:00.000Z", "device": ["mac": ExportTests.mac, "name": "Door", "timeZone": "UTC"],
                "format": "ivy-archiver-export/1", "gaps": [], "mode": "copy",
                "output": ["duration": record.output.duration, "file": "old.mp4", "sha256": record.output.sha256, "size": record.output.size],
                "requested": ["from": instant(record.requested.from), "to": instant(record.requested.to)], "tool": "IvyArchiver",
            ]
            try JSONSerialization.data(withJSONObject: first, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: output + ".json"))
            let checked = try await ExportRecord.verify(output)
            #expect(checked.format == "ivy-archiver-export/1" && checked.problems.isEmpty && checked.signature == .unsigned, "\(checked.problems)")
            var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            #expect(try await ExportRecord.verify(output).problems.count == 1)

            // A format from the future is refused by name, not misread.
            var future = first
            future["format"] = "ivy-archiver-export/9"
            try JSONSerialization.data(withJSONObject: future).write(to: URL(fileURLWithPath: output + ".json"))
            await #expect(throws: ExportError.refused) { _ = try await ExportRecord.verify(output) }
        }
    }
}
