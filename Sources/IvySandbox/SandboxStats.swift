/// What the sandbox served, for tests and benchmarks to assert on (e.g. "a second backup made
/// no segment request").
public struct SandboxStats: Sendable {
    /// Gateway, oauth and store calls by service name.
    public var calls: [String: Int] = [:]
    /// Gateway calls that came through the `/moved` address of `000077`.
    public var movedCalls = 0
    public var playlistRequests = 0
    public var segmentRequests = 0
    public var keyRequests = 0
    public var initRequests = 0
    /// Requests for segments the playlist marks `EXT-X-GAP` (a client must not make any).
    public var gapSegmentRequests = 0
    /// Segments answered `200` with an HTML page (`MediaFaults.htmlOnceRate`).
    public var htmlAnswers = 0
    /// Answers by HTTP status, every service and media request included (`429`s too).
    public var statuses: [Int: Int] = [:]
    /// Media requests answered `429` because `Faults.concurrencyLimit` requests were already
    /// being answered. They are in `statuses` and `log`, not in the playlist, segment, key
    /// and init counters, which count the requests the cloud itself answered.
    public var tooManyRequests = 0
    /// The most media requests ever being answered at once (arrival to last body byte),
    /// whether or not a limit is set.
    public var peakConcurrentMedia = 0
    /// Bytes of media bodies written to clients (after gzip when it applies; the part sent
    /// of a body cut short).
    public var mediaBytesSent: Int64 = 0
    /// Segment requests per clip, keyed `MAC/start`.
    public var segmentRequestsByClip: [String: Int] = [:]
    /// The last requests, oldest first: method, path (never the query: it holds secrets), service.
    public var log: [Entry] = []
    /// The same kind of counts for each account, by username: what a fleet of backups must
    /// show (every clip fetched once, by its own account). Every account is listed, idle ones too.
    public var accounts: [String: AccountStats] = [:]

    public init() {}

    init(usernames: [String]) {
        for username in usernames { accounts[username] = AccountStats() }
    }

    /// What one account asked of the cloud: calls counted once they are known to be its own
    /// (a valid token or store signature of its), media by the account that has the camera.
    public struct AccountStats: Sendable, Equatable {
        /// Password logins that succeeded (`/oauth` authorize or the token endpoint's password grant).
        public var logins = 0
        /// Password logins with its username and a wrong password.
        public var failedLogins = 0
        /// Sessions renewed with a refresh token.
        public var refreshes = 0
        /// Gateway and store calls made with its token or store signature, by service.
        public var calls: [String: Int] = [:]
        /// `record.play` answers with a URL, keyed `MAC/start` like `segmentRequestsByClip`.
        public var recordPlaysByClip: [String: Int] = [:]
        public var playlistRequests = 0
        public var segmentRequests = 0
        public var segmentRequestsByClip: [String: Int] = [:]

        public init() {}

        public var recordPlays: Int { recordPlaysByClip.values.reduce(0, +) }
    }

    public struct Entry: Sendable {
        public var method: String
        public var path: String
        public var service: String?
        public var status: Int
    }

    static let logLimit = 10_000

    /// Counts something for the account `username` (one the cloud was made with).
    mutating func account(_ username: String, _ change: (inout AccountStats) -> Void) {
        change(&accounts[username, default: AccountStats()])
    }

    mutating func record(_ entry: Entry) {
        statuses[entry.status, default: 0] += 1
        if let service = entry.service { calls[service, default: 0] += 1 }
        log.append(entry)
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }
}
