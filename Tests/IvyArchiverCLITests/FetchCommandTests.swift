import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `ivy-archiver fetch` and `remux` as a user runs them.
@Suite struct FetchCommandTests {
    static let mac = "00626E00AA01"

    static func account(_ profile: MediaProfile) -> SandboxAccount {
        var account = SandboxAccount.demo()
        account.devices = [
            SandboxDevice(mac: mac, name: "Test", productName: "FI9900P", profile: profile,
                          fixedRecordings: [SandboxRecording(start: 1_700_000_000, end: 1_700_000_024, type: 2)])
        ]
        return account
    }

    @Test func fetchWritesAnMP4AndRefusesToOverwrite() async throws {
        try await withSandbox({ $0.account = Self.account(.hevcAAC) }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: Self.mac, start: 1_700_000_000).preferred)
            let output = directory + "/clip.mp4"
            let result = try await CLIProcess.run(["fetch", url, "--output", output])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("hevc + aac"))
            #expect(result.stderr.isEmpty, "no progress line when stderr is not a terminal")
            let report = try await FFprobe.probe(output)
            #expect(report.codec("video") == "hevc")
            #expect(report.streams.first?.tag == "hvc1")
            #expect(abs(report.duration - 24) < 1)

            let again = try await CLIProcess.run(["fetch", url, "--output", output])
            #expect(again.status == 2)
            #expect(again.stderr.contains("--force"))
        }
    }

    @Test func aFailedFetchExitsWithOneAndLeavesNothing() async throws {
        try await withSandbox({ $0.account = Self.account(.h264AAC); $0.faults.missingSegments = [2] }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: Self.mac, start: 1_700_000_000).preferred)
            let result = try await CLIProcess.run(["fetch", url, "--output", directory + "/clip.mp4"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("segment 2"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test(arguments: [["fetch", "ftp://example.com/a.m3u8", "-o", "/tmp/x.mp4"], ["fetch", "http://127.0.0.1:1/a.m3u8", "-o", "/tmp/x.mkv"],
                      ["remux", "/nonexistent.ts", "-o", "/tmp/x.mp4"]])
    func badInputExitsWithTwo(arguments: [String]) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
    }
}
