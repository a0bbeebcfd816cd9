import Foundation

/// Reads RFC 8216 playlists. Strict where a mistake would lose footage (no `#EXTM3U`, a live
/// playlist, a non-HTTP URI, absurd sizes: each a typed error naming the line), lenient with
/// tags it does not need.
public struct PlaylistParser: Sendable {
    public struct Limits: Sendable {
        public var maxLines = 400_000
        public var maxSegments = 100_000
        /// Seconds; recordings are minutes long, a day is already generous.
        public var maxDuration: Double = 86_400
        public var maxSegmentDuration: Double = 3600

        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// A `RESOLUTION` side in pixels (RFC 8216 §4.3.4.2: decimal-resolution); sizes past any
    /// picture (65,535) are no size at all, which also keeps `width * height` exact.
    static func dimension(_ text: Substring?) -> Int? {
        guard let text, let value = Int(text), (1...65_535).contains(value) else { return nil }
        return value
    }

    /// Parses `text`, resolving URIs against `url` (the address the playlist was read from,
    /// after redirects: RFC 3986 §5.1.3).
    ///
    /// Every tag that changes which bytes make up the recording is honoured (`EXTINF`,
    /// `EXT-X-BYTERANGE`, `-KEY`, `-MAP`, `-DISCONTINUITY`, `-GAP`, `-DEFINE`) or refused with
    /// a `PlaylistError` naming its line (`-I-FRAMES-ONLY`, `-SKIP`, a `KEYFORMAT` other than
    /// `identity`, `-DEFINE:IMPORT`); others are ignored, as RFC 8216 §6.3.1 requires.
    public func parse(_ text: String, url: String) throws -> Playlist {
        guard let base = URL(string: url) else { throw PlaylistError.unsupportedScheme(0, url) }
        // RFC 8216 §4.1 forbids a byte order mark; servers still send one, and the text after it
        // is the playlist all the same.
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if lines.count > limits.maxLines { throw PlaylistError.tooLarge(limits.maxLines, "more than \(limits.maxLines) lines") }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.first?.trimmingCharacters(in: .whitespaces).hasPrefix("#EXTM3U") == true else { throw PlaylistError.missingHeader }

        var state = State()
        var variables = PlaylistVariables(playlistURL: base)
        var variants: [Variant] = []
        var audioRenditions: [String: Int] = [:]  // GROUP-ID of audio renditions with a URI: their line
        var pendingVariant: (attributes: [String: String], line: Int)?
        for (offset, raw) in lines.enumerated().dropFirst() {
            let number = offset + 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if !line.hasPrefix("#") {
                let resolved = try resolve(try variables.substitute(line, line: number), against: base, line: number)
                if let variant = pendingVariant {
                    variants.append(Variant(
                        url: resolved, bandwidth: Int(variant.attributes["BANDWIDTH"] ?? "") ?? 0,
                        width: variant.attributes["RESOLUTION"].flatMap { Self.dimension($0.split(separator: "x").first) },
                        height: variant.attributes["RESOLUTION"].flatMap { Self.dimension($0.split(separator: "x").last) },
                        codecs: variant.attributes["CODECS"], audioGroup: variant.attributes["AUDIO"]))
                    pendingVariant = nil
                } else {
                    try state.addSegment(url: resolved, line: number, limits: limits)
                }
                continue
            }
            guard line.hasPrefix("#EXT") else { continue }  // a comment
            if line.contains("{$"), !line.hasPrefix("#EXT-X-DEFINE") { line = try variables.substitute(line, line: number) }
            let (tag, value) = Self.split(line)
            switch tag {
            case "#EXTINF":
                let durationText = value.split(separator: ",", maxSplits: 1).first.map(String.init) ?? ""
                guard let duration = Double(durationText.trimmingCharacters(in: .whitespaces)), duration >= 0, duration.isFinite else {
                    throw PlaylistError.malformed(number, "EXTINF needs a duration")
                }
                guard duration <= limits.maxSegmentDuration else { throw PlaylistError.tooLarge(number, "a segment of \(duration) s") }
                state.pendingDuration = duration
            case "#EXT-X-TARGETDURATION":
                guard let target = Int(value), target >= 0 else { throw PlaylistError.malformed(number, "EXT-X-TARGETDURATION needs a whole number") }
                state.targetDuration = target
            case "#EXT-X-MEDIA-SEQUENCE":
                guard let sequence = Int(value), sequence >= 0, sequence <= Int(Int32.max) * 1024 else {
                    throw PlaylistError.malformed(number, "EXT-X-MEDIA-SEQUENCE needs a whole number of sensible size")
                }
                state.nextSequence = sequence
                state.firstSequence = sequence
            case "#EXT-X-DISCONTINUITY":
                state.pendingDiscontinuity = true
            case "#EXT-X-GAP":
                state.pendingGap = true
            case "#EXT-X-BYTERANGE":
                state.pendingByteRange = try Self.byteRange(value, line: number, previousEnd: state.byteRangeEnd)
            case "#EXT-X-KEY":
                let attributes = try Self.attributes(value, line: number)
                if let format = attributes["KEYFORMAT"], format != "identity" {
                    // A DRM system's key (FairPlay, Widevine...): usable only if an identity key
                    // is given for the same segments too.
                    if state.key == nil { state.foreignKey = (number, format) }
                    continue
                }
                state.foreignKey = nil
                switch attributes["METHOD"] ?? "" {
                case "NONE":
                    state.key = nil
                case "AES-128":
                    guard let uri = attributes["URI"] else { throw PlaylistError.malformed(number, "EXT-X-KEY without URI") }
                    state.key = Key(url: try resolve(uri, against: base, line: number), iv: try attributes["IV"].map { try Self.hexIV($0, line: number) })
                case let method:
                    throw PlaylistError.unsupportedEncryption(number, method)
                }
            case "#EXT-X-MAP":
                let attributes = try Self.attributes(value, line: number)
                guard let uri = attributes["URI"] else { throw PlaylistError.malformed(number, "EXT-X-MAP without URI") }
                let range = try attributes["BYTERANGE"].map { try Self.byteRange($0, line: number, previousEnd: nil) }
                state.map = InitSection(url: try resolve(uri, against: base, line: number), byteRange: range)
            case "#EXT-X-DEFINE":
                try variables.define(try Self.attributes(value, line: number), line: number)
            case "#EXT-X-I-FRAMES-ONLY":
                throw PlaylistError.unsupported(number, "EXT-X-I-FRAMES-ONLY: the playlist holds key frames only, not the recording")
            case "#EXT-X-SKIP":
                throw PlaylistError.unsupported(number, "EXT-X-SKIP: a delta playlist leaves segments out")
            case "#EXT-X-ENDLIST":
                state.ended = true
            case "#EXT-X-STREAM-INF":
                pendingVariant = (try Self.attributes(value, line: number), number)
            case "#EXT-X-MEDIA":
                let attributes = try Self.attributes(value, line: number)
                if attributes["TYPE"] == "AUDIO", attributes["URI"] != nil, let group = attributes["GROUP-ID"] {
                    audioRenditions[group] = audioRenditions[group] ?? number
                }
            default:
                break
            }
        }
        if !variants.isEmpty {
            for index in variants.indices {
                variants[index].separateAudioLine = variants[index].audioGroup.flatMap { audioRenditions[$0] }
            }
            return .multivariant(variants)
        }
        guard state.ended else { throw PlaylistError.notVOD }
        guard !state.segments.isEmpty else { throw PlaylistError.empty }
        guard state.segments.contains(where: { !$0.gap }) else { throw PlaylistError.malformed(0, "every segment is an EXT-X-GAP") }
        return .media(MediaPlaylist(targetDuration: state.targetDuration, mediaSequence: state.firstSequence, segments: state.segments))
    }

