public import Foundation
import GRDB
public import IvyCloud

/// What the archive holds and what each run did: SQLite at
/// `ARCHIVE/.ivy-archiver/catalog.sqlite`, through GRDB, with migrations from the start.
/// A clip is recorded as archived only after its file is in place.
public final class Catalog: Sendable {
    public enum ClipState: String, Sendable {
        /// Listed by the cloud, not archived yet.
        case seen
        case archived
        /// The last attempt failed; later runs try again while the cloud holds the clip.
        case failed
        /// Archived, then deleted by `--keep-days`: never fetched again.
        case pruned
        /// Never archived, and past the cloud's retention: gone for good.
        case lost
        /// Archived with holes: segments stayed unavailable (`Clip.holes`). Later runs try again
        /// while the cloud lists the clip, and a complete file replaces this one atomically.
        case partial

        /// States whose file is in the archive.
        static let withFile: [ClipState] = [.archived, .partial]
        /// States a run fetches again.
        static let wanted: [ClipState] = [.seen, .failed, .partial]
    }

    /// What a finished run did, and which stretch of cloud time it walked.
    public struct RunRecord: Sendable {
        public var archived = 0
        public var skipped = 0
        public var failed = 0
        public var bytes: Int64 = 0
        /// `ok`, `partial`, `dry-run`, or why the run stopped.
        public var result: String
        /// The walked window, server Unix seconds.
        public var windowFrom: Int64?
        public var windowTo: Int64?
        /// Every device over the default window: what the next default run may start from.
        public var complete = false

        public init(result: String) {
            self.result = result
        }
    }

    /// One clip of one device, as the catalog knows it.
    public struct Clip: Sendable, Equatable {
        public var device: String
        public var start: Int64
        public var end: Int64
        public var type: Int
        public var state: ClipState
        /// Relative to the archive root.
        public var file: String?
        public var size: Int64?
        public var sha256: String?
        public var duration: Double?
        public var codecs: String?
        public var attempts: Int
        public var lastError: String?
        /// Where it was fetched from, without the URL's signature.
        public var sourceURL: String?
        /// Stretches without media: `EXT-X-GAP`s of the recording, and for a `partial` clip the
        /// segments that could not be had.
        public var holes: [ClipHole] = []
    }

    let database: DatabaseQueue
    /// A recovered copy's folder, for a catalog read where it cannot be written: removed with
    /// the catalog.
    private let scratch: String?

    /// Opens (or creates) the catalog at `path` in write-ahead-log mode, checks it
    /// (`PRAGMA quick_check`) and brings its schema up to date. `readOnly` opens an existing one
    /// for readers (verify, export): they never change it, yet recover what a crash left
    /// (a hot journal, a WAL), in place when the archive is writable, else in a copy.
    /// Throws `CatalogError` when the catalog is damaged or missing.
    public init(path: String, readOnly: Bool = false) throws {
        (database, scratch) = try Self.open(path: path, forWriting: !readOnly)
    }

    deinit {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: clips and runs") { db in
            try db.create(table: "clip") { table in
                table.column("device", .text).notNull()
                table.column("start", .integer).notNull()
                table.column("end", .integer).notNull()
                table.column("type", .integer).notNull()
                table.column("state", .text).notNull()
                table.column("file", .text)
                table.column("size", .integer)
                table.column("sha256", .text)
                table.column("duration", .double)
                table.column("codecs", .text)
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("lastError", .text)
                table.primaryKey(["device", "start"])
            }
            try db.create(table: "run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("startedAt", .double).notNull()
                table.column("endedAt", .double)
                table.column("archived", .integer).notNull().defaults(to: 0)
                table.column("skipped", .integer).notNull().defaults(to: 0)
                table.column("failed", .integer).notNull().defaults(to: 0)
                table.column("bytes", .integer).notNull().defaults(to: 0)
                table.column("result", .text)
            }
        }
        migrator.registerMigration("v2: the window each run walked") { db in
            try db.alter(table: "run") { table in
                table.add(column: "windowFrom", .integer)
                table.add(column: "windowTo", .integer)
                table.add(column: "complete", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v3: where each clip came from") { db in
            try db.alter(table: "clip") { table in
                table.add(column: "sourceURL", .text)
            }
        }
        migrator.registerMigration("v4: camera names") { db in
            try db.create(table: "device") { table in
                table.primaryKey("mac", .text)
                table.column("name", .text).notNull()
            }
        }
        migrator.registerMigration("v5: holes in clips") { db in
            try db.alter(table: "clip") { table in
                table.add(column: "holes", .text)  // JSON: [{start, duration, sequence, unavailableReason}]
            }
        }
        return migrator
    }

    /// Starts a run's row; `finishRun` completes it. A row never finished is a run that died.
    public func beginRun(at time: Date) throws -> Int64 {
        try database.write { db in
            try db.execute(sql: "INSERT INTO run (startedAt) VALUES (?)", arguments: [time.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, at time: Date, _ record: RunRecord) throws {
        try database.write { db in
            try db.execute(sql: """
                UPDATE run SET endedAt = ?, archived = ?, skipped = ?, failed = ?, bytes = ?, result = ?,
                    windowFrom = ?, windowTo = ?, complete = ? WHERE id = ?
                """, arguments: [time.timeIntervalSince1970, record.archived, record.skipped, record.failed, record.bytes, record.result,
                                 record.windowFrom, record.windowTo, record.complete, id])
        }
    }

    /// Where the last complete, successful run stopped walking (server Unix seconds): the next
    /// default run starts there, less an overlap.
    public func lastCompleteWalk() throws -> Int64? {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT windowTo FROM run WHERE complete AND result = 'ok' ORDER BY id DESC LIMIT 1")
        }
    }

    /// The camera's name as the cloud last gave it, so that the archive alone can answer
    /// "which camera is 'Front Door'" when the cloud cannot be reached.
    public func noteDevice(mac: String, name: String) throws {
        try database.write { db in
            try db.execute(sql: "INSERT INTO device (mac, name) VALUES (?, ?) ON CONFLICT(mac) DO UPDATE SET name = excluded.name",
                           arguments: [mac, name])
        }
    }

    /// Cameras by MAC and name, as backups last saw them (none in a catalog before v4).
    public func devices() throws -> [(mac: String, name: String)] {
        try database.read { db in
            guard try db.tableExists("device") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT mac, name FROM device ORDER BY mac").map { ($0["mac"], $0["name"]) }
        }
    }

    /// Whether any clip of `device` was ever listed.
    public func knows(device: String) throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM clip WHERE device = ?)", arguments: [device]) ?? false
        }
    }

