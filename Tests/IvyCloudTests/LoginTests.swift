import Foundation
import IvyCloud
import IvySandbox
import IvyTestSupport
import Testing

/// Login against both styles the field shows (the vendor's form, read from the body or the
/// query; the OAuth 2.0 token endpoint), and a session that outlives the run when refresh
/// tokens rotate.
@Suite struct LoginTests {
    static func sessionFile() throws -> (SessionFile, String) {
        let folder = try makeTemporaryDirectory()
        return (SessionFile(path: folder + "/state/session.json"), folder)
    }

    @Test func theVendorFormWorksWhereFieldsAreReadFromTheBodyOnly() async throws {
        try await withSandbox({ $0.login = .vendorFormBodyOnly }) { endpoint, client in
            _ = try await client.devices()
            #expect(endpoint.cloud.stats.calls["oauth.authorize"] == 1)
            #expect(endpoint.cloud.stats.calls["oauth.token"] == nil)
        }
    }

    @Test func theTokenEndpointIsTheFallbackAndIsRememberedAcrossRuns() async throws {
        let (store, folder) = try Self.sessionFile()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withSandbox({ $0.login = .oauth2Only }, client: { $0.sessionStore = store }) { endpoint, client in
            _ = try await client.devices()
            #expect(endpoint.cloud.stats.calls["oauth.authorize"] == 1)
            #expect(endpoint.cloud.stats.calls["oauth.token"] == 1)
            let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let text = try String(contentsOfFile: store.path, encoding: .utf8)
            #expect(!text.contains("sandbox-password"), "the password is never stored")

            // The next run: the saved session is used; once it expires, the token endpoint renews it.
            let next = CloudClient(configuration: client.configuration, transport: sharedTransport, logger: quietLogger)
            _ = try await next.devices()
            #expect(endpoint.cloud.stats.calls["oauth.token"] == 1, "no second login")
            endpoint.cloud.expireTokens()
            _ = try await next.devices()
            #expect(endpoint.cloud.stats.calls["oauth.token"] == 2, "renewed by refresh_token")
            #expect(endpoint.cloud.stats.calls["oauth.authorize"] == 1, "the vendor form is not tried again")
        }
    }

    @Test(arguments: [SandboxConfiguration.LoginMode.vendor, .oauth2Only])
    func aWrongPasswordIsAnAuthenticationError(_ mode: SandboxConfiguration.LoginMode) async throws {
        try await withSandbox({ $0.login = mode }, client: { $0.credentials = .password(username: "demo@example.com", password: "wrong") }) { _, client in
            do {
                _ = try await client.devices()
                Issue.record("a wrong password logged in")
            } catch let error as CloudAPIError {
                #expect(error.code.isAuthentication, "\(error)")
            }
        }
    }

    /// The refresh token rotates: the one a run starts with is spent at its first renewal. The
    /// next run must find the new one, or it cannot log in at all.
    @Test func aRotatedRefreshTokenSurvivesToTheNextRun() async throws {
        let (store, folder) = try Self.sessionFile()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withSandbox({ $0.rotateRefreshTokens = true }) { endpoint, client in
            let first = try await client.login()
            let refreshToken = try #require(first.refreshToken)
            var configuration = client.configuration
            configuration.credentials = .token(openId: first.openId, accessToken: first.accessToken, refreshToken: refreshToken)
            configuration.sessionStore = store
            for night in 1...3 {
                let run = CloudClient(configuration: configuration, transport: sharedTransport, logger: quietLogger)
                endpoint.cloud.expireTokens()
                let devices = try await run.devices()
                #expect(!devices.isEmpty, "night \(night)")
            }
            #expect(endpoint.cloud.stats.calls["oauth.refresh_access_token"] == 3)
        }
    }

    /// A session that cannot be kept is one line naming the folder and the reason (it is
    /// logged as a warning), not Foundation's dump of its user info.
    @Test func aSessionFolderThatCannotBeMadeIsNamedWithItsReason() throws {
        let (_, folder) = try Self.sessionFile()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A file where a folder must go: no user, root included, can make the folder.
        #expect(FileManager.default.createFile(atPath: folder + "/state", contents: Data("x".utf8)))
        let store = SessionFile(path: folder + "/state/ivy-archiver/session.json")
        let stored = StoredSession(session: Session(openId: "open-id", accessToken: "secret-token"), style: .oauth2, credentials: "c")
        #expect {
            try store.save(stored)
        } throws: { error in
            let text = "\(error)"
            // ENOTDIR or EEXIST, as Foundation finds it: either is the file in the way.
            return text.hasPrefix("cannot write the session file at \(folder)/state/ivy-archiver: ") && !text.contains("Domain")
                && (text.hasSuffix("Not a directory") || text.hasSuffix("File exists"))
        }
    }
}
