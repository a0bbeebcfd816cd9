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

    var devices: [DeviceRecord]
    var grants: [GrantRecord]
    var tokens: [String: Token] = [:]
    var refreshTokens: [String: String] = [:]
    let openId: String
    let subtoken: String
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
    var stats = SandboxStats()

    init(configuration: SandboxConfiguration, anchor: Int64) {
        let seed = configuration.seed
        random = SplitMix64(seed: seed)
        var identity = SplitMix64(seed: seed ^ 0x0123_4567)
        openId = "sbx" + String(identity.next(), radix: 16)
        subtoken = String(identity.next(), radix: 16) + String(identity.next(), radix: 16)
        devices = zip(configuration.account.devices, configuration.recordings(anchor: anchor)).map { device, clips in
            DeviceRecord(device: device, recordings: clips)
        }
        grants = []
        answerFaults = configuration.faults.answers.map { ($0, 0) }
        for (index, device) in configuration.account.devices.enumerated() {
            let base = Int64(222_000 + index * 10)
            grants.append(GrantRecord(grantId: base, mac: device.mac, status: 3, permissionType: 1, initTime: anchor - 86_400 * 30))
            grants.append(GrantRecord(grantId: base + 1, mac: device.mac, status: 1, permissionType: 1, initTime: anchor - 86_400))
        }
        upgradeAnswersLeft = configuration.faults.upgradeAnswers
        outageRequestsLeft = configuration.faults.outageRequests
        systemErrorAnswersLeft = configuration.faults.systemErrorAnswers
        storeTokenRejectionsLeft = configuration.faults.storeTokenRejections
    }

    mutating func issueToken(lifetime: Int64, calls: Int?, now: Int64) -> (access: String, refresh: String) {
        let access = String(format: "%016llx%016llx", random.next(), random.next())
        let refresh = String(format: "%016llx%016llx", random.next(), random.next())
        tokens[access] = Token(openId: openId, expiresAt: now + lifetime, callsLeft: calls)
        refreshTokens[refresh] = openId
        return (access, refresh)
    }

    func deviceIndex(_ mac: String) -> Int? {
        devices.firstIndex { $0.device.mac.caseInsensitiveCompare(mac) == .orderedSame }
    }
}
