import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// A struggling or misnamed cloud: said while it happens, and told apart from a wrong setting.
@Suite struct CloudTroubleTests {
    /// A path where no API is: a configuration error naming the URL, at once, not "try later".
    @Test(arguments: [["devices"], ["recordings", "--device", "Porch"], ["backup", "--dry-run"]])
    func aWrongAPIPathIsAConfigurationErrorNamingTheURL(_ command: [String]) async throws {
        try await withSandbox { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let wrong = endpoint.baseURL + "/v2/api"
            let result = try await CLIProcess.run(command, environment: endpoint.cliEnvironment(["IVY_API_URL": wrong, "IVY_ARCHIVE": archive]))
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("ivy-archiver: the cloud API is not at \(wrong)/"), "\(result.stderr)")
            #expect(result.stderr.contains("(HTTP 404 Not Found): check api_url"), "\(result.stderr)")
            // Each login style asked once: no retries on a URL that is not there.
            #expect(endpoint.cloud.stats.statuses[404, default: 0] <= 2, "\(endpoint.cloud.stats.statuses)")
        }
    }

    /// Calls that keep failing say so at the default log level while they are retried.
    @Test func aCallThatKeepsFailingSaysSoWhileItRetries() async throws {
        try await withSandbox({ $0.faults.outageRequests = 3; $0.faults.failureScope = .api }) { endpoint, _ in
            let result = try await CLIProcess.run(["devices"], environment: endpoint.cliEnvironment(["IVY_LOG_LEVEL": "warning"]))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("the cloud keeps failing; retrying in"), "\(result.stderr)")
            #expect(!result.stderr.contains("sandbox-password") && !result.stderr.contains("accessToken="), "no secret in the warning")
            #expect(endpoint.cloud.stats.statuses[503] == 3)
        }
    }
}
