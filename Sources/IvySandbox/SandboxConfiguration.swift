/// Everything a test or a benchmark can turn on the sandbox cloud. Defaults make a well-behaved
/// cloud; each fault is off until asked for.
public struct SandboxConfiguration: Sendable {
    /// Seeds the account (device ids, recordings, tokens) and every random fault decision.
    public var seed: UInt64 = 1
    /// The first account: who logs in, and the cameras with their recordings.
    public var account: SandboxAccount = .demo()
    /// More accounts on the same cloud (`ivy-archiver sandbox --accounts N`), each with its own
    /// cameras, recordings, identity and counters. Their MACs must differ from every other
    /// account's: a camera belongs to one account, and HLS URLs name it by MAC alone.
    public var additionalAccounts: [SandboxAccount] = []
    /// The application identity the sandbox accepts (the document's, by default).
    public var clientId = "oemkey"
    public var clientSecret = "397ff5985bb7437198a9ef51b4815caf"
    public var oemCode = "SANDBOX"
    /// The OEM's key for `delOemDeviceForce` signs.
    public var delKey = "sandbox-del-key"
    /// Seconds an access token lives (NOTES.md observed 30 days).
    public var tokenLifetime: Int64 = 2_592_000
    /// An access token stops working after this many gateway calls (`030041`); `nil`: never.
    public var tokenLifetimeInCalls: Int?
    /// Where password login is offered (NOTES.md).
    public var login = LoginMode.vendor
    /// A refresh hands out a new refresh token and spends the one it was asked with.
    public var rotateRefreshTokens = false
    /// Playlist, segment and key URLs expire this long after `record.play` answered.
    public var urlLifetime: Duration = .seconds(3900)
    /// A signed URL also stops working (`403`) after this many requests made with its
    /// signature: expiry that tests drive by counting, not by the clock. `nil`: no such limit.
    public var urlLifetimeInRequests: Int?
    /// The server's clock minus the machine's.
    public var clockOffset: Duration = .zero
    /// MPEG-TS segments are padded to about this many bytes (a whole number of 188-byte
    /// packets, never more) with null packets (PID 0x1FFF, ISO 13818-1 2.4.3.3), which every
    /// demuxer skips: segments as big as a real camera's (about 1 MB for 4 s of 720p) from the
    /// sandbox's small templates. `nil`, or a size below the template's: no padding. fMP4
    /// segments are never padded.
    public var segmentBytes: Int?
    /// The end of the most recent day of generated recordings, server Unix seconds; `nil`: the
    /// last hour boundary before the server's now. Fixed, it lets another process generate the
    /// same clips (`recordings(anchor:)`), whenever it runs: a bench's synthetic archive.
    public var anchor: Int64?
    public var faults = Faults()

    public init() {}

    /// Every account, the first one first.
    public var accounts: [SandboxAccount] { [account] + additionalAccounts }

    /// The seed of account `index`'s recordings and identity: the first account keeps `seed`
    /// itself (so a one-account cloud is what it always was), the others get seeds mixed from
    /// it and their index, far from the ones `RecordingGenerator` derives for cameras.
    public func seed(ofAccount index: Int) -> UInt64 {
        guard index > 0 else { return seed }
        var mixer = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    public enum LoginMode: Sendable {
        /// `POST /oauth`, fields read from the form body or the query; `/oauth/token` too.
        case vendor
        /// `POST /oauth`, fields read from the form body alone (a `service` only in the
        /// query is not seen: `009999`); `/oauth/token` too.
        case vendorFormBodyOnly
        /// Only the OAuth 2.0 token endpoint, `POST /oauth/token`: `/oauth` answers `009999`.
        case oauth2Only
    }

    public struct Faults: Sendable {
        /// Added before every answer.
        public var latency: Duration = .zero
        /// Bytes per second for each response body; `nil`: unthrottled.
        public var bandwidthPerConnection: Int?
        /// Bytes per second for all response bodies together; `nil`: unthrottled.
        public var bandwidthTotal: Int?
        /// A media request (playlist, segment, key, init: anything under `/hls/`) that arrives
        /// while this many media requests are being answered (from their arrival until their
        /// body is fully sent) is answered `429 Too Many Requests`, without `Retry-After`: a
        /// CDN's per-client limit. `nil`: no limit.
        public var concurrencyLimit: Int?
        /// Share of requests answered `503` (with `Retry-After: 0`), chosen at random.
        public var failureRate = 0.0
        /// The first N requests in `failureScope` answer `503` without `Retry-After`: a cloud
        /// overloaded for a while, counted in requests, never by the clock.
        public var outageRequests = 0
        /// Which requests `failureRate` and `outageRequests` hit.
        public var failureScope: Scope = .media
        /// Share of segment answers cut short of their `Content-Length`.
        public var truncationRate = 0.0
        /// Share of segments that answer `404` the first time they are asked for.
        public var oneShotNotFoundRate = 0.0
        /// Segments (by media sequence number) that always answer `404`.
        public var missingSegments: Set<Int> = []
        /// Clips (by start) whose segments always answer `404`: listed, but never servable.
        public var brokenClips: Set<Int64> = []
        /// The first gateway call answers `000077`, moving the dispatch address to `/moved`.
        public var addressChangeOnFirstCall = false
        /// The first N gateway calls answer `000066` (system upgrade).
        public var upgradeAnswers = 0
        /// The first N gateway calls answer `000099` (system error).
        public var systemErrorAnswers = 0
        /// The first N store calls answer `000006` "invalid sessionToken", as after a clock jump.
        public var storeTokenRejections = 0
        /// API answers mangled: HTML, empty, cut short, `404`, or a body of the test's.
        public var answers: [AnswerFault] = []
        /// Messy media and messy serving, as cameras, packagers and CDNs produce them.
        public var media = MediaFaults()

        public init() {}

        public enum Scope: Sendable { case media, api, all }
    }
}

/// Faults of the media itself and of how it is served (`SandboxConfiguration.Faults.media`):
/// the kinds of `../shared/field-cases/`, so that backup and export meet them end to end.
public struct MediaFaults: Sendable {
    /// In every MPEG-TS segment, one audio packet repeats its predecessor's timestamp.
    public var repeatedAudioTimestamp = false
    /// At the discontinuity (profiles with one), timestamps start over from the clip's first,
    /// as after an encoder restart, instead of jumping forward.
    public var restartAtDiscontinuity = false
    /// MPEG-TS segments (by index in the clip) whose audio packets are all left out: a muted
    /// microphone while video goes on.
    public var silentSegments: Set<Int> = []
    /// Each clip's first MPEG-TS segment starts mid-GOP: its leading keyframe is left out.
    public var midGOPStart = false
    /// Share of segments answered `200` with an HTML page, the first time they are asked for.
    public var htmlOnceRate = 0.0
    /// Playlists and segments are sent gzip-compressed (`Content-Encoding: gzip`), asked or not.
    public var gzip = false
    /// `record.play` hands out a URL under `/play/` that redirects (302) to the playlist, whose
    /// segment URIs are relative: they resolve only against the URL after the redirect.
    public var redirect = false
    /// Segment URIs are absolute, on this host name (same server and port): a playlist sending
    /// its client to another host.
    public var segmentHost: String?
    /// Segments (by index in the clip) marked `EXT-X-GAP` in the playlist, and not on the server.
    public var gapSegments: Set<Int> = []

    public init() {}
}

