import Foundation
import IvyHTTP

/// Fetching the playlist itself: a multivariant playlist leads to its best variant.
extension HLSDownloader {
    /// Playlists are text of a few hundred KB at most; more is an attack or a mistake.
    static let maxPlaylistSize = 8 << 20

    /// Segment, key and init-section URIs stay on the playlist's host (or a host of
    /// `Policy.allowedMediaHosts`): a playlist must not send the tool to fetch from anywhere.
    func checkHosts(_ playlist: MediaPlaylist, playlistURL: String) throws {
        for segment in playlist.segments where !segment.gap {
            try checkHost(segment.url, of: "segment \(segment.sequence)", playlistURL: playlistURL)
            if let key = segment.key { try checkHost(key.url, of: "the AES key of segment \(segment.sequence)", playlistURL: playlistURL) }
            if let map = segment.map { try checkHost(map.url, of: "the init section of segment \(segment.sequence)", playlistURL: playlistURL) }
        }
    }

    func checkHost(_ url: String, of resource: String, playlistURL: String) throws {
        let own = Self.host(playlistURL)
        let host = Self.host(url)
        guard host != own, !policy.allowedMediaHosts.contains(where: { $0.lowercased() == host }) else { return }
        throw HLSError.foreignHost("\(resource) is on \(host.isEmpty ? "no host" : host), not on the playlist's \(own) "
            + "(allow it with allowed_media_hosts in the config, or fetch --allow-media-host)")
    }

    static func host(_ url: String) -> String {
        URLComponents(string: url)?.host?.lowercased() ?? ""
    }

    public func mediaPlaylist(at url: String, parser: PlaylistParser = PlaylistParser()) async throws -> MediaPlaylist {
        var location = url
        for _ in 0..<3 {
            let fetched: Fetched
            do {
                fetched = try await fetchWithRetries(location, range: nil, resource: "it") { body in
                    // An answer that is no playlist (a markup page, nothing) is a failed try.
                    let text = body.joined()
                    return Self.looksLikePlaylist(text) ? .accept(ChunkedBytes(text)) : .retry("the answer is not a playlist (it starts with \(MediaSignature.describe(text)))")
                }
            } catch let expired as SegmentExpired {
                throw HLSError.playlistFailed("HTTP \(expired.status) (the URL expired or its signature is wrong)")
            } catch let error as HLSError {
                throw HLSError.playlistFailed(error.detail, transient: error.isTransient)
            }
            let bytes = fetched.body.joined()
            guard bytes.count <= Self.maxPlaylistSize else { throw PlaylistError.tooLarge(0, "a playlist of \(bytes.count) bytes") }
            // Relative URIs resolve against where the playlist was read from, after redirects.
            switch try parser.parse(String(decoding: bytes, as: UTF8.self), url: fetched.url) {
            case .media(let playlist):
                try checkHosts(playlist, playlistURL: fetched.url)
                return playlist
            case .multivariant(let variants):
                guard let best = variants.best else { throw PlaylistError.empty }
                try checkHost(best.url, of: "the variant playlist", playlistURL: fetched.url)
                if let line = best.separateAudioLine {
                    throw PlaylistError.unsupported(line, "the chosen variant's audio is a rendition of its own (EXT-X-MEDIA), which is not merged")
                }
                location = best.url
            }
        }
        throw PlaylistError.malformed(0, "multivariant playlists nested too deep")
    }

    /// `#EXTM3U` first, after an optional byte order mark and blank space.
    static func looksLikePlaylist(_ body: [UInt8]) -> Bool {
        var start = body[...]
        if start.starts(with: [0xEF, 0xBB, 0xBF]) { start = start.dropFirst(3) }
        return start.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }.starts(with: Array("#EXTM3U".utf8))
    }
}
