import Foundation

/// What a notification says about one backup run of one account, or about a day of them (a
/// digest): the JSON that a `notify_command` reads on its standard input and a `notify_url`
/// receives as a POST body.
///
/// The schema is stable: fields are only ever added; a change that would break a reader
/// raises `version`. Version 1:
///
/// ```json
/// {
///   "version": 1,
///   "kind": "run",                    // "run" or "digest"
///   "account": "me@example.com",
///   "host": "nas",
///   "events": ["failure", "expiring"],
///   "summary": "me@example.com: 2 failed, 1 about to expire unarchived",
///   "exitCode": 1,
///   "error": "authentication failed: ...",   // only for a run that failed before any clip
///   "started": "2026-11-21T03:15:00Z", "startedUnix": 1795230900,
///   "finished": "2026-11-21T03:42:10Z", "finishedUnix": 1795232530,
///   "runs": 1, "failedRuns": 1,
///   "counts": {"archived": 40, "alreadyThere": 812, "failed": 2, "partial": 0, "unfinished": 0,
///              "pruned": 0, "bytes": 73400320, "expiring": 1, "lost": 0},
///   "failures": [{"camera": "00626E00AB01", "cameraName": "Front door",
///                 "start": "2026-11-20T22:10:00Z", "startUnix": 1795212600, "reason": "HTTP 503, after 5 tries"}],
///   "partial": [{"camera": ..., "cameraName": ..., "start": ..., "startUnix": ..., "path": "...mp4",
///                "holes": ["12.0 s at 48.0 s (segment 12: HTTP 404)"]}],
///   "expiring": [{"camera": ..., "cameraName": ..., "start": ..., "startUnix": ..., "message": "..."}],
///   "lost": [ ...as "expiring"... ],
///   "truncated": false
/// }
/// ```
///
/// Times are UTC (ISO 8601) and Unix seconds; `bytes` are bytes. Absent rather than `null`:
/// `error`, a failure's `camera`, `cameraName`, `start` and `startUnix` (a failure of the
/// account's device list has no camera, of a camera's whole listing no clip). Each list holds
/// at most `listLimit` entries (`truncated` says one was cut); `counts` are always whole.
///
/// No secret is ever in it: every text that came from the cloud, the network or a child
/// process has been through `Redaction.text` (tokens, signatures, passwords in URLs).
public struct Notice: Codable, Sendable, Equatable {
    /// The schema's version, 1.
    public var version = Notice.schemaVersion
    public var kind: Kind
    /// The account's name as the configuration gives it (its label, else its e-mail).
    public var account: String
    /// The machine the backup ran on.
    public var host: String
    /// Why this is worth telling, in `Event`'s order; `success` only when nothing else is.
    public var events: [Event]
    /// One line for a person: the account and what happened.
    public var summary: String
    /// The process's exit code for a run (0 ok, 1 partial, 2 configuration or authentication,
    /// 3 cloud unavailable, 130 interrupted); a digest's is its last run's.
    public var exitCode: Int32
    /// One line, for a run that failed before it got to any clip (a login refused, the cloud
    /// unavailable, the archive not mounted).
    public var error: String?
    /// ISO 8601 in UTC, and the same instant in Unix seconds.
    public var started: String
    public var startedUnix: Int64
    public var finished: String
    public var finishedUnix: Int64
    /// Runs covered: 1 for a run, every run since the last one for a digest.
    public var runs: Int
    /// Runs among them whose exit code was not 0.
    public var failedRuns: Int
    public var counts: Counts
    public var failures: [Failure]
    public var partial: [PartialClip]
    /// Clips still missing (or partial) that the cloud deletes soon, or may delete any moment.
    public var expiring: [ClipWarning]
    /// Clips the cloud deleted before they could be archived.
    public var lost: [ClipWarning]
    /// A list held more than `listLimit` entries and was cut (`counts` are still whole).
    public var truncated: Bool

    public static let schemaVersion = 1
    /// Entries kept in each list: a night when the cloud failed every clip must not make a
    /// megabyte of mail.
    public static let listLimit = 100

    public enum Kind: String, Codable, Sendable {
        case run
        case digest
    }

    /// What a notice reports, which `NotificationPolicy` decides on and `IVY_NOTIFY_EVENT` names.
    public enum Event: String, Codable, Sendable, CaseIterable, Comparable {
        /// The run failed (before its clips, or stopped, or interrupted), or clips or listings
        /// failed, or its deadline left clips for the next run.
        case failure
        /// Clips were archived with holes.
        case partial
        /// Clips the archive misses are about to be deleted by the cloud.
        case expiring
        /// Clips the archive misses were deleted by the cloud.
        case lost
        /// None of the above: the run went well (sent only when asked for).
        case success

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Clip counts (`bytes` in bytes). `archived` counts whole clips, `partial` those
    /// archived with holes; in a digest every count is the sum over its runs.
    public struct Counts: Codable, Sendable, Equatable {
        public var archived = 0
        public var alreadyThere = 0
        public var failed = 0
        public var partial = 0
        public var unfinished = 0
        public var pruned = 0
        public var bytes: Int64 = 0
        public var expiring = 0
        public var lost = 0

        public init() {}
    }

    public struct Failure: Codable, Sendable, Equatable {
        /// The camera's MAC (12 hex digits); absent for the account's device list.
        public var camera: String?
        public var cameraName: String?
        /// The clip's start; absent when a camera's whole listing failed.
        public var start: String?
        public var startUnix: Int64?
        /// Why, redacted.
        public var reason: String
    }

    public struct PartialClip: Codable, Sendable, Equatable {
        public var camera: String
        public var cameraName: String?
        public var start: String
        public var startUnix: Int64
        /// The file, relative to the archive's root.
        public var path: String
        /// Each hole, as a person reads it (where, how long, why), redacted.
        public var holes: [String]
    }

    public struct ClipWarning: Codable, Sendable, Equatable {
        public var camera: String
        public var cameraName: String?
        public var start: String
        public var startUnix: Int64
        /// What the backup said of it, redacted.
        public var message: String
    }
}

extension Notice {
    /// The notice as its targets receive it: UTF-8 JSON, keys sorted, slashes not escaped.
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only a non-finite float or a throwing `encode(to:)` can fail JSONEncoder: a notice,
        // strings, whole numbers and flags, has neither.
        return Array(try! encoder.encode(self))
    }
}
