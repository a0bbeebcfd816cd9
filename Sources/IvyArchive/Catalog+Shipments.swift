public import Foundation
public import GRDB
public import IvyDomain

// Copies of clips at remote destinations (table `shipment`, migration v8): per clip and per
// destination, whether a checked copy is there, of which file (its SHA-256), checked how.

extension Catalog {
    /// One clip's copy at one destination (table `shipment`).
    public struct Shipment: Sendable, Equatable {
        public var camera: CameraID
        /// The clip's start, server Unix seconds.
        public var start: Int64
        /// The destination's identity (`Destination.identity`: `offsite:cams/smith`).
        public var destination: String
        public var state: ShipmentState
        /// SHA-256 of the local file this shipment is of (lowercase hex). A clip archived again
        /// since (a complete file replacing a partial one) has another, and is shipped again.
        public var sha256: String
        /// The check that made it `shipped`; nil while it never was.
        public var copy: RemoteCopy?
        /// The last time it was checked shipped.
        public var shippedAt: Date?
        /// Uploads tried, successful or not.
        public var attempts = 0
        /// Why the last attempt failed; nil once shipped.
        public var lastError: String?

        public var key: ClipKey { ClipKey(camera: camera, start: start) }

        public enum Columns {
            static let camera = Column("device")
            static let start = Column("start")
            static let destination = Column("destination")
            static let state = Column("state")
            static let sha256 = Column("sha256")
            static let remoteSize = Column("remoteSize")
            static let hash = Column("hash")
            static let hashAlgorithm = Column("hashAlgorithm")
            static let shippedAt = Column("shippedAt")
            static let attempts = Column("attempts")
            static let lastError = Column("lastError")
        }
    }

    /// What the destination showed of a copy when it was checked.
    public struct RemoteCopy: Sendable, Equatable, Codable {
        /// Bytes, as the destination reports them.
        public var size: Int64
        /// The hash compared: one the destination reported, or SHA-256 of the copy downloaded
        /// when it reports none.
        public var algorithm: HashAlgorithm
        /// Lowercase hex.
        public var hash: String

        public init(size: Int64, algorithm: HashAlgorithm, hash: String) {
            self.size = size
            self.algorithm = algorithm
            self.hash = hash
        }
    }

    /// A clip and its shipment to one destination.
    public struct ShippedClip: Sendable {
        public var clip: Clip
        public var shipment: Shipment
    }

    /// Clips whose file is in the archive (`archived`, `partial`) without a checked copy of
    /// that very file (its SHA-256) at `destination`: never shipped, failed, or archived again
    /// since. By camera then start.
    public func unshipped(to destination: String) async throws -> [Clip] {
        try await read { db in
            guard try db.tableExists(Shipment.databaseTableName) else { return try Self.withFile(db) }
            return try Clip.filter(ClipState.withFile.contains(Clip.Columns.state))
                .filter(literal: """
                    NOT EXISTS (SELECT 1 FROM shipment WHERE shipment.device = clip.device AND shipment.start = clip.start
                    AND shipment.destination = \(destination) AND shipment.state = \(ShipmentState.shipped) AND shipment.sha256 = clip.sha256)
                    """)
                .order(Clip.Columns.camera, Clip.Columns.start).fetchAll(db)
        }
    }

    /// Every clip with a copy checked shipped to `destination`, in any state (a `pruned` clip's
    /// only copy may be there), by camera then start. The shipment may be of an earlier file of
    /// the clip (`shipment.sha256 != clip.sha256`) until it is shipped again.
    public func shipped(to destination: String) async throws -> [ShippedClip] {
        try await read { db in
            guard try db.tableExists(Shipment.databaseTableName) else { return [] }
            let shipments = try Shipment.filter(Shipment.Columns.destination == destination && Shipment.Columns.state == ShipmentState.shipped)
                .order(Shipment.Columns.camera, Shipment.Columns.start).fetchAll(db)
            return try shipments.compactMap { shipment in
                try Clip.fetchOne(db, key: ["device": shipment.camera.mac, "start": shipment.start]).map { ShippedClip(clip: $0, shipment: shipment) }
            }
        }
    }

    public func shipment(of key: ClipKey, to destination: String) async throws -> Shipment? {
        try await read { db in
            guard try db.tableExists(Shipment.databaseTableName) else { return nil }
            return try Shipment.fetchOne(db, key: Self.shipmentKey(key, destination))
        }
    }

