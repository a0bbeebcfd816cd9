import Foundation
import IvyTestSupport
import Testing

/// `ivy-archiver sandbox --accounts N` as a user (or scripts/fleet-sim.sh) starts it: the banner
/// names the accounts, and each logs in to its own cameras.
@Suite struct SandboxFleetCommandTests {
    @Test func aFleetSandboxServesEachAccountItsOwnCameras() async throws {
        try await SandboxProcess.withRunning(["--accounts", "3", "--cameras", "2", "--days", "1", "--port", "0"]) { url, banner in
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
    }

    @Test func aFleetIsOfDemoAccountsOnly() async throws {
        let result = try await CLIProcess.run(["sandbox", "--accounts", "2", "--scenario", "scale"], environment: [:])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--accounts serves the demo scenario only"), "\(result.stderr)")
    }
}
