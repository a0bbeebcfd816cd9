/// Fetching the playlist itself: a multivariant playlist leads to its best variant.
extension HLSDownloader {
    /// Playlists are text of a few hundred KB at most; more is an attack or a mistake.
    static let maxPlaylistSize = 8 << 20

    public func mediaPlaylist(at url: String, parser: PlaylistParser = PlaylistParser()) async throws -> MediaPlaylist {
        var location = url
        for _ in 0..<3 {
            let bytes: [UInt8]
            do {
                bytes = try await fetchWithRetries(location, range: nil, sequence: -1)
            } catch let expired as SegmentExpired {
                throw HLSError.playlistFailed("HTTP \(expired.status) (the URL expired or its signature is wrong)")
            } catch let error as HLSError {
                throw HLSError.playlistFailed(error.detail)
            }
            guard bytes.count <= Self.maxPlaylistSize else { throw PlaylistError.tooLarge(0, "a playlist of \(bytes.count) bytes") }
            switch try parser.parse(String(decoding: bytes, as: UTF8.self), url: location) {
            case .media(let playlist):
                return playlist
            case .multivariant(let variants):
                guard let best = variants.best else { throw PlaylistError.empty }
                location = best.url
            }
        }
        throw PlaylistError.malformed(0, "multivariant playlists nested too deep")
    }
}
