public import Foundation

/// The most media requests at once a cloud took before it answered `429 Too Many Requests`
/// (RFC 6585 §4) to a backup of this archive: the next nightly runs start under it instead of
/// meeting the limit again to learn it, and the cloud sees no refusals from them.
///
/// A hint, not data: an unreadable file, another cloud's or an old one is ignored, and the run
/// learns afresh (a CDN's limits change, so a limit is trusted for `trustedFor`, then met again).
public struct LearnedConcurrencyLimit: Codable, Sendable, Equatable {
    /// The cloud's API URL, as configured (`api_url`), it was learned from.
    public var cloud: String
    /// Media requests at once the cloud took (at least 1).
    public var limit: Int
    /// When a run last met the cloud's `429`s and set `limit`.
    public var learnedAt: Date

    /// How long a learned limit is trusted: 7 days (604,800 s).
    public static let trustedFor: TimeInterval = 7 * 86_400

    public init(cloud: String, limit: Int, learnedAt: Date) {
        self.cloud = cloud
        self.limit = max(1, limit)
        self.learnedAt = learnedAt
    }
}

extension ArchiveFolder {
    /// `.ivy-archiver/learned-limit.json`.
    var learnedLimitPath: String { state + "/learned-limit.json" }

    /// The limit an earlier run learned from `cloud`, when it is still trusted at `now`; `nil`
    /// when there is none, it is another cloud's, older than `LearnedConcurrencyLimit.trustedFor`
    /// (or dated in the future: a clock that was wrong), or the file cannot be read.
    public func learnedConcurrencyLimit(cloud: String, now: Date = Date()) -> LearnedConcurrencyLimit? {
        guard let data = FileManager.default.contents(atPath: learnedLimitPath),
            let learned = try? JSONDecoder.iso8601.decode(LearnedConcurrencyLimit.self, from: data),
            learned.cloud == cloud, learned.limit >= 1
        else { return nil }
        let age = now.timeIntervalSince(learned.learnedAt)
        return age >= 0 && age < LearnedConcurrencyLimit.trustedFor ? learned : nil
    }

    /// Records `learned` (atomically: a reader sees the old file or the new one).
    /// - Throws: the file system's error (the caller may go on without it).
    public func remember(_ learned: LearnedConcurrencyLimit) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(learned).write(to: URL(fileURLWithPath: learnedLimitPath), options: .atomic)
    }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
