import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// Several accounts on one sandbox (issue #15): each sees only its own cameras and clips, and
/// the counters say which account asked for what, so that a fleet of backups can be checked
/// clip by clip.
@Suite struct SandboxFleetTests {
    static func fleet(_ configuration: inout SandboxConfiguration, accounts: Int = 2) {
        let members = SandboxAccount.fleet(accounts, cameras: 2, days: 1, continuousChunksPerDay: 1, eventsPerDay: 1)
        configuration.account = members[0]
        configuration.additionalAccounts = Array(members.dropFirst())
    }

    /// A client of account `number` of the fleet (1-based) on `endpoint`.
    static func client(_ endpoint: SandboxEndpoint, number: Int) -> CloudClient {
        let account = endpoint.cloud.configuration.accounts[number - 1]
        let configuration = CloudConfiguration(
            apiURL: endpoint.baseURL, oemCode: endpoint.cloud.configuration.oemCode,
            credentials: .password(username: account.username, password: account.password),
            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)))
        return CloudClient(configuration: configuration, transport: sharedTransport, logger: quietLogger)
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let body = try await sharedTransport.execute(HTTPRequest(url: url)).body
        return try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }

    @Test func theFirstAccountIsTheDemoAccountAndTheOthersAreNumbered() {
        let fleet = SandboxAccount.fleet(40, cameras: 4)
        #expect(fleet.map(\.username) == ["demo@example.com"] + (2...40).map { "demo\($0)@example.com" })
        #expect(fleet.allSatisfy { $0.password == "sandbox-password" })
        let demo = SandboxAccount.demo(cameras: 4)
        #expect(fleet[0].devices.map(\.mac) == demo.devices.map(\.mac) && fleet[0].userId == demo.userId)
        let macs = fleet.flatMap { $0.devices.map(\.mac) }
        #expect(Set(macs).count == 160 && macs.allSatisfy(CameraIDCheck.isMAC))
        #expect(fleet[1].devices[0].mac == "00626EC00201" && fleet[39].devices[3].mac == "00626EC02804")
        #expect(Set(fleet.map(\.userId)).count == 40)
    }

    @Test func eachAccountHasItsOwnRecordingsAndTheFirstKeepsItsSeed() throws {
        var configuration = SandboxConfiguration()
        Self.fleet(&configuration, accounts: 3)
        #expect(configuration.seed(ofAccount: 0) == configuration.seed)
        let cloud = try SandboxCloud(configuration: configuration, logger: quietLogger)
        let starts = configuration.accounts.map { account in account.devices.map { cloud.recordings(mac: $0.mac).map(\.start) } }
        #expect(starts.allSatisfy { $0.allSatisfy { !$0.isEmpty } })
        #expect(Set(starts.map(\.description)).count == 3, "each account's clips come from a seed of its own")
        var alone = SandboxConfiguration()
        alone.account = configuration.account
        let single = try SandboxCloud(configuration: alone, logger: quietLogger)
        #expect(configuration.account.devices.allSatisfy { single.recordings(mac: $0.mac) == cloud.recordings(mac: $0.mac) })
    }

    @Test func oneAccountsTokenNeverReachesAnothersCameras() async throws {
        try await withSandbox({ Self.fleet(&$0) }) { endpoint, first in
            let second = Self.client(endpoint, number: 2)
            let mine = endpoint.cloud.configuration.accounts[0].devices.map(\.mac)
            let theirs = endpoint.cloud.configuration.accounts[1].devices.map(\.mac)
            #expect(try await first.deviceListing().elements.map(\.macAddr) == mine)
            #expect(try await second.deviceListing().elements.map(\.macAddr) == theirs)

            let session = try await first.login()
            let other = try await second.login()
            #expect(session.openId != other.openId)
            let gateway = endpoint.baseURL + "/gateway?clientId=oemkey&"
            let byMAC = try await Self.json(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUserAndMac&macAddr=\(theirs[0])"
                + "&openId=\(session.openId)&accessToken=\(session.accessToken)")
            #expect(byMAC["errorCode"] as? String == "020041", "another account's camera is unknown to this one")
            let mixed = try await Self.json(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUser"
                + "&openId=\(session.openId)&accessToken=\(other.accessToken)")
            #expect(mixed["errorCode"] as? String == "030040", "a token works only with its own account's openId")

            // The store: the first account's signature lists nothing of the second's cameras.
            let now = try await first.serverNowSeconds()
            await #expect(throws: (any Error).self) { try await first.recordings(device: theirs[0], from: now - 3 * 86_400, to: now) }
            let clip = endpoint.cloud.recordings(mac: theirs[0])[0]
            await #expect(throws: (any Error).self) { try await first.playbackURLs(device: theirs[0], start: clip.start) }
            #expect(try await second.playbackURLs(device: theirs[0], start: clip.start).preferred != nil)
        }
    }

    @Test func countersArePerAccountAndPerClip() async throws {
        try await withSandbox({ Self.fleet(&$0) }) { endpoint, first in
            let second = Self.client(endpoint, number: 2)
            _ = try await first.deviceListing()
            let mac = endpoint.cloud.configuration.accounts[1].devices[0].mac
            let clip = endpoint.cloud.recordings(mac: mac)[0]
            let url = try #require(try await second.playbackURLs(device: mac, start: clip.start).preferred)
            #expect(try await sharedTransport.execute(HTTPRequest(url: url)).status == 200)
            let segments = Int((clip.end - clip.start) / 4)
            for index in 0..<segments {
                let segment = url.replacingOccurrences(of: "index.m3u8", with: "\(index).ts")
                #expect(try await sharedTransport.execute(HTTPRequest(url: segment), maxBodySize: 1 << 24).status == 200)
            }

            let key = "\(mac)/\(clip.start)"
            let stats = endpoint.cloud.stats
            let one = try #require(stats.accounts["demo@example.com"])
            let two = try #require(stats.accounts["demo2@example.com"])
            #expect(one.logins == 1 && two.logins == 1)
            #expect(one.recordPlays == 0 && one.segmentRequests == 0 && one.playlistRequests == 0)
            #expect(one.calls["user_ipc_setting_v2_0.getOemDeviceByUser"] == 1)
            #expect(two.recordPlaysByClip == [key: 1] && two.calls["record.play"] == 1)
            #expect(two.playlistRequests == 1 && two.segmentRequests == segments && two.segmentRequestsByClip == [key: segments])

            // The same over HTTP, where a fleet simulation reads them, and the clips to check them against.
            let read = try await Self.json(endpoint.baseURL + "/sandbox/stats")
            let accounts = read["accounts"] as? [String: [String: Any]] ?? [:]
            #expect(Set(accounts.keys) == ["demo@example.com", "demo2@example.com"])
            #expect(accounts["demo2@example.com"]?["recordPlaysByClip"] as? [String: Int] == [key: 1])
            #expect(accounts["demo2@example.com"]?["segmentRequestsByClip"] as? [String: Int] == [key: segments])
            #expect(accounts["demo@example.com"]?["logins"] as? Int == 1)
            let listed = try await Self.json(endpoint.baseURL + "/sandbox/accounts")["accounts"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["username"] as? String } == ["demo@example.com", "demo2@example.com"])
            #expect((listed[1]["segmentsByClip"] as? [String: Int])?[key] == segments)
            #expect((listed[0]["segmentsByClip"] as? [String: Int])?[key] == nil)
            #expect(listed.map { $0["clips"] as? Int } == endpoint.cloud.configuration.accounts.map { account in
                account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)
            })

            // A reset starts every account over, each still listed.
            endpoint.cloud.resetStats()
            #expect(endpoint.cloud.stats.accounts == ["demo@example.com": .init(), "demo2@example.com": .init()])
        }
    }

    @Test func aWrongPasswordCountsAgainstItsAccountOnly() async throws {
        try await withSandbox({ Self.fleet(&$0) }) { endpoint, _ in
            let configuration = CloudConfiguration(
                apiURL: endpoint.baseURL, oemCode: "SANDBOX", credentials: .password(username: "demo2@example.com", password: "wrong"),
                retry: RetryPolicy(maxAttempts: 1, baseDelay: .milliseconds(5), maxDelay: .milliseconds(5)))
            let client = CloudClient(configuration: configuration, transport: sharedTransport, logger: quietLogger)
            await #expect(throws: (any Error).self) { try await client.login() }
            let stats = endpoint.cloud.stats.accounts
            #expect(stats["demo2@example.com"]?.failedLogins ?? 0 >= 1 && stats["demo2@example.com"]?.logins == 0)
            #expect(stats["demo@example.com"] == .init())
        }
    }
}
