public import Foundation
import Glibc

/// The most media requests at once a cloud took before it answered `429 Too Many Requests`
/// (RFC 6585 §4) to a backup of this archive: the next nightly runs start under it instead of
/// meeting the limit again to learn it, and the cloud sees no refusals from them.
///
/// A hint, not data: an unreadable file, another cloud's or an old one is ignored, and the run
/// learns afresh (a CDN's limits change, so a limit is trusted for `trustedFor`, then met again).
public struct LearnedConcurrencyLimit: Codable, Sendable, Equatable {
    /// The cloud's API URL it was learned from (`api_url`, without a trailing `/`: the same
    /// cloud however it is spelled in the configuration).
    public var cloud: String
    /// Media requests at once the cloud took (at least 1).
    public var limit: Int
    /// When a run last met the cloud's `429`s and set `limit`.
    public var learnedAt: Date

    /// How long a learned limit is trusted: 7 days (604,800 s).
    public static let trustedFor: TimeInterval = 7 * 86_400

    static func normalized(_ cloud: String) -> String {
        var cloud = Substring(cloud)
        while cloud.hasSuffix("/") { cloud = cloud.dropLast() }
        return String(cloud)
    }

    public init(cloud: String, limit: Int, learnedAt: Date) {
        self.cloud = Self.normalized(cloud)
        self.limit = max(1, limit)
        self.learnedAt = learnedAt
    }
}

extension ArchiveFolder {
    /// `.ivy-archiver/learned-limit.json`.
    public var learnedLimitPath: String { state + "/learned-limit.json" }

    /// The limit an earlier run learned from `cloud`, when it is still trusted at `now`; `nil`
    /// when there is none, it is another cloud's, older than `LearnedConcurrencyLimit.trustedFor`
    /// (or dated in the future: a clock that was wrong), or the file cannot be read.
    public func learnedConcurrencyLimit(cloud: String, now: Date = Date()) -> LearnedConcurrencyLimit? {
        guard let data = FileManager.default.contents(atPath: learnedLimitPath),
            let learned = try? JSONDecoder.iso8601.decode(LearnedConcurrencyLimit.self, from: data),
            LearnedConcurrencyLimit.normalized(learned.cloud) == LearnedConcurrencyLimit.normalized(cloud), learned.limit >= 1
        else { return nil }
        let age = now.timeIntervalSince(learned.learnedAt)
        return age >= 0 && age < LearnedConcurrencyLimit.trustedFor ? learned : nil
    }

    /// Records `learned` (atomically: a reader sees the old file or the new one).
    /// - Throws: `ArchiveFolderError.cannotWrite` naming the file and the cause (the caller may
    ///   go on without it).
    public func remember(_ learned: LearnedConcurrencyLimit) throws(ArchiveFolderError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        do {
            try encoder.encode(learned).write(to: URL(fileURLWithPath: learnedLimitPath), options: .atomic)
        } catch {
            throw .cannotWrite(learnedLimitPath, StorageFailure.problem(error, in: state) ?? Self.words(of: error))
        }
    }

    /// An error's own words, without Foundation's dump of its user info.
    private static func words(of error: any Error) -> String {
        if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        return error.localizedDescription
    }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
