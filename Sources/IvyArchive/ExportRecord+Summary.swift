import Foundation
import IvyDomain

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
        /// What a reader must know about the contents before anything else, e.g. that the
        /// cloud could not be reached and only archived clips are in the file (the same
        /// sentences as the record's `notes`); `nil` when there is nothing to say.
        public var notes: [String]?
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
        /// When the file was made, ISO 8601 with the offset of the camera's zone (like every
        /// other instant of the record).
        public var createdAt: String
        /// How the sidecar is signed: what is signed, where the signature is, and the public
        /// key's fingerprint; `not signed` for an unsigned one (`nil` only in sidecars written
        /// before it was always said).
        public var signature: String?

        /// What `signature` says of an unsigned sidecar.
        public static let notSigned = "not signed"

        /// The public key's fingerprint (`SHA256:` and hex) `signature` names, if it names one.
        public var signingKeyFingerprint: String? { Self.fingerprint(in: signature) }

        static func fingerprint(in signature: String?) -> String? {
            guard let signature, let found = try? Regex(#"SHA256:[0-9a-f]{64}"#).firstMatch(in: signature) else { return nil }
            return String(signature[found.range])
        }
    }
}

/// How a summary says things: durations, spans and clips in words.
enum SummaryWording {
    /// As the rest of the tool writes lengths (`HumanReadable.duration`: `20s`, `4m02s`,
    /// `1h03m`), but a tenth of a second under a minute when it is not whole (`1.5s`): what a
    /// keyframe cut adds or leaves out is often less than a second.
    static func duration(_ seconds: Double) -> String {
        let tenths = (seconds * 10).rounded() / 10
        if tenths < 60, tenths != tenths.rounded() { return String(format: "%.1fs", tenths) }
        return HumanReadable.duration(seconds)
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