    private struct State {
        var segments: [Segment] = []
        var targetDuration = 0
        var firstSequence = 0
        var nextSequence = 0
        var pendingDuration: Double?
        var pendingDiscontinuity = false
        var pendingByteRange: ByteRange?
        var pendingGap = false
        var byteRangeEnd: Int?
        var key: Key?
        /// A key of another KEYFORMAT with no identity key beside it, and its line.
        var foreignKey: (line: Int, format: String)?
        var map: InitSection?
        var ended = false
        var total = 0.0

        mutating func addSegment(url: String, line: Int, limits: Limits) throws {
            guard let duration = pendingDuration else { throw PlaylistError.malformed(line, "a URI without #EXTINF") }
            guard segments.count < limits.maxSegments else { throw PlaylistError.tooLarge(line, "more than \(limits.maxSegments) segments") }
            if let foreignKey {
                throw PlaylistError.unsupportedEncryption(foreignKey.line, "KEYFORMAT=\"\(foreignKey.format)\" (a DRM system's)")
            }
            total += duration
            guard total <= limits.maxDuration else { throw PlaylistError.tooLarge(line, "longer than \(Int(limits.maxDuration)) s in all") }
            segments.append(Segment(url: url, duration: duration, sequence: nextSequence, discontinuity: pendingDiscontinuity,
                                    byteRange: pendingByteRange, key: key, map: map, gap: pendingGap))
            byteRangeEnd = pendingByteRange.map { $0.offset + $0.length }
            pendingGap = false
            nextSequence += 1
            pendingDuration = nil
            pendingDiscontinuity = false
            pendingByteRange = nil
        }
    }

