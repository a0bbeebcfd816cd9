import Crypto
import _CryptoExtras
import IvyConcurrency
public import IvyHTTP
public import Logging

/// Fetches a media playlist's segments concurrently and hands them over in order.
///
/// Memory stays flat: with a spool folder, a segment waits on disk until its turn; otherwise (and
/// for AES-128 segments, decrypted whole) it takes its share of the process-wide
/// `DownloadLimiter`'s memory budget before it is asked for and gives it back once handed over.
/// At most `reorderWindow` segments of a clip are in flight or waiting for an earlier one. Each
/// request takes a permit of the same limiter.
public struct HLSDownloader: Sendable {
    public struct Policy: Sendable {
        /// Tries per segment in all, for network failures, short bodies, 429 and 5xx.
        /// About 15 to 31 s over six tries.
        public var retry = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(20))
        /// Extra tries for a 404: clouds answer spurious ones.
        public var notFoundRetries = 3
        public var requestTimeout: Duration = .seconds(120)
        /// Segments of one clip in flight or waiting for an earlier one, at most: as many as the
        /// default `--max-connections`, so that one long clip can fill the link alone. What they
        /// hold is bounded by the limiter's memory budget, not by this.
        public var reorderWindow = 32
        /// New playlists asked for after expired URLs (403), per clip.
        public var maxRefreshes = 5
        public var maxSegmentSize = 256 << 20
        /// What a segment that is still unavailable after its retries (missing, never media,
        /// undecryptable) does: fail the clip (the default), or become a hole in it
        /// (`Payload.hole`), so that the rest of a clip the cloud is about to delete is kept.
        public var keepsPartial = false
        /// Hosts segments, keys and init sections may come from besides the playlist's own.
        public var allowedMediaHosts: [String] = []

