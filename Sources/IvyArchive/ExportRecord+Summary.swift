import Foundation

extension ExportRecord {
    /// The sidecar's first part, for a person handing the file over or receiving it: sentences
    /// and ISO 8601 times with offsets, no numbers to decode. The parts after it hold the same
    /// facts for programs.
    public struct Summary: Sendable, Codable, Equatable {
        /// The camera's name on the account.
        public var camera: String
        /// The cloud's model name, or `unknown`.
        public var model: String
        /// Twelve hex digits, upper case.
        public var mac: String
        /// The zone the times are given in (IANA name), e.g. `Europe/Berlin`.
        public var timeZone: String
        /// `2026-11-25T14:00:00.000+01:00 to 2026-11-25T14:30:00.000+01:00 (Europe/Berlin)`.
        public var requested: String
        /// What the file really holds, from its first frame to the end of its last.
        public var actual: String
        /// How long the file plays and what it is made of.
        public var contents: String
        /// What was cut and how: the ends (keyframe or exact cuts), what of the first and last
        /// clips was left out, time shown twice where keyframe cuts overlap.
        public var cuts: [String]
        /// Each event in the window, with its chapter in the file.
        public var events: [String]
        /// Stretches of the window with no recording, cut out of the file.
        public var gaps: [String]
        /// Clips the cloud did not give whole.
        public var partialClips: [String]
        /// The program and its version that made the file.
        public var tool: String
        /// When the file was made (UTC).
        public var createdAt: String
        /// How the sidecar is signed, when it is: what is signed, where the signature is, and
        /// the public key's fingerprint.
        public var signature: String?
    }
}

/// How a summary says things: durations, spans and clips in words.
enum SummaryWording {
    /// `20 s`, `1.5 s`, `4 min 2 s`, `1 h 3 min`.
    static func duration(_ seconds: Double) -> String {
        let rounded = (seconds * 10).rounded() / 10
        if rounded < 60 { return rounded == rounded.rounded() ? "\(Int(rounded)) s" : String(format: "%.1f s", rounded) }
        let total = Int(seconds.rounded())
        if total < 3600 { return total % 60 == 0 ? "\(total / 60) min" : "\(total / 60) min \(total % 60) s" }
        return total % 3600 / 60 == 0 ? "\(total / 3600) h" : "\(total / 3600) h \(total % 3600 / 60) min"
    }

    /// A place in the file: `95.2 s` (seconds from its start, as players show with chapters).
    static func place(_ seconds: Double) -> String { String(format: "%.1f s", seconds) }

    static func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }

    /// `the motion clip from 2026-11-25T14:03:12.000+01:00`.
    static func clip(_ clip: ExportRecord.Clip) -> String { "the \(clip.type) clip from \(clip.start.time)" }

    static func span(_ from: ExportRecord.Instant, _ to: ExportRecord.Instant) -> String {
        "\(from.time) to \(to.time) (\(duration(to.unix - from.unix)))"
    }
}
