/// A parsed HLS playlist (RFC 8216): recordings are VOD media playlists; a multivariant
/// playlist is accepted so that the best variant can be picked.
public enum Playlist: Sendable, Equatable {
    case media(MediaPlaylist)
    case multivariant([Variant])
}

/// A media playlist: its segments in order, every URI resolved to an absolute URL.
public struct MediaPlaylist: Sendable, Equatable {
    public var targetDuration: Int
    public var mediaSequence: Int
    public var segments: [Segment]
    /// Sum of the segments' `EXTINF` durations, in seconds, gaps included.
    public var duration: Double { segments.reduce(0) { $0 + $1.duration } }
    /// Seconds of the recording that hold media: `duration` less the `EXT-X-GAP` segments.
    public var mediaDuration: Double { segments.reduce(0) { $0 + ($1.gap ? 0 : $1.duration) } }
    /// The largest `EXTINF`, in seconds: what "within one segment" means for this recording.
    public var longestSegment: Double { segments.map(\.duration).max() ?? 0 }

    public init(targetDuration: Int, mediaSequence: Int, segments: [Segment]) {
        self.targetDuration = targetDuration
        self.mediaSequence = mediaSequence
        self.segments = segments
    }
}

public struct Segment: Sendable, Equatable {
    /// Absolute URL, with the segment's own query (the signature lives there).
    public var url: String
    public var duration: Double
    /// The media sequence number: what identifies a segment across refreshed playlists.
    public var sequence: Int
    /// An `EXT-X-DISCONTINUITY` stands before this segment.
    public var discontinuity: Bool
    public var byteRange: ByteRange?
    public var key: Key?
    /// `EXT-X-MAP`: the fMP4 initialization section this segment needs.
    public var map: InitSection?
    /// `EXT-X-GAP` (RFC 8216bis §4.4.4.7): the segment holds no media and must not be loaded;
    /// its `duration` is a hole in the recording.
    public var gap: Bool

    public init(url: String, duration: Double, sequence: Int, discontinuity: Bool = false, byteRange: ByteRange? = nil,
                key: Key? = nil, map: InitSection? = nil, gap: Bool = false) {
        self.url = url
        self.duration = duration
        self.sequence = sequence
        self.discontinuity = discontinuity
        self.byteRange = byteRange
        self.key = key
        self.map = map
        self.gap = gap
    }
}

/// `EXT-X-BYTERANGE`: `length` bytes from `offset`.
public struct ByteRange: Sendable, Equatable {
    public var length: Int
    public var offset: Int

    /// The `Range` header value.
    public var httpRange: String { "bytes=\(offset)-\(offset + length - 1)" }
}

/// `EXT-X-KEY` with `METHOD=AES-128` (`NONE` is no key at all).
public struct Key: Sendable, Equatable {
    public var url: String
    /// 16 bytes; `nil` means "the segment's media sequence number" (RFC 8216 §5.2).
    public var iv: [UInt8]?

    public func iv(forSequence sequence: Int) -> [UInt8] {
        if let iv { return iv }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 { bytes[15 - index] = UInt8(truncatingIfNeeded: UInt64(sequence) >> (8 * index)) }
        return bytes
    }
}

public struct InitSection: Sendable, Equatable {
    public var url: String
    public var byteRange: ByteRange?
}

/// A stream of a multivariant playlist.
public struct Variant: Sendable, Equatable {
    public var url: String
    public var bandwidth: Int
    public var width: Int?
    public var height: Int?
    public var codecs: String?
    /// `AUDIO`: the group of `EXT-X-MEDIA` audio renditions this variant plays with.
    public var audioGroup: String?
    /// The line of an `EXT-X-MEDIA` audio rendition with its own URI that this variant plays
    /// with: its audio is in another playlist, which this tool does not merge.
    public var separateAudioLine: Int?
}

extension Array where Element == Variant {
    /// The best variant: most pixels, then most bandwidth.
    public var best: Variant? {
        self.max { ($0.width ?? 0) * ($0.height ?? 0) < ($1.width ?? 0) * ($1.height ?? 0)
            || (($0.width ?? 0) * ($0.height ?? 0) == ($1.width ?? 0) * ($1.height ?? 0) && $0.bandwidth < $1.bandwidth) }
    }
}