    /// `#TAG:value` into its two halves.
    private static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }

    /// An RFC 8216 §4.2 attribute list: `NAME=value` pairs, values possibly quoted (with commas).
    static func attributes(_ text: String, line: Int) throws -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { throw PlaylistError.malformed(line, "attribute without a value") }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            let value: Substring
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { throw PlaylistError.malformed(line, "unterminated quoted string") }
                value = body[..<close]
                rest = body[body.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            guard !name.isEmpty else { throw PlaylistError.malformed(line, "attribute without a name") }
            result[name] = String(value)
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return result
    }

    private static func byteRange(_ text: String, line: Int, previousEnd: Int?) throws -> ByteRange {
        let parts = text.split(separator: "@")
        // A range past 2^48 bytes is no recording: refusing it keeps offset + length exact.
        let largest = 1 << 48
        guard let length = Int(parts.first ?? ""), length > 0, length < largest else { throw PlaylistError.malformed(line, "BYTERANGE needs a length") }
        if parts.count > 1 {
            guard let offset = Int(parts[1]), offset >= 0, offset < largest else { throw PlaylistError.malformed(line, "BYTERANGE offset is not a number of sensible size") }
            return ByteRange(length: length, offset: offset)
        }
        guard let previousEnd, previousEnd < largest else { throw PlaylistError.malformed(line, "BYTERANGE without offset must follow another") }
        return ByteRange(length: length, offset: previousEnd)
    }

    private static func hexIV(_ text: String, line: Int) throws -> [UInt8] {
        var hex = Substring(text)
        guard hex.hasPrefix("0x") || hex.hasPrefix("0X") else { throw PlaylistError.malformed(line, "IV must be hexadecimal (0x...)") }
        hex = hex.dropFirst(2)
        guard hex.count == 32 else { throw PlaylistError.malformed(line, "IV must be 128 bits") }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { throw PlaylistError.malformed(line, "IV must be hexadecimal") }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// RFC 3986 resolution against the playlist's URL; only http(s) results are accepted.
    private func resolve(_ uri: String, against base: URL, line: Int) throws -> String {
        guard let url = URL(string: uri, relativeTo: base)?.absoluteURL,
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw PlaylistError.unsupportedScheme(line, uri) }
        return url.absoluteString
    }
}