    /// The file whose SHA-256 is `sha256` was uploaded and its copy checked: `copy` is what the
    /// check saw. A clip the catalog does not know is left alone.
    public func markShipped(_ key: ClipKey, to destination: String, sha256: String, copy: RemoteCopy, at time: Date) async throws {
        try await updateShipment(key, destination, sha256: sha256) { shipment in
            shipment.state = .shipped
            shipment.copy = copy
            shipment.shippedAt = time
            shipment.attempts += 1
            shipment.lastError = nil
        }
    }

    /// The upload of the file whose SHA-256 is `sha256`, or the check after it, failed: the
    /// next run ships the clip again.
    public func markShipFailed(_ key: ClipKey, to destination: String, sha256: String, error: String) async throws {
        try await updateShipment(key, destination, sha256: sha256) { shipment in
            shipment.state = .failed
            shipment.attempts += 1
            shipment.lastError = error
        }
    }

    private func updateShipment(_ key: ClipKey, _ destination: String, sha256: String,
                                _ change: @escaping @Sendable (inout Shipment) -> Void) async throws {
        try await write { db in
            guard try Clip.exists(db, key: ["device": key.camera.mac, "start": key.start]) else { return }
            var shipment = try Shipment.fetchOne(db, key: Self.shipmentKey(key, destination))
                ?? Shipment(camera: key.camera, start: key.start, destination: destination, state: .failed, sha256: sha256)
            shipment.sha256 = sha256
            change(&shipment)
            try shipment.save(db)
        }
    }

    private static func shipmentKey(_ key: ClipKey, _ destination: String) -> [String: any DatabaseValueConvertible] {
        ["device": key.camera.mac, "start": key.start, "destination": destination]
    }

    private static func withFile(_ db: Database) throws -> [Clip] {
        try Clip.filter(ClipState.withFile.contains(Clip.Columns.state)).order(Clip.Columns.camera, Clip.Columns.start).fetchAll(db)
    }

    /// Migration v8: the `shipment` table. A clip's shipments go with its row.
    static func addShipments(_ db: Database) throws {
        try db.create(table: Shipment.databaseTableName) { table in
            table.column("device", .text).notNull()
            table.column("start", .integer).notNull()
            table.column("destination", .text).notNull()
            table.column("state", .text).notNull()
            table.column("sha256", .text).notNull()
            table.column("remoteSize", .integer)
            table.column("hash", .text)
            table.column("hashAlgorithm", .text)
            table.column("shippedAt", .double)
            table.column("attempts", .integer).notNull().defaults(to: 0)
            table.column("lastError", .text)
            table.primaryKey(["device", "start", "destination"])
            table.foreignKey(["device", "start"], references: "clip", columns: ["device", "start"], onDelete: .cascade, onUpdate: .cascade)
        }
    }
}

extension Catalog.Shipment: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shipment"

    public init(row: Row) throws {
        let device: String = row[Columns.camera]
        guard let camera = CameraID(device) else { throw UnreadableRow("a shipment of \(device), which is not a MAC address") }
        self.camera = camera
        start = row[Columns.start]
        destination = row[Columns.destination]
        let state: String = row[Columns.state]
        guard let known = ShipmentState(rawValue: state) else { throw UnreadableRow("shipment of \(device) \(start) in an unknown state, \(state)") }
        self.state = known
        sha256 = row[Columns.sha256]
        if let size: Int64 = row[Columns.remoteSize], let hash: String = row[Columns.hash], let name: String = row[Columns.hashAlgorithm] {
            guard let algorithm = HashAlgorithm(rawValue: name) else { throw UnreadableRow("shipment of \(device) \(start) checked by an unknown hash, \(name)") }
            copy = Catalog.RemoteCopy(size: size, algorithm: algorithm, hash: hash)
        }
        shippedAt = (row[Columns.shippedAt] as Double?).map { Date(timeIntervalSince1970: $0) }
        attempts = row[Columns.attempts]
        lastError = row[Columns.lastError]
    }

    public func encode(to container: inout PersistenceContainer) {
        container[Columns.camera] = camera.mac
        container[Columns.start] = start
        container[Columns.destination] = destination
        container[Columns.state] = state.rawValue
        container[Columns.sha256] = sha256
        container[Columns.remoteSize] = copy?.size
        container[Columns.hash] = copy?.hash
        container[Columns.hashAlgorithm] = copy?.algorithm.rawValue
        container[Columns.shippedAt] = shippedAt?.timeIntervalSince1970
        container[Columns.attempts] = attempts
        container[Columns.lastError] = lastError
    }
}

extension ShipmentState: SQLExpressible {
    public var sqlExpression: SQLExpression { rawValue.sqlExpression }
}
