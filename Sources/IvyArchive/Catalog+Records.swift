public import Foundation
public import GRDB
public import IvyDomain

// The catalog's rows as GRDB records (FetchableRecord / PersistableRecord with a `Columns`
// enum). Typed values are read and written here, once: a camera is a `CameraID`, a state a
// `ClipState`, a run's result a `RunOutcome`, codecs a `CodecPair`.

extension Catalog {
    /// One clip of one camera, as the catalog knows it (table `clip`).
    public struct Clip: Sendable, Equatable {
        public var camera: CameraID
        /// The recording's start and end, server Unix seconds.
        public var start: Int64
        public var end: Int64
        /// The cloud's recording type (`RecordType.rawValue`).
        public var type: Int
        public var state: ClipState
        /// Relative to the archive root.
        public var file: String?
        /// Bytes.
        public var size: Int64?
        public var sha256: String?
        /// Seconds, as the archived MP4 says.
        public var duration: Double?
        public var codecs: CodecPair?
        public var attempts = 0
        public var lastError: String?
        /// Where it was fetched from, without the URL's signature.
        public var sourceURL: String?
        /// Stretches without media: `EXT-X-GAP`s of the recording, and for a `partial` clip the
        /// segments that could not be had.
        public var holes: [ClipHole] = []

        public var key: ClipKey { ClipKey(camera: camera, start: start) }

        /// The device column's name: the table predates `CameraID`.
        public enum Columns {
            static let camera = Column("device")
            static let start = Column("start")
            static let end = Column("end")
            static let type = Column("type")
            static let state = Column("state")
            static let file = Column("file")
            static let size = Column("size")
            static let sha256 = Column("sha256")
            static let duration = Column("duration")
            static let codecs = Column("codecs")
            static let attempts = Column("attempts")
            static let lastError = Column("lastError")
            static let sourceURL = Column("sourceURL")
            static let holes = Column("holes")
        }
    }

    /// One backup run (table `run`): what it did, and which stretch of cloud time it walked.
    public struct Run: Sendable {
        public var id: Int64?
        /// Unix seconds.
        public var startedAt: Double
        public var endedAt: Double?
        public var archived = 0
        public var skipped = 0
        public var failed = 0
        public var bytes: Int64 = 0
        /// Nil while the run is under way, or for one that died.
        public var result: RunOutcome?
        /// The walked window, server Unix seconds.
        public var windowFrom: Int64?
        public var windowTo: Int64?
        /// Every camera over the default window: what the next default run may start from.
        public var complete = false

        public init(startedAt: Date) {
            self.startedAt = startedAt.timeIntervalSince1970
        }

        public enum Columns {
            static let id = Column("id")
            static let startedAt = Column("startedAt")
            static let endedAt = Column("endedAt")
            static let archived = Column("archived")
            static let skipped = Column("skipped")
            static let failed = Column("failed")
            static let bytes = Column("bytes")
            static let result = Column("result")
            static let windowFrom = Column("windowFrom")
            static let windowTo = Column("windowTo")
            static let complete = Column("complete")
        }
    }

    /// A camera's name as the cloud last gave it (table `device`).
    public struct Camera: Sendable, Equatable {
        public var id: CameraID
        public var name: String

        public enum Columns {
            static let id = Column("mac")
            static let name = Column("name")
        }
    }
}

extension Catalog.Clip: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "clip"

    public init(row: Row) throws {
        // A MAC stored in another notation (catalogs before v6) is read in the one spelling.
        let device: String = row[Columns.camera]
        guard let camera = CameraID(device) else { throw UnreadableRow("a clip of \(device), which is not a MAC address") }
        self.camera = camera
        start = row[Columns.start]
        end = row[Columns.end]
        type = row[Columns.type]
        let state: String = row[Columns.state]
        guard let known = ClipState(rawValue: state) else { throw UnreadableRow("clip \(device) \(start) in an unknown state, \(state)") }
        self.state = known
        file = row[Columns.file]
        size = row[Columns.size]
        sha256 = row[Columns.sha256]
        duration = row[Columns.duration]
        codecs = (row[Columns.codecs] as String?).map(CodecPair.init)
        attempts = row[Columns.attempts]
        lastError = row[Columns.lastError]
        sourceURL = row.hasColumn("sourceURL") ? row[Columns.sourceURL] : nil
        // `holes` exists from v5 on; a catalog opened read-only may be older.
        if row.hasColumn("holes"), let json: String = row[Columns.holes] {
            holes = (try? JSONDecoder().decode([ClipHole].self, from: Data(json.utf8))) ?? []
        }
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.camera] = camera.mac
        container[Columns.start] = start
        container[Columns.end] = end
        container[Columns.type] = type
        container[Columns.state] = state.rawValue
        container[Columns.file] = file
        container[Columns.size] = size
        container[Columns.sha256] = sha256
        container[Columns.duration] = duration
        container[Columns.codecs] = codecs?.description
        container[Columns.attempts] = attempts
        container[Columns.lastError] = lastError
        container[Columns.sourceURL] = sourceURL
        container[Columns.holes] = holes.isEmpty ? nil : String(decoding: try JSONEncoder().encode(holes), as: UTF8.self)
    }
}

extension Catalog.Run: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"

    public init(row: Row) {
        id = row[Columns.id]
        startedAt = row[Columns.startedAt]
        endedAt = row[Columns.endedAt]
        archived = row[Columns.archived]
        skipped = row[Columns.skipped]
        failed = row[Columns.failed]
        bytes = row[Columns.bytes]
        result = (row[Columns.result] as String?).map(RunOutcome.init)
        windowFrom = row.hasColumn("windowFrom") ? row[Columns.windowFrom] : nil
        windowTo = row.hasColumn("windowTo") ? row[Columns.windowTo] : nil
        complete = row.hasColumn("complete") ? row[Columns.complete] : false
    }

    public func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.startedAt] = startedAt
        container[Columns.endedAt] = endedAt
        container[Columns.archived] = archived
        container[Columns.skipped] = skipped
        container[Columns.failed] = failed
        container[Columns.bytes] = bytes
        container[Columns.result] = result?.description
        container[Columns.windowFrom] = windowFrom
        container[Columns.windowTo] = windowTo
        container[Columns.complete] = complete
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Catalog.Camera: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "device"

    public init(row: Row) throws {
        let mac: String = row[Columns.id]
        guard let id = CameraID(mac) else { throw UnreadableRow("camera \(mac), which is not a MAC address") }
        self.id = id
        name = row[Columns.name]
    }

    public func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id.mac
        container[Columns.name] = name
    }
}

/// A row holding what no version wrote: the catalog reports itself damaged, naming the row.
struct UnreadableRow: Error {
    var detail: String
    init(_ detail: String) { self.detail = detail }
}

/// Values compared in queries are bound in their stored form, never spelled in SQL.
extension ClipState: SQLExpressible {
    public var sqlExpression: SQLExpression { rawValue.sqlExpression }
}

extension CameraID: SQLExpressible {
    public var sqlExpression: SQLExpression { mac.sqlExpression }
}

extension RunOutcome: SQLExpressible {
    public var sqlExpression: SQLExpression { description.sqlExpression }
}
