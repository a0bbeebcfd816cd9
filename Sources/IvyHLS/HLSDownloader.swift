import Crypto
import _CryptoExtras
public import IvyHTTP
public import Logging

/// Fetches a media playlist's segments concurrently and hands them over in order.
///
/// Memory stays flat: at most `reorderWindow` segments are in flight or waiting for an earlier
/// one. Each request takes a permit of the process-wide `DownloadLimiter`.
public struct HLSDownloader: Sendable {
    public struct Policy: Sendable {
        /// Tries per segment in all, for network failures, short bodies, 429 and 5xx.
        public var retry = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(500), maxDelay: .seconds(20))
        /// Extra tries for a 404: clouds answer spurious ones.
        public var notFoundRetries = 3
        public var requestTimeout: Duration = .seconds(120)
        /// Segments of one clip in flight or waiting for an earlier one (twice this measured no
        /// faster in `scripts/bench.sh`, and costs memory).
        public var reorderWindow = 8
        /// New playlists asked for after expired URLs (403), per clip.
        public var maxRefreshes = 5
        public var maxSegmentSize = 256 << 20

        public init() {}
    }

    /// One segment, decrypted, in playlist order.
    public struct Payload: Sendable {
        public var index: Int
        public var segment: Segment
        /// The fMP4 initialization section, given with the first segment and whenever it changes.
        public var initSection: [UInt8]?
        public var bytes: [UInt8]
    }

    let transport: any HTTPTransport
    let limiter: DownloadLimiter
    let policy: Policy
    let logger: Logger

    public init(transport: any HTTPTransport, limiter: DownloadLimiter, policy: Policy = Policy(), logger: Logger) {
        self.transport = transport
        self.limiter = limiter
        self.policy = policy
        self.logger = logger
    }

    /// Downloads every segment of `playlist` into `sink`, in order. When the signed URLs expire
    /// (403), `refresh` is asked for a new playlist of the same clip and the download goes on
    /// from the same segment.
    public func download(
        _ playlist: MediaPlaylist,
        refresh: (@Sendable () async throws -> MediaPlaylist)? = nil,
        into sink: (Payload) async throws -> Void
    ) async throws {
        var current = playlist
        var generation = 0
        var refreshes = 0
        let count = playlist.segments.count
        let keys = KeyCache()
        var nextToStart = 0
        var nextToDeliver = 0
        var ready: [Int: [UInt8]] = [:]
        var lastMap: InitSection?

        try await withThrowingTaskGroup(of: Completion.self) { group in
            while nextToStart < count, nextToStart - nextToDeliver < max(1, policy.reorderWindow) {
                launch(current.segments[nextToStart], index: nextToStart, generation: generation, keys: keys, in: &group)
                nextToStart += 1
            }
            while nextToDeliver < count {
                guard let completion = try await group.next() else {
                    throw HLSError.segmentFailed(current.segments[nextToDeliver].sequence, "the download stopped early")
                }
                switch completion.result {
                case .success(let bytes):
                    ready[completion.index] = bytes
                case .failure(let error as SegmentExpired):
                    if completion.generation == generation {
                        guard let refresh, refreshes < policy.maxRefreshes else {
                            throw HLSError.expired("HTTP \(error.status) for segment \(current.segments[completion.index].sequence)")
                        }
                        refreshes += 1
                        logger.info("signed URLs expired; asking for a new playlist", metadata: ["segment": "\(completion.index)"])
                        current = try Self.matching(try await refresh(), to: playlist)
                        generation += 1
                    }
                    launch(current.segments[completion.index], index: completion.index, generation: generation, keys: keys, in: &group)
                case .failure(let error):
                    group.cancelAll()
                    throw error
                }
                while let bytes = ready.removeValue(forKey: nextToDeliver) {
                    let segment = current.segments[nextToDeliver]
                    var initSection: [UInt8]?
                    if let map = segment.map, map.url != lastMap?.url || map.byteRange != lastMap?.byteRange {
                        initSection = try await fetchInitSection(map)
                        lastMap = map
                    }
                    try await sink(Payload(index: nextToDeliver, segment: segment, initSection: initSection, bytes: bytes))
                    nextToDeliver += 1
                }
                while nextToStart < count, nextToStart - nextToDeliver < max(1, policy.reorderWindow) {
                    launch(current.segments[nextToStart], index: nextToStart, generation: generation, keys: keys, in: &group)
                    nextToStart += 1
                }
            }
        }
    }

    /// What a segment task reports: which segment, under which playlist, and how it went.
    struct Completion: Sendable {
        var index: Int
        var generation: Int
        var result: Result<[UInt8], any Error>
    }

    private func launch(_ segment: Segment, index: Int, generation: Int, keys: KeyCache, in group: inout ThrowingTaskGroup<Completion, any Error>) {
        group.addTask {
            do {
                return Completion(index: index, generation: generation, result: .success(try await fetch(segment, keys: keys)))
            } catch {
                return Completion(index: index, generation: generation, result: .failure(error))
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

    private func fetch(_ segment: Segment, keys: KeyCache) async throws -> [UInt8] {
        var bytes = try await fetchWithRetries(segment.url, range: segment.byteRange, sequence: segment.sequence)
        if let key = segment.key {
            let keyBytes = try await keys.key(for: key.url) { try await fetchWithRetries(key.url, range: nil, sequence: segment.sequence) }
            guard keyBytes.count == 16 else { throw HLSError.keyInvalid("it has \(keyBytes.count) bytes, not 16") }
            do {
                bytes = Array(try AES._CBC.decrypt(bytes, using: SymmetricKey(data: keyBytes), iv: AES._CBC.IV(ivBytes: key.iv(forSequence: segment.sequence))))
            } catch {
                throw HLSError.keyInvalid("segment \(segment.sequence) does not decrypt")
            }
        }
        return bytes
    }

    private func fetchInitSection(_ map: InitSection) async throws -> [UInt8] {
        try await fetchWithRetries(map.url, range: map.byteRange, sequence: -1)
    }

    /// One resource, retried as the policy says. 403 is not retried here: it means the
    /// signature expired, which only a new playlist cures.
    func fetchWithRetries(_ url: String, range: ByteRange?, sequence: Int) async throws -> [UInt8] {
        var failures = 0
        var notFound = 0
        var request = HTTPRequest(url: url, timeout: policy.requestTimeout)
        if let range { request.headers.append(("Range", range.httpRange)) }
        while true {
            try Task.checkCancellation()
            let reason: String
            var retryAfter: Duration?
            do {
                let response = try await limiter.withPermit { try await transport.execute(request, maxBodySize: policy.maxSegmentSize) }
                switch response.status {
                case 200, 206:
                    if let range, response.body.count != range.length {
                        reason = "byte range answered with \(response.body.count) bytes, not \(range.length)"
                    } else {
                        return response.body
                    }
                case 401, 403:
                    throw SegmentExpired(status: response.status)
                case 404, 410:
                    notFound += 1
                    guard notFound <= policy.notFoundRetries else { throw HLSError.segmentMissing(sequence) }
                    reason = "HTTP \(response.status)"
                case _ where response.isRetryableStatus:
                    reason = "HTTP \(response.status)"
                    retryAfter = response.retryAfter
                default:
                    throw HLSError.segmentFailed(sequence, "HTTP \(response.status)")
                }
            } catch let error as HTTPError where error.isTransient {
                reason = error.description
            } catch let error as HTTPError {
                throw HLSError.segmentFailed(sequence, error.description)
            }
            failures += 1
            guard failures < policy.retry.maxAttempts + notFound else {
                throw HLSError.segmentFailed(sequence, "\(reason), after \(failures) tries")
            }
            let delay = policy.retry.delay(afterAttempt: failures, retryAfter: retryAfter)
            logger.debug("retrying a segment", metadata: ["sequence": "\(sequence)", "reason": "\(reason)", "delay": "\(delay)"])
            try await Task.sleep(for: delay)
        }
    }
}

/// AES keys by URL: a clip's segments usually share one key, fetched once.
actor KeyCache {
    private var keys: [String: [UInt8]] = [:]

    func key(for url: String, fetch: () async throws -> [UInt8]) async throws -> [UInt8] {
        if let key = keys[url] { return key }
        let key = try await fetch()
        keys[url] = key
        return key
    }
}