    /// The results of the last runs, newest first (`nil` for a run that never finished).
    public func recentRuns(limit: Int = 10) throws -> [String?] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT result FROM run ORDER BY id DESC LIMIT ?", arguments: [limit]).map { $0["result"] }
        }
    }

    /// Records clips the cloud lists; clips already known keep their state (and the longest end).
    public func noteSeen(device: String, recordings: [Recording]) throws {
        try database.write { db in
            for recording in recordings {
                try db.execute(sql: """
                    INSERT INTO clip (device, start, "end", type, state, attempts) VALUES (?, ?, ?, ?, 'seen', 0)
                    ON CONFLICT(device, start) DO UPDATE SET "end" = max("end", excluded."end")
                    """, arguments: [device, recording.start, recording.end, recording.type.rawValue])
            }
        }
    }

    /// The file is in place: the clip is archived, or `partial` when `holes` has segments that
    /// could not be had.
    public func markArchived(device: String, start: Int64, file: String, size: Int64, sha256: String, duration: Double, codecs: String,
                             sourceURL: String? = nil, holes: [ClipHole] = []) throws {
        let state: ClipState = holes.contains(where: \.isUnavailable) ? .partial : .archived
        let holesJSON = holes.isEmpty ? nil : String(decoding: try JSONEncoder().encode(holes), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: """
                UPDATE clip SET state = ?, file = ?, size = ?, sha256 = ?, duration = ?, codecs = ?, sourceURL = ?, holes = ?,
                    attempts = attempts + 1, lastError = NULL WHERE device = ? AND start = ?
                """, arguments: [state.rawValue, file, size, sha256, duration, codecs, sourceURL, holesJSON, device, start])
        }
    }

    /// The last attempt failed. A `partial` clip stays partial: its file is still the best copy.
    public func markFailed(device: String, start: Int64, error: String) throws {
        try database.write { db in
            try db.execute(sql: """
                UPDATE clip SET state = CASE WHEN state = 'partial' THEN 'partial' ELSE 'failed' END, attempts = attempts + 1, lastError = ?
                WHERE device = ? AND start = ?
                """, arguments: [error, device, start])
        }
    }

    /// `pruned` or `lost`: the clip is not wanted, or not to be had, any more.
    public func mark(_ state: ClipState, device: String, start: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE clip SET state = ? WHERE device = ? AND start = ?", arguments: [state.rawValue, device, start])
        }
    }

    public func clip(device: String, start: Int64) throws -> Clip? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM clip WHERE device = ? AND start = ?", arguments: [device, start]).map(Clip.init(row:))
        }
    }

    /// Clips of `device` not archived whole yet (`seen`, `failed`, `partial`), oldest first.
    public func pending(device: String) throws -> [Clip] {
        try clips(in: ClipState.wanted, device: device)
    }

    /// Clips whose file is in the archive (`archived`, `partial`), of one device or of all, by
    /// device then start.
    public func archived(device: String? = nil) throws -> [Clip] {
        try clips(in: ClipState.withFile, device: device)
    }

    private func clips(in states: [ClipState], device: String?) throws -> [Clip] {
        try database.read { db in
            let names = states.map(\.rawValue)
            let rows = if let device {
                try Row.fetchAll(db, sql: "SELECT * FROM clip WHERE state IN (\(databaseQuestionMarks(count: names.count))) AND device = ? ORDER BY start",
                                 arguments: StatementArguments(names + [device]))
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM clip WHERE state IN (\(databaseQuestionMarks(count: names.count))) ORDER BY device, start",
                                 arguments: StatementArguments(names))
            }
            return rows.map(Clip.init(row:))
        }
    }
}

extension Catalog.Clip {
    init(row: Row) {
        device = row["device"]
        start = row["start"]
        end = row["end"]
        type = row["type"]
        state = Catalog.ClipState(rawValue: row["state"]) ?? .seen
        file = row["file"]
        size = row["size"]
        sha256 = row["sha256"]
        duration = row["duration"]
        codecs = row["codecs"]
        attempts = row["attempts"]
        lastError = row["lastError"]
        sourceURL = row["sourceURL"]
        // `holes` exists from v5 on; a catalog opened read-only may be older.
        if row.hasColumn("holes"), let json: String = row["holes"] {
            holes = (try? JSONDecoder().decode([ClipHole].self, from: Data(json.utf8))) ?? []
        }
    }
}
