/// A clip's video and audio codecs, by FFmpeg's names (`h264`, `hevc`, `aac`); either may be
/// missing. Stored in the catalog as `video+audio` (`h264+aac`, `hevc`, `aac`).
public struct CodecPair: Sendable, Equatable, CustomStringConvertible {
    public var video: String?
    public var audio: String?

    public init(video: String?, audio: String?) {
        self.video = video
        self.audio = audio
    }

    /// Reads the catalog's form; a single codec is taken for video unless it is an audio
    /// codec FFmpeg names (AAC, MP3, AC-3, Opus, G.711).
    public init(_ text: String) {
        let parts = text.split(separator: "+").map(String.init)
        if parts.count >= 2 {
            self.init(video: parts[0], audio: parts[1])
        } else if let only = parts.first, Self.audioCodecs.contains(only) {
            self.init(video: nil, audio: only)
        } else {
            self.init(video: parts.first, audio: nil)
        }
    }

    public var description: String { [video, audio].compactMap { $0 }.joined(separator: "+") }

    private static let audioCodecs: Set<String> = ["aac", "mp3", "ac3", "opus", "pcm_alaw", "pcm_mulaw"]
}
