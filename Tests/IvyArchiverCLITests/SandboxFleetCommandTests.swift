import Foundation
import IvyTestSupport
import Testing

/// `ivy-archiver sandbox --accounts N` as a user (or scripts/fleet-sim.sh) starts it: the banner
/// names the accounts, and each logs in to its own cameras.
@Suite struct SandboxFleetCommandTests {
    @Test func aFleetSandboxServesEachAccountItsOwnCameras() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bannerPath = directory + "/banner"
        _ = FileManager.default.createFile(atPath: bannerPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["sandbox", "--accounts", "3", "--cameras", "2", "--days", "1", "--port", "0"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: bannerPath))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        var banner = ""
        for _ in 0..<200 where !banner.contains("Stop it with") {
            banner = (try? String(contentsOfFile: bannerPath, encoding: .utf8)) ?? ""
            if !banner.contains("Stop it with") { try await Task.sleep(for: .milliseconds(50)) }
        }
        let url = try #require(banner.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("http://127.0.0.1:") }.map(String.init))
        #expect(banner.contains("Serving 3 accounts, 6 cameras"), "\(banner)")
        #expect(banner.contains("demo2@example.com ... demo3@example.com"), "\(banner)")

        for (username, prefix) in [("demo@example.com", "00626E8A1B0"), ("demo3@example.com", "00626EC003")] {
            let result = try await CLIProcess.run(["devices", "--json"], environment: [
                "IVY_API_URL": url, "IVY_OEM_CODE": "SANDBOX", "IVY_USERNAME": username, "IVY_PASSWORD": "sandbox-password",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
            let macs = rows.compactMap { $0["mac"] as? String }
            #expect(macs.count == 2 && macs.allSatisfy { $0.hasPrefix(prefix) }, "\(username): \(macs)")
        }
    }

    @Test func aFleetIsOfDemoAccountsOnly() async throws {
        let result = try await CLIProcess.run(["sandbox", "--accounts", "2", "--scenario", "scale"], environment: [:])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--accounts serves the demo scenario only"), "\(result.stderr)")
    }
}
