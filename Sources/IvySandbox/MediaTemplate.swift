import Foundation

/// One 4-second segment of real media (made by `scripts/make-sandbox-media.sh`), and what the
/// sandbox must know to repeat it with continuous timestamps.
struct MediaTemplate: Sendable {
    /// Every template lasts exactly this long: 60 frames at 15 fps, 125 AAC frames at 32 kHz.
    static let segmentSeconds: Int64 = 4
    static let ticks90k: Int64 = 90_000

    enum Kind: Sendable {
        /// MPEG-TS: patch PTS/DTS/PCR and continuity counters.
        case transportStream(firstPTS: Int64, packetsPerPID: [UInt16: Int])
        /// fMP4: patch `tfdt` per track and `mfhd`; `init` is served as `EXT-X-MAP`.
        case fragmentedMP4(initSection: [UInt8], tracks: [UInt32: FragmentTrack])
    }

    struct FragmentTrack: Sendable {
        var timescale: Int64
        var firstDecodeTime: Int64
    }

    let bytes: [UInt8]
    let kind: Kind

    static func load(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Media") else {
            throw SandboxSetupError("media template \(name) is missing from the sandbox's resources")
        }
        return try Array(Data(contentsOf: url))
    }

    static func transportStream(named name: String) throws -> MediaTemplate {
        let bytes = try load(name)
        let scan = TransportStreamPatcher.scan(bytes)
        guard let firstPTS = scan.firstPTS else { throw SandboxSetupError("media template \(name) has no timestamps") }
        return MediaTemplate(bytes: bytes, kind: .transportStream(firstPTS: firstPTS, packetsPerPID: scan.packetsPerPID))
    }

    static func fragmentedMP4(initNamed initName: String, segmentNamed segmentName: String) throws -> MediaTemplate {
        let initSection = try load(initName)
        let bytes = try load(segmentName)
        let timescales = FragmentedMP4Patcher.timescales(initSection: initSection)
        let decodeTimes = FragmentedMP4Patcher.decodeTimes(segment: bytes)
        var tracks: [UInt32: FragmentTrack] = [:]
        for (track, timescale) in timescales {
            tracks[track] = FragmentTrack(timescale: timescale, firstDecodeTime: decodeTimes[track] ?? 0)
        }
        guard !tracks.isEmpty else { throw SandboxSetupError("media template \(initName) has no tracks") }
        return MediaTemplate(bytes: bytes, kind: .fragmentedMP4(initSection: initSection, tracks: tracks))
    }

    /// Segment `index` of a clip, its timestamps starting at `base` seconds (plus `jump`
    /// seconds for the part after a discontinuity). TS timestamps are taken modulo 2^33.
    func segment(index: Int, base90k: Int64, jumpSeconds: Int64, sequence: Int) -> [UInt8] {
        let elapsed = Int64(index) * Self.segmentSeconds + jumpSeconds
        switch kind {
        case .transportStream(let firstPTS, let packetsPerPID):
            let offset = base90k + elapsed * Self.ticks90k - firstPTS
            return TransportStreamPatcher.shifted(bytes, by: offset, continuityStep: index, packetsPerPID: packetsPerPID)
        case .fragmentedMP4(_, let tracks):
            let times = tracks.mapValues { track in
                base90k * track.timescale / Self.ticks90k + elapsed * track.timescale - track.firstDecodeTime
            }
            return FragmentedMP4Patcher.shifted(bytes, decodeTimeOffsets: times, sequenceNumber: UInt32(sequence + 1))
        }
    }

    var initSection: [UInt8]? {
        if case .fragmentedMP4(let initSection, _) = kind { return initSection }
        return nil
    }
}

struct SandboxSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
