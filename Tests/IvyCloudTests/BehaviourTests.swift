import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// How the client copes with what the cloud may answer: expired tokens, moved addresses,
/// upgrades, system errors, overloaded servers, a skewed clock, wrong credentials.
@Suite struct BehaviourTests {
    @Test func anExpiredTokenIsRefreshedOnceAndTheCallRetried() async throws {
        try await withSandbox({ $0.tokenLifetimeInCalls = 3 }) { endpoint, client in
            for _ in 0..<10 { _ = try await client.devices() }
            let stats = endpoint.cloud.stats
            #expect(stats.calls["oauth.refresh_access_token", default: 0] >= 3)
            #expect(stats.calls["oauth.authorize"] == 1)
            #expect(stats.log.contains { $0.service == "user_ipc_setting_v2_0.getOemDeviceByUser" && $0.status == 200 })
        }
    }

    @Test func callsRejectedTogetherShareOneRenewal() async throws {
        try await withSandbox { endpoint, client in
            _ = try await client.devices()
            endpoint.cloud.expireTokens()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = try await client.devices() } }
                try await group.waitForAll()
            }
            let stats = endpoint.cloud.stats
            #expect(stats.calls["oauth.refresh_access_token"] == 1, "eight rejected calls, one refresh")
            #expect(stats.calls["oauth.authorize"] == 1)
            #expect(stats.log.filter { $0.service == "user_ipc_setting_v2_0.getOemDeviceByUser" && $0.status == 200 }.count >= 9)
        }
    }

    @Test func aTokenThatCannotBeRenewedEndsInAnAuthenticationError() async throws {
        try await withSandbox({ _ in }, client: { $0.credentials = .token(openId: "nobody", accessToken: "garbage", refreshToken: nil) }) { _, client in
            do {
                _ = try await client.devices()
                Issue.record("expected an authentication error")
            } catch let error as CloudAPIError {
                #expect(error.code.isAuthentication)
            }
        }
    }

    @Test func aGivenTokenIsUsedWithoutLoggingIn() async throws {
        // Log in once to get a real pair, then use it as a user of the vendor app would.
        try await withSandbox { endpoint, client in
            let session = try await client.login()
            let configuration = CloudConfiguration(
                apiURL: endpoint.baseURL, oemCode: "SANDBOX",
                credentials: .token(openId: session.openId, accessToken: session.accessToken, refreshToken: nil))
            let second = CloudClient(configuration: configuration, transport: sharedTransport, logger: quietLogger)
            #expect(try await second.devices().count == endpoint.cloud.configuration.account.devices.count)
            #expect(endpoint.cloud.stats.calls["oauth.authorize"] == 1)
        }
    }

    @Test func aWrongPasswordIsReportedByName() async throws {
        try await withSandbox({ _ in }, client: { $0.credentials = .password(username: "demo@example.com", password: "nope") }) { _, client in
            do {
                _ = try await client.devices()
                Issue.record("expected an error")
            } catch let error as CloudAPIError {
                #expect(error.code == .passwordNotMatch)
                #expect(error.code.isAuthentication)
                #expect("\(error)".contains("030061 FC_AUTH_PASSWORD_NOT_MATCH"))
                #expect(error.service == "authorize")
            }
        }
    }

    @Test func addressChangeIsFollowed() async throws {
        try await withSandbox({ $0.faults.addressChangeOnFirstCall = true }) { endpoint, client in
            let devices = try await client.devices()
            #expect(devices.count == endpoint.cloud.configuration.account.devices.count)
            let apiURL = await client.currentAPIURL
            #expect(apiURL == endpoint.baseURL + "/moved")
            #expect(endpoint.cloud.stats.movedCalls >= 1)
            #expect(endpoint.cloud.stats.log.first { $0.path == "/gateway" }?.status == 200)
        }
    }

    @Test func anUpgradeIsWaitedOut() async throws {
        try await withSandbox({ $0.faults.upgradeAnswers = 3 }) { endpoint, client in
            _ = try await client.devices()
            // Three answers 000066, each waited out and asked again, then the answer.
            let devices = endpoint.cloud.stats.log.filter { $0.path == "/gateway" && $0.service == "user_ipc_setting_v2_0.getOemDeviceByUser" }
            #expect(devices.count == 4, "\(endpoint.cloud.stats.log.map { $0.service ?? $0.path })")
        }
    }

    @Test func anUpgradeThatLastsTooLongIsAnError() async throws {
        try await withSandbox({ $0.faults.upgradeAnswers = 1000 }, client: { $0.upgradeMaxWait = .milliseconds(100) }) { _, client in
            await #expect(throws: CloudClientError.upgradeTimeout) { _ = try await client.serverTime() }
        }
    }

    @Test func systemErrorsAreRetriedWithBackoff() async throws {
        try await withSandbox({ $0.faults.systemErrorAnswers = 3 }) { endpoint, client in
            _ = try await client.serverTime()
            #expect(endpoint.cloud.stats.calls["cloud_system.current_time"] == 4)
        }
        try await withSandbox({ $0.faults.systemErrorAnswers = 100 }) { endpoint, client in
            await expectCode(.systemError) { _ = try await client.serverTime() }
            #expect(endpoint.cloud.stats.calls["cloud_system.current_time"] == 5)
        }
    }

    @Test func serviceUnavailableAnswersAreRetried() async throws {
        try await withSandbox({ $0.faults.failureRate = 0.3; $0.faults.failureScope = .api }, client: { $0.retry.maxAttempts = 12 }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let now = try await client.serverNowSeconds()
            for _ in 0..<5 { _ = try await client.recordings(device: mac, from: now - 86_400 * 2, to: now) }
            #expect(endpoint.cloud.stats.statuses[503, default: 0] > 0)
        }
    }

    @Test(arguments: [3 * 3600, -3 * 3600])
    func storeCallsUseTheServersClock(offset: Int) async throws {
        try await withSandbox({ $0.clockOffset = .seconds(offset) }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let hours = try await client.recordingHours(device: mac)
            #expect(!hours.isEmpty)
            let now = try await client.serverNowSeconds()
            #expect(abs(now - Int64(Date().timeIntervalSince1970) - Int64(offset)) < 5)
        }
    }

    @Test func aRejectedStoreTokenResyncsTheClockOnce() async throws {
        try await withSandbox({ $0.faults.storeTokenRejections = 1 }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let hours = try await client.recordingHours(device: mac)
            #expect(!hours.isEmpty)
            let stats = endpoint.cloud.stats
            #expect(stats.calls["record.date.query"] == 2)
            #expect(stats.calls["cloud_system.current_time"] == 2)
            #expect(stats.calls["center.getServerInfo"] == 2)
        }
        try await withSandbox({ $0.faults.storeTokenRejections = 2 }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            await expectCode(.invalidParameter) { _ = try await client.recordingHours(device: mac) }
        }
    }

    @Test func theUnreachableCloudIsAnUnavailableError() async throws {
        let configuration = CloudConfiguration(
            apiURL: "http://127.0.0.1:1", credentials: .password(username: "a", password: "b"),
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)))
        let client = CloudClient(configuration: configuration, transport: sharedTransport, logger: quietLogger)
        do {
            _ = try await client.serverTime()
            Issue.record("expected an error")
        } catch let error as CloudClientError {
            #expect(error == .transport)
            #expect(error.isUnavailable)
        }
    }

    /// A server that accepts the connection and never answers: each call gives up after its
    /// timeout (not the transport's stall detection of large downloads), says so at the
    /// warning level, and ends as "cloud unavailable".
    @Test func aServerThatNeverAnswersTimesOutEachCallAndSaysSo() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                // The kernel completes the handshakes into the backlog; nobody ever reads.
                guard bind(listener, raw, length) == 0, listen(listener, 16) == 0, getsockname(listener, raw, &length) == 0 else {
                    throw POSIXError(.EADDRNOTAVAIL)
                }
            }
        }
        var configuration = CloudConfiguration(
            apiURL: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))", credentials: .password(username: "a", password: "b"),
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)))
        configuration.callTimeout = .milliseconds(300)
        let capture = LogCapture()
        let client = CloudClient(configuration: configuration, transport: sharedTransport, logger: capture.logger(level: .warning))
        let error = await #expect(throws: CloudClientError.transport) { _ = try await client.serverTime() }
        #expect(error?.isUnavailable == true)
        #expect(error?.description.contains("timed out") == true, "\(String(describing: error))")
        #expect(capture.text.contains("warning the cloud keeps failing; retrying in"), "\(capture.text)")
    }

    @Test func secretsNeverReachTheLogs() async throws {
        let capture = LogCapture()
        try await withSandbox({ $0.tokenLifetimeInCalls = 2; $0.faults.systemErrorAnswers = 1 }) { endpoint, plain in
            let session = try await plain.login()
            let configuration = CloudConfiguration(
                apiURL: endpoint.baseURL, oemCode: "SANDBOX",
                credentials: .password(username: "demo@example.com", password: "sandbox-password"),
                retry: RetryPolicy(baseDelay: .milliseconds(1)))
            let client = CloudClient(configuration: configuration, transport: sharedTransport, logger: capture.logger())
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let info = try await client.serverInfo()
            for _ in 0..<4 { _ = try await client.devices() }
            let now = try await client.serverNowSeconds()
            let clips = try await client.recordings(device: mac, from: now - 86_400 * 2, to: now)
            let urls = try await client.playbackURLs(device: mac, start: clips[0].start)
            let sign = String(try #require(urls.preferred?.components(separatedBy: "sign=").last?.prefix(32)))
            let text = capture.text
            #expect(!text.isEmpty)
            for secret in ["sandbox-password", info.subtoken, session.accessToken, sign, "397ff5985bb7437198a9ef51b4815caf"] {
                #expect(!text.contains(secret), "a secret reached the log")
            }
        }
    }
}
