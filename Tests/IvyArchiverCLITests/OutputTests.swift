import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// Output for people and for cron: timestamps without a terminal, `--quiet`, and a progress
/// line that never outgrows the terminal.
@Suite struct OutputTests {
    static func configure(_ configuration: inout SandboxConfiguration) {
        var account = SandboxAccount.demo()
        account.devices = [SandboxDevice(mac: "00626E00AC01", name: "A camera with a rather long name indeed", productName: "VD1",
                                         profile: .videoOnly, layout: RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 3, chunkSeconds: 20))]
        configuration.account = account
        configuration.faults.bandwidthPerConnection = 400_000
    }

    @Test func withoutATerminalEachLineStartsWithTheTime() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let result = try await CLIProcess.run(["backup", "--archive", archive], environment: endpoint.cliEnvironment())
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == endpoint.cloud.recordings(mac: "00626E00AC01").count + 3, "a line per camera and clip, the pages, and the summary: \(lines)")
            #expect(lines.dropLast().last?.hasSuffix(" archive pages: \(archive)/index.html") == true, "\(lines)")
            let stamp = try Regex(#"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) "#)
            #expect(lines.allSatisfy { $0.firstMatch(of: stamp) != nil }, "\(lines)")
            #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"))
        }
    }

    @Test func quietPrintsOnlyWarningsErrorsAndTheSummary() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let result = try await CLIProcess.run(["backup", "--archive", archive, "--quiet"], environment: endpoint.cliEnvironment())
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(" archived, 0 already there, 0 failed"), "\(lines)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }
    }

    /// On a 40-column terminal (a pty made by `script`), no piece of the output is wider than
    /// the terminal: the progress line is cut, never wrapped.
    @Test func theProgressLineFitsANarrowTerminal() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let environment = endpoint.cliEnvironment().map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
            let command = "stty cols 40 rows 20; env \(environment) '\(CLIProcess.executable)' backup --archive '\(archive)' >/dev/null"
            let result = try await Subprocess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: CLIProcess.cleanEnvironment([:]))
            #expect(result.status == 0, "\(result.stdout)")
            // What the terminal showed: the progress line's redraws.
            let shown = result.stdout.replacingOccurrences(of: "\u{1B}[K", with: "")
            let pieces = shown.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init).filter { !$0.isEmpty }
            #expect(pieces.contains { $0.hasPrefix("cameras ") }, "the progress line was drawn: \(pieces)")
            for piece in pieces {
                #expect(piece.count < 40, "\(piece.count) columns: \(piece)")
            }
        }
    }
}
