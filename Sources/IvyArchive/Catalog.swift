public import Foundation
import GRDB
public import IvyCloud
public import IvyDomain

/// What the archive holds and what each run did: SQLite at
/// `ARCHIVE/.ivy-archiver/catalog.sqlite`, through GRDB, with migrations from the start.
/// A clip is recorded as archived only after its file is in place.
public final class Catalog: Sendable {
    let database: DatabaseQueue
    /// Where the catalog is, for errors that name it.
    let path: String
    /// A recovered copy's folder, for a catalog read where it cannot be written: removed with
    /// the catalog.
    private let scratch: String?

    /// Opens (or creates) the catalog at `path` in write-ahead-log mode, checks it
    /// (`PRAGMA quick_check`) and brings its schema up to date. `readOnly` opens an existing one
    /// for readers (verify, export): they never change it, yet recover what a crash left
    /// (a hot journal, a WAL), in place when the archive is writable, else in a copy.
    ///
    /// - Throws: `CatalogError` when the catalog is damaged or missing.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        (database, scratch) = try Self.open(path: path, mode: readOnly ? .read : .write)
    }

    /// A copy of the catalog at `path` (an empty one when there is none), in a temporary
    /// folder removed with it: a dry run plans against it as a run would, writing nothing in
    /// the archive.
    ///
    /// - Throws: `CatalogError.damaged`.
    public static func privateCopy(of path: String) throws -> Catalog {
        try Catalog(path: path, access: .privateCopy)
    }

    private init(path: String, access: Access) throws {
        self.path = path
        (database, scratch) = try Self.open(path: path, mode: access)
    }

    deinit {
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Closes the database now (its write-ahead log merged into the file), so that the file
    /// alone is the whole catalog: before it is renamed into place.
    func close() throws {
        try database.close()
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
        migrator.registerMigration("v6: one spelling of each camera") { db in
            // MACs were kept as the cloud spelled them; a CameraID has one spelling. A clip kept
            // under two spellings keeps the row already in the new one.
            for table in [(name: "clip", column: "device"), (name: "device", column: "mac")] {
                let spellings = try String.fetchAll(db, sql: "SELECT DISTINCT \(table.column) FROM \(table.name)")
                for spelling in spellings {
                    guard let camera = CameraID(spelling), camera.mac != spelling else { continue }
                    try db.execute(sql: "UPDATE OR IGNORE \(table.name) SET \(table.column) = ? WHERE \(table.column) = ?",
                                   arguments: [camera.mac, spelling])
                    try db.execute(sql: "DELETE FROM \(table.name) WHERE \(table.column) = ?", arguments: [spelling])
                }
            }
        }
        migrator.registerMigration("v7: a generation of what the archive lists", migrate: addGeneration)
        migrator.registerMigration("v8: shipments", migrate: addShipments)
        return migrator
    }

    /// Starts a run's row; `finishRun` completes it. A row never finished is a run that died.
    public func beginRun(at time: Date) async throws -> Catalog.Run {
        try await write { db in
            var run = Run(startedAt: time)
            try run.insert(db)
            return run
        }
    }

    /// Records how `run` ended.
    public func finishRun(_ run: Run, at time: Date) async throws {
        var run = run
        run.endedAt = time.timeIntervalSince1970
        try await write { [run] db in try run.update(db) }
    }

    /// Where the last complete, successful run stopped walking (server Unix seconds): the next
    /// default run starts there, less an overlap.
    public func lastCompleteWalk() async throws -> Int64? {
        try await read { db in
            try Run.filter(Run.Columns.complete == true && Run.Columns.result == RunOutcome.ok)
                .order(Run.Columns.id.desc).fetchOne(db)?.windowTo
        }
    }

    /// The camera's name as the cloud last gave it, so that the archive alone can answer
    /// "which camera is 'Front Door'" when the cloud cannot be reached.
    public func noteCamera(_ camera: CameraID, name: String) async throws {
        try await write { db in try Camera(id: camera, name: name).upsert(db) }
    }

    /// Cameras by name, as backups last saw them (none in a catalog before v4).
    public func cameras() async throws -> [Camera] {
        try await read { db in
            guard try db.tableExists(Camera.databaseTableName) else { return [] }
            return try Camera.order(Camera.Columns.id).fetchAll(db)
        }
    }

    /// Whether any clip of `camera` was ever listed.
    public func knows(_ camera: CameraID) async throws -> Bool {
        try await read { db in try Clip.filter(Clip.Columns.camera == camera).isEmpty(db) == false }
    }

    /// How the last runs ended, newest first (`nil` for a run that never finished).
    public func recentRuns(limit: Int = 10) async throws -> [RunOutcome?] {
        try await read { db in try Run.order(Run.Columns.id.desc).limit(limit).fetchAll(db).map(\.result) }
    }

    /// Records clips the cloud lists; clips already known keep their state (and the longest end).
    public func noteSeen(_ camera: CameraID, recordings: [Recording]) async throws {
        try await write { db in
            for recording in recordings {
                if var known = try Clip.fetchOne(db, key: Self.key(camera, recording.start)) {
                    guard recording.end > known.end else { continue }
                    known.end = recording.end
                    try known.update(db)
                } else {
                    try Clip(camera: camera, start: recording.start, end: recording.end, type: recording.type.rawValue, state: .seen).insert(db)
                }
            }
        }
    }

    /// The file is in place: the clip is archived, or `partial` when `holes` has segments that
    /// could not be had.
    public func markArchived(_ key: ClipKey, file: String, size: Int64, sha256: String, duration: Double, codecs: CodecPair,
                             sourceURL: String? = nil, holes: [ClipHole] = []) async throws {
        let archival = Archival(key: key, file: file, size: size, sha256: sha256, duration: duration, codecs: codecs, sourceURL: sourceURL, holes: holes)
        try await update(key) { archival.apply(to: &$0) }
    }

    /// The last attempt failed. A `partial` clip stays partial: its file is still the best copy.
    public func markFailed(_ key: ClipKey, error: String) async throws {
        try await update(key) { clip in
            if clip.state != .partial { clip.state = .failed }
            clip.attempts += 1
            clip.lastError = error
        }
    }

    /// `pruned` or `lost`: the clip is not wanted, or not to be had, any more.
    public func mark(_ state: ClipState, _ key: ClipKey) async throws {
        try await update(key) { $0.state = state }
    }

    public func clip(_ key: ClipKey) async throws -> Clip? {
        try await read { db in try Clip.fetchOne(db, key: Self.key(key.camera, key.start)) }
    }

    /// Every clip of `camera` starting in `starts`, by start: what planning needs of a listing,
    /// in one query.
    public func clips(of camera: CameraID, startingIn starts: ClosedRange<Int64>) async throws -> [Int64: Clip] {
        try await read { db in
            let clips = try Clip.filter(Clip.Columns.camera == camera && starts.contains(Clip.Columns.start)).fetchAll(db)
            return Dictionary(clips.map { ($0.start, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Clips of `camera` not archived whole yet (`seen`, `failed`, `partial`), oldest first;
    /// with `from`, only those starting then or later (server Unix seconds).
    public func pending(_ camera: CameraID, from start: Int64? = nil) async throws -> [Clip] {
        try await clips(in: ClipState.wanted, camera: camera, from: start)
    }

    /// Clips whose file is in the archive (`archived`, `partial`), of one camera or of all, by
    /// camera then start; with `from`, only those starting then or later (server Unix seconds):
    /// a year of clips need not be read to plan a night.
    public func archived(_ camera: CameraID? = nil, from start: Int64? = nil) async throws -> [Clip] {
        try await clips(in: ClipState.withFile, camera: camera, from: start)
    }

    private func clips(in states: [ClipState], camera: CameraID?, from start: Int64?) async throws -> [Clip] {
        try await read { db in
            var request = Clip.filter(states.contains(Clip.Columns.state))
            if let camera { request = request.filter(Clip.Columns.camera == camera) }
            if let start { request = request.filter(Clip.Columns.start >= start) }
            return try request.order(Clip.Columns.camera, Clip.Columns.start).fetchAll(db)
        }
    }

    /// Reads and writes one clip's row in one transaction; a clip the catalog does not know is
    /// left alone (it was never listed).
    private func update(_ key: ClipKey, _ change: @escaping @Sendable (inout Clip) -> Void) async throws {
        try await write { db in
            guard var clip = try Clip.fetchOne(db, key: Self.key(key.camera, key.start)) else { return }
            change(&clip)
            try clip.update(db)
        }
    }

    private static func key(_ camera: CameraID, _ start: Int64) -> [String: any DatabaseValueConvertible] {
        ["device": camera.mac, "start": start]
    }

    /// GRDB's asynchronous access (off the Swift pool, on its own queue); a row no version
    /// wrote is damage, named with the cure.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as UnreadableRow {
            throw CatalogError.damaged(path, error.detail)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as UnreadableRow {
            throw CatalogError.damaged(path, error.detail)
        }
    }
}
