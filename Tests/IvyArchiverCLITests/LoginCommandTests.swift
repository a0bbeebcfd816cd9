import Foundation
import IvyCloud
import IvySandbox
import IvyTestSupport
import Testing

/// Login as separate runs of the binary see it: the session outlives the process (refresh
/// tokens rotate), a wrong password is exit 2 whichever login style the cloud speaks.
@Suite struct LoginCommandTests {
    /// Tokens from the vendor app, the refresh token rotating: each run renews once. Without
    /// the session file the second run would offer a spent refresh token and fail.
    @Test(arguments: [SandboxConfiguration.LoginMode.vendor, .oauth2Only])
    func configuredTokensKeepWorkingAcrossRunsAsTheyRotate(_ mode: SandboxConfiguration.LoginMode) async throws {
        try await withSandbox({ $0.rotateRefreshTokens = true; $0.login = mode }) { endpoint, client in
            let first = try await client.login()
            let state = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: state) }
            let env = endpoint.cliEnvironment([
                "IVY_USERNAME": "", "IVY_PASSWORD": "", "IVY_OPEN_ID": first.openId, "IVY_ACCESS_TOKEN": first.accessToken,
                "IVY_REFRESH_TOKEN": first.refreshToken ?? "", "XDG_STATE_HOME": state,
            ])
            for run in 1...3 {
                endpoint.cloud.expireTokens()
                let result = try await CLIProcess.run(["devices", "--json"], environment: env)
                #expect(result.status == 0, "run \(run): \(result.stderr)")
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: state + "/ivy-archiver")
            #expect(files.count == 1 && files[0].hasPrefix("session-"), "\(files)")
            let text = try String(contentsOfFile: state + "/ivy-archiver/" + files[0], encoding: .utf8)
            #expect(!text.contains(first.refreshToken ?? "-"), "the spent refresh token is replaced")
        }
    }

    @Test(arguments: [SandboxConfiguration.LoginMode.vendor, .vendorFormBodyOnly, .oauth2Only])
    func aWrongPasswordIsExit2(_ mode: SandboxConfiguration.LoginMode) async throws {
        try await withSandbox({ $0.login = mode }) { endpoint, _ in
            let good = try await CLIProcess.run(["devices"], environment: endpoint.cliEnvironment())
            #expect(good.status == 0, "\(good.stderr)")
            let bad = try await CLIProcess.run(["devices"], environment: endpoint.cliEnvironment(["IVY_PASSWORD": "wrong"]))
            #expect(bad.status == 2, "\(bad.stderr)")
            #expect(bad.stderr.hasPrefix("ivy-archiver: authentication failed: "), "\(bad.stderr)")
        }
    }

    @Test func aTokenThatCannotBeRenewedSaysSoOnce() async throws {
        try await withSandbox { endpoint, client in
            let session = try await client.login()
            endpoint.cloud.expireTokens()
            let env = endpoint.cliEnvironment([
                "IVY_USERNAME": "", "IVY_PASSWORD": "", "IVY_OPEN_ID": session.openId, "IVY_ACCESS_TOKEN": session.accessToken,
            ])
            let result = try await CLIProcess.run(["devices"], environment: env)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.components(separatedBy: "authentication failed").count == 2, "\(result.stderr)")
        }
    }
}