        public init() {}
    }

    /// Why a segment has no bytes.
    public enum Hole: Sendable, Equatable {
        /// `EXT-X-GAP`: the playlist says there is no media; nothing was fetched.
        case gap
        /// Still unavailable after its retries (`Policy.keepsPartial`); the reason, in words.
        case unavailable(String)
    }

    /// One segment, decrypted, in playlist order.
    public struct Payload: Sendable {
        public var index: Int
        public var segment: Segment
        /// The fMP4 initialization section, given with the first segment and whenever it changes.
        public var initSection: [UInt8]?
        /// The media; empty for a hole.
        public var body: SegmentBody
        /// Set when the segment holds no media: the recording has a hole of `segment.duration` s.
        public var hole: Hole?
    }

    let transport: any HTTPTransport
    let limiter: DownloadLimiter
    private(set) var policy: Policy
    let logger: Logger

    /// Whether unavailable segments become holes (`Policy.keepsPartial`).
    public var keepsPartial: Bool { policy.keepsPartial }

    /// The same downloader with `Policy.keepsPartial` set to `keep`.
    public func keepingPartial(_ keep: Bool) -> HLSDownloader {
        var copy = self
        copy.policy.keepsPartial = keep
        return copy
    }

    public init(transport: any HTTPTransport, limiter: DownloadLimiter, policy: Policy = Policy(), logger: Logger) {
        self.transport = transport
        self.limiter = limiter
        self.policy = policy
        self.logger = logger
    }

    /// Downloads every segment of `playlist` into `sink`, in order. When the signed URLs expire
    /// (403), `refresh` is asked for a new playlist of the same clip (once, however many
    /// segments met the expiry) and those segments are fetched again from it.
    ///
    /// With a `spoolDirectory`, segments are written there as they arrive (`SegmentBody.spooled`,
    /// unnamed files freed with the payload) and take none of the memory budget, so that the
    /// transfers the link wants never wait for memory; AES-128 segments, which are decrypted
    /// whole, stay in memory. Without one, every segment waits for its share of the budget.
    public func download(
        _ playlist: MediaPlaylist,
        refresh: (@Sendable () async throws -> MediaPlaylist)? = nil,
        spoolDirectory: String? = nil,
        into sink: (Payload) async throws -> Void
    ) async throws {
        let keys = KeyCache()
        let turnstile = Turnstile()
        let signed = SignedPlaylist(playlist, refresh: refresh, maxRefreshes: policy.maxRefreshes, logger: logger)
        var lastMap: InitSection?
        try await BoundedConcurrency.forEach(Array(playlist.segments.indices), limit: policy.reorderWindow, order: .elements) { index in
            try await arrival(of: index, from: signed, keys: keys, turnstile: turnstile, spoolDirectory: spoolDirectory)
        } handle: { index, arrival in
            // Handed over (or dropped by a failure): its bytes leave the budget.
            defer { arrival.reservation?.release() }
            var payload = Payload(index: index, segment: arrival.segment, initSection: nil, body: .memory(ChunkedBytes()))
            switch arrival.content {
            case .media(let body):
                payload.body = body
                if let map = arrival.segment.map, map.url != lastMap?.url || map.byteRange != lastMap?.byteRange {
                    payload.initSection = try await fetchInitSection(map)
                    lastMap = map
                }
            case .hole(let hole):
                payload.hole = hole
            }
            try await sink(payload)
        }
    }

    /// A segment as fetched, waiting for the ones before it to be delivered.
    struct Arrival: Sendable {
        enum Content: Sendable {
            case media(SegmentBody)
            case hole(Hole)
        }

        /// The segment as the playlist it was fetched from names it.
        var segment: Segment
        var content: Content
        /// Its share of the memory budget, held until the segment is handed over.
        var reservation: MemoryReservation?
    }

    /// Segment `index`, from the newest playlist, fetched again from a renewed one when its
    /// signed URLs expire.
    private func arrival(of index: Int, from signed: SignedPlaylist, keys: KeyCache, turnstile: Turnstile, spoolDirectory: String?) async throws -> Arrival {
        var reservation: MemoryReservation?
        // Queued for memory in the clip's order (see `Turnstile`); a gap queues for nothing.
        try await turnstile.wait(for: index)
        defer { turnstile.pass(index) }
        while true {
            let (playlist, generation) = await signed.current()
            let segment = playlist.segments[index]
            // An EXT-X-GAP segment must not be loaded (RFC 8216bis §6.3.3): it is a hole.
            if segment.gap { return Arrival(segment: segment, content: .hole(.gap)) }
            do {
                // AES segments are decrypted whole, in memory.
                let spool = segment.key == nil ? spoolDirectory : nil
                // Held across retries and renewals: given back and asked for again, it could
                // wait behind this clip's later segments, which wait for this one.
                if reservation == nil, spool == nil {
                    reservation = try await limiter.reserve(segment.byteRange.map { Int($0.length) }) { turnstile.pass(index) }
                }
                turnstile.pass(index)
                let body = try await fetch(segment, keys: keys, spoolDirectory: spool)
                if case .memory(let bytes) = body { reservation?.settle(actual: bytes.count) }
                return Arrival(segment: segment, content: .media(body), reservation: reservation)
            } catch let error as HLSError where policy.keepsPartial && error.isSegmentUnavailable {
                logger.notice("a segment is unavailable; the clip will have a hole", metadata: ["reason": "\(error)"])
                return Arrival(segment: segment, content: .hole(.unavailable(error.detail)))
            } catch let expired as SegmentExpired {
                try await signed.renew(after: generation, because: "HTTP \(expired.status) for segment \(segment.sequence)")
            }
        }
    }

    /// A refreshed playlist must describe the same clip: same segments, in the same order.
    static func matching(_ fresh: MediaPlaylist, to original: MediaPlaylist) throws -> MediaPlaylist {
        guard fresh.segments.count == original.segments.count else {
            throw HLSError.expired("the new playlist has \(fresh.segments.count) segments, the first had \(original.segments.count)")
        }
        return fresh
    }

    struct SegmentExpired: Error {
        var status: Int
    }

    private func fetch(_ segment: Segment, keys: KeyCache, spoolDirectory: String?) async throws -> SegmentBody {
        var keyBytes: [UInt8]?
        if let key = segment.key {
            let bytes = try await keys.key(for: key.url) {
                try await fetchWithRetries(key.url, range: nil, resource: "the AES key of segment \(segment.sequence)").body.joined()
            }
            guard bytes.count == 16 else { throw HLSError.keyInvalid("it has \(bytes.count) bytes, not 16") }
            keyBytes = bytes
        }
        let sequence = segment.sequence
        let fetched = try await fetchWithRetries(segment.url, range: segment.byteRange, resource: "segment \(sequence)", spoolDirectory: spoolDirectory) { body in
            var media = body
            if let keyBytes, let key = segment.key {
                // AES-CBC wants the segment in one piece: the one segment kind joined.
                switch SegmentDecryption.decrypt(body.joined(), key: keyBytes, iv: key.iv(forSequence: sequence)) {
                case .failure(let reason):
                    return .retry("it does not decrypt: \(reason)")
                case .success(let decrypted):
                    if let padding = decrypted.paddingProblem {
                        // Bytes that are not media either: the wrong key, not a sloppy packager.
                        guard MediaSignature.problem(in: decrypted.bytes) == nil else {
                            return .retry("it does not decrypt with its key (\(padding), and the bytes are not media)")
                        }
                        logger.notice("a segment's AES padding does not check out; its bytes are kept whole",
                                      metadata: ["sequence": "\(sequence)", "padding": "\(padding)"])
                    }
                    media = ChunkedBytes(decrypted.bytes)
                }
            }
            if let problem = MediaSignature.problem(in: media.prefix(MediaSignature.bytesJudged)) { return .retry(problem) }
            return .accept(media)
        }
        return fetched.spool.map { .spooled($0) } ?? .memory(fetched.body)
    }

    private func fetchInitSection(_ map: InitSection) async throws -> [UInt8] {
        try await fetchWithRetries(map.url, range: map.byteRange, resource: "the initialization section") { body in
            let bytes = body.joined()
            return MediaSignature.initSectionProblem(in: bytes).map { .retry($0) } ?? .accept(ChunkedBytes(bytes))
        }.body.joined()
    }

    /// What a body check says of an answer `200`.
    enum Acceptance {
        /// The body to hand on (decrypted, for instance).
        case accept(ChunkedBytes)
        /// Not what was asked for (a markup page, nothing, undecryptable bytes): a failed try,
        /// retried like a `503`.
        case retry(String)
    }

    /// A body as accepted, and the URL that answered it (after redirects).
    struct Fetched {
        /// The body, or only its first bytes when it went to `spool`.
        var body: ChunkedBytes
        var url: String
        var spool: SpoolFile?
    }

    /// One resource, retried as the policy says. 403 is not retried here: it means the
    /// signature expired, which only a new playlist cures. `check` judges each body; a body it
    /// refuses counts as a failed try. `resource` names what is fetched in errors ("segment 7").
    /// With a `spoolDirectory`, each try's body goes to a new spool file there, and `check`
    /// sees only its first bytes (`SpoolFile.prefixLength`).
    func fetchWithRetries(
        _ url: String, range: ByteRange?, resource: String, spoolDirectory: String? = nil,
        check: (ChunkedBytes) -> Acceptance = { .accept($0) }
    ) async throws -> Fetched {
        var failures = 0
        var notFound = 0
        var lastRefusal: String?
        var request = HTTPRequest(url: url, timeout: policy.requestTimeout)
        if let range { request.headers.append(("Range", range.httpRange)) }
        while true {
            try Task.checkCancellation()
            let reason: String
            var retryAfter: Duration?
            var spool: SpoolFile?
            do {
                // The body stays in the chunks it came in: a segment is never joined into one array.
                let response = try await limiter.withPermit(judging: Self.loadOutcome) { transfer in
                    if let spoolDirectory {
                        spool = SpoolFile(directory: spoolDirectory, limit: policy.maxSegmentSize) { transfer.received($0) }
                    }
                    request.spool = spool
                    let streamed = try await transport.stream(request)
                    let body = try await streamed.collectChunks(upTo: policy.maxSegmentSize) { if spool == nil { transfer.received($0) } }
                    return Response(head: streamed.head, body: body, count: spool?.count ?? body.count)
                }
                switch response.head.status {
                case 200, 206:
                    if let range, response.count != range.length {
                        reason = "byte range answered with \(response.count) bytes, not \(range.length)"
                    } else {
                        switch check(response.body) {
                        case .accept(let body): return Fetched(body: body, url: response.head.url ?? url, spool: spool)
                        case .retry(let refusal):
                            reason = refusal
                            lastRefusal = refusal
                        }
                    }
                case 401, 403:
                    throw SegmentExpired(status: response.head.status)
                case 404, 410:
                    notFound += 1
                    guard notFound <= policy.notFoundRetries else { throw HLSError.segmentMissing(resource) }
                    reason = "HTTP \(response.head.status)"
                case _ where response.head.isRetryableStatus:
                    reason = "HTTP \(response.head.status)"
                    retryAfter = response.head.retryAfter
                default:
                    throw HLSError.segmentFailed(resource, "HTTP \(response.head.status)")
                }
            } catch let error as HTTPError where error == .badContentEncoding && request.decodesContent {
                // Labelled compressed, but not: take the bytes as sent, and let `check` judge them.
                logger.info("a body does not decode as its Content-Encoding says; reading it as sent", metadata: ["resource": "\(resource)"])
                request.decodesContent = false
                continue
            } catch let error as HTTPError {
                // A spool that failed ended the transfer: its own error says why, and one of the
                // file system is the archive's disk failing, not this segment.
                if let failure = spool?.failure {
                    guard failure.isTooLarge else { throw failure }
                    throw HLSError.segmentFailed(resource, HTTPError.bodyTooLarge.description)
                }
                guard error.isTransient else { throw HLSError.segmentFailed(resource, error.description) }
                reason = error.description
            }
            failures += 1
            guard failures < policy.retry.maxAttempts + notFound else {
                if let lastRefusal, lastRefusal == reason { throw HLSError.notMedia(resource, "\(reason), after \(failures) tries") }
                throw HLSError.segmentFailed(resource, "\(reason), after \(failures) tries", transient: true)
            }
            let delay = policy.retry.delay(afterAttempt: failures, retryAfter: retryAfter)
            // Below the default level: the clip's own outcome (archived, partial, failed) is the
            // one line a user gets, and the progress line shows the download going on.
            logger.info("a download failed; retrying", metadata: ["resource": "\(resource)", "reason": "\(reason)", "delay": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }
}

extension HLSDownloader {
    /// An answer in full (its body, or the first bytes of a spooled one).
    struct Response: Sendable {
        var head: HTTPResponseHead
        var body: ChunkedBytes
        /// Bytes of the body in all, spooled or not.
        var count: Int
    }

    /// What an answer says of the link's load, for the adaptive concurrency.
    static func loadOutcome(_ result: Result<Response, any Error>) -> ConcurrencyController.Outcome {
        switch result {
        case .success(let response):
            switch response.head.status {
            case 200, 206: .completed
            case 429: .refused
            case _ where response.head.isRetryableStatus: .unavailable
            default: .other
            }
        case .failure(let error as HTTPError) where error == .timedOut: .timedOut
        case .failure: .other
        }
    }
}

/// AES keys by URL: a clip's segments usually share one key, fetched once.
actor KeyCache {
    /// One fetch per key URL, shared by every segment that asks while it is under way; a
    /// failed fetch is forgotten, so a later segment tries again.
    private var keys: [String: Task<[UInt8], any Error>] = [:]

    func key(for url: String, fetch: @escaping @Sendable () async throws -> [UInt8]) async throws -> [UInt8] {
        if let task = keys[url] { return try await task.valueCancellingWithCaller }
        let task = Task { try await fetch() }
        keys[url] = task
        do {
            return try await task.valueCancellingWithCaller
        } catch {
            keys[url] = nil
            throw error
        }
    }
}
