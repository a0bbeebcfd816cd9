import Foundation

/// Everything the sandbox remembers between requests. Lives behind the cloud's `Mutex`.
struct SandboxState: Sendable {
    struct DeviceRecord: Sendable {
        var device: SandboxDevice
        var recordings: [SandboxRecording]
    }

    struct Token: Sendable {
        var openId: String
        var expiresAt: Int64
        var callsLeft: Int?
    }

    struct GrantRecord: Sendable {
        var grantId: Int64
        var mac: String
        var status: Int
        var permissionType: Int
        var initTime: Int64
    }

    /// One account's identity and what it holds. Every token, device and grant belongs to
    /// exactly one: a request answered for one account never sees another's.
    struct AccountRecord: Sendable {
        let username: String
        let openId: String
        let subtoken: String
        var devices: [DeviceRecord]
        var grants: [GrantRecord]

        func deviceIndex(_ mac: String) -> Int? {
            devices.firstIndex { $0.device.mac.caseInsensitiveCompare(mac) == .orderedSame }
        }
    }

    var accounts: [AccountRecord]
    var tokens: [String: Token] = [:]
    /// Refresh token to the `openId` it renews.
    var refreshTokens: [String: String] = [:]
    var random: SplitMix64
    var addressChanged = false
    var upgradeAnswersLeft: Int
    var systemErrorAnswersLeft: Int
    var storeTokenRejectionsLeft: Int
    /// `Faults.outageRequests` not yet answered.
    var outageRequestsLeft = 0
    /// Segments that already answered their one-shot `404`.
    var notFoundOnce: Set<String> = []
    /// Segments already answered with an HTML page (`MediaFaults.htmlOnceRate`).
    var htmlOnce: Set<String> = []
    /// Requests made with each URL handed out (`urlLifetimeInRequests`).
    var signatureUses: [String: Int] = [:]
    /// Media requests being answered now (`Faults.concurrencyLimit`); not a statistic, so a
    /// reset of the counters leaves it alone.
    var mediaInFlight = 0
    /// `AnswerFault`s in force, with the answers each has mangled so far.
    var answerFaults: [(fault: AnswerFault, used: Int)] = []
    private var issuedURLs = 0

    mutating func nextIssue() -> Int {
        issuedURLs += 1
        return issuedURLs
    }
    var stats: SandboxStats

    init(configuration: SandboxConfiguration, anchor: Int64) {
        random = SplitMix64(seed: configuration.seed)
        accounts = configuration.accounts.indices.map { index in
            Self.accountRecord(configuration, index: index, anchor: anchor)
        }
        answerFaults = configuration.faults.answers.map { ($0, 0) }
        upgradeAnswersLeft = configuration.faults.upgradeAnswers
        outageRequestsLeft = configuration.faults.outageRequests
        systemErrorAnswersLeft = configuration.faults.systemErrorAnswers
        storeTokenRejectionsLeft = configuration.faults.storeTokenRejections
        stats = SandboxStats(usernames: accounts.map(\.username))
    }

    /// Account `index` as it starts: its identity from its own seed, its recordings, and two
    /// grants per camera (one active, one to activate).
    private static func accountRecord(_ configuration: SandboxConfiguration, index: Int, anchor: Int64) -> AccountRecord {
        let account = configuration.accounts[index]
        var identity = SplitMix64(seed: configuration.seed(ofAccount: index) ^ 0x0123_4567)
        let openId = "sbx" + String(identity.next(), radix: 16)
        let subtoken = String(identity.next(), radix: 16) + String(identity.next(), radix: 16)
        let devices = zip(account.devices, configuration.recordings(ofAccount: index, anchor: anchor)).map { device, clips in
            DeviceRecord(device: device, recordings: clips)
        }
        var grants: [GrantRecord] = []
        for (deviceIndex, device) in account.devices.enumerated() {
            // The first account's ids are what they were before fleets; the others' do not meet them.
            let base = Int64(222_000 + index * 10_000 + deviceIndex * 10)
            grants.append(GrantRecord(grantId: base, mac: device.mac, status: 3, permissionType: 1, initTime: anchor - 86_400 * 30))
            grants.append(GrantRecord(grantId: base + 1, mac: device.mac, status: 1, permissionType: 1, initTime: anchor - 86_400))
        }
        return AccountRecord(username: account.username, openId: openId, subtoken: subtoken, devices: devices, grants: grants)
    }

    mutating func issueToken(account: Int, lifetime: Int64, calls: Int?, now: Int64) -> (access: String, refresh: String) {
        let access = String(format: "%016llx%016llx", random.next(), random.next())
        let refresh = String(format: "%016llx%016llx", random.next(), random.next())
        let openId = accounts[account].openId
        tokens[access] = Token(openId: openId, expiresAt: now + lifetime, callsLeft: calls)
        refreshTokens[refresh] = openId
        return (access, refresh)
    }

    func account(openId: String) -> Int? {
        accounts.firstIndex { $0.openId == openId }
    }

    func account(username: String) -> Int? {
        accounts.firstIndex { $0.username.lowercased() == username.lowercased() }
    }

    /// The account that has the camera, and its place there. MACs are unique across accounts.
    func owner(of mac: String) -> (account: Int, device: Int)? {
        for (index, account) in accounts.enumerated() {
            if let device = account.deviceIndex(mac) { return (index, device) }
        }
        return nil
    }

    /// The counters start over, every account still listed.
    mutating func resetStats() -> SandboxStats {
        defer { stats = SandboxStats(usernames: accounts.map(\.username)) }
        return stats
    }
}
