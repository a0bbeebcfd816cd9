import IvyConcurrency
import Logging

/// A clip's media playlist whose signed URLs may expire (403). Segments that meet the expiry
/// ask for a renewal; one new playlist is fetched per expiry however many ask at once, and at
/// most `maxRefreshes` per clip.
actor SignedPlaylist {
    private let original: MediaPlaylist
    private var playlist: MediaPlaylist
    /// How many times the playlist was renewed; segments say which one they were fetched from.
    private var generation = 0
    private var refreshes = 0
    private var renewal: (generation: Int, task: Task<MediaPlaylist, any Error>)?
    private let refresh: (@Sendable () async throws -> MediaPlaylist)?
    private let maxRefreshes: Int
    private let logger: Logger

    init(_ playlist: MediaPlaylist, refresh: (@Sendable () async throws -> MediaPlaylist)?, maxRefreshes: Int, logger: Logger) {
        original = playlist
        self.playlist = playlist
        self.refresh = refresh
        self.maxRefreshes = maxRefreshes
        self.logger = logger
    }

    /// The newest playlist, and its generation (0 for the first).
    func current() -> (MediaPlaylist, Int) { (playlist, generation) }

    /// Makes a playlist newer than generation `seen` current: returns at once when one already
    /// is, joins a renewal under way, or asks for a new playlist.
    ///
    /// - Throws: `HLSError.expired` naming `reason` when there is no `refresh` or the clip used
    ///   up its renewals, or when the new playlist has other segments; what `refresh` throws.
    func renew(after seen: Int, because reason: String) async throws {
        guard generation == seen else { return }
        let task: Task<MediaPlaylist, any Error>
        if let renewal, renewal.generation == seen {
            task = renewal.task
        } else {
            guard let refresh, refreshes < maxRefreshes else { throw HLSError.expired(reason) }
            refreshes += 1
            logger.info("signed URLs expired; asking for a new playlist", metadata: ["reason": "\(reason)"])
            let original = original
            task = Task { try HLSDownloader.matching(try await refresh(), to: original) }
            renewal = (seen, task)
        }
        do {
            let fresh = try await task.valueCancellingWithCaller
            if generation == seen {
                playlist = fresh
                generation += 1
            }
            if renewal?.generation == seen { renewal = nil }
        } catch {
            if renewal?.generation == seen { renewal = nil }
            throw error
        }
    }
}
