import Foundation
import GRDB

/// Opening the catalog so that a crash, a read-only disk or damage never leaves a reader
/// stuck or a writer guessing.
extension Catalog {
    /// How a catalog is opened.
    enum Access {
        /// A run's: created when missing, migrated, written.
        case write
        /// A reader's (verify, export): never changed, yet what a crash left (a hot journal, a
        /// WAL) is recovered, in place when the archive is writable, else in a private copy.
        case read
        /// A copy of its own (a dry run): read and written as a run would, the archive untouched.
        case privateCopy
    }

    static func open(path: String, mode: Access) throws -> (DatabaseQueue, scratch: String?) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            switch mode {
            case .write:
                let database = try DatabaseQueue(path: path, configuration: configuration(readonly: false))
                // WAL: a run killed mid-transaction leaves a log that any later opener ignores
                // or replays, instead of a hot journal only a writer may roll back.
                try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
                try check(database, path: path)
                try migrator.migrate(database)
                return (database, nil)
            case .read:
                guard FileManager.default.fileExists(atPath: path) else { throw CatalogError.missing(path) }
                if access(path, R_OK | W_OK) == 0, access(folder, W_OK) == 0 {
                    // A connection that may write recovers a hot journal or a WAL; it changes nothing else.
                    let database = try DatabaseQueue(path: path, configuration: configuration(readonly: false))
                    try check(database, path: path)
                    return (database, nil)
                }
                // A catalog on a read-only disk: recovered in a private copy.
                return try copy(path, migrating: false)
            case .privateCopy:
                return try copy(path, migrating: true)
            }
        } catch let error as DatabaseError where isDamage(error) {
            throw CatalogError.damaged(path, error.message ?? "\(error.resultCode)")
        }
    }

    /// The catalog (with its journal or WAL) copied into a temporary folder and opened there;
    /// a catalog that does not exist yet is made empty there.
    private static func copy(_ path: String, migrating: Bool) throws -> (DatabaseQueue, scratch: String?) {
        let scratch = NSTemporaryDirectory() + "/ivy-catalog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        do {
            for suffix in ["", "-journal", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: scratch + "/catalog.sqlite" + suffix)
            }
            let database = try DatabaseQueue(path: scratch + "/catalog.sqlite", configuration: configuration(readonly: false))
            try check(database, path: path)
            if migrating { try migrator.migrate(database) }
            return (database, scratch)
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        }
    }

    private static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readonly
        return configuration
    }

    /// `PRAGMA quick_check`: every page and index entry readable. Damage anywhere is found
    /// here, before a run trusts the catalog, not at the query that first reads the page.
    private static func check(_ database: DatabaseQueue, path: String) throws {
        let verdict = try database.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        guard verdict == ["ok"] else { throw CatalogError.damaged(path, verdict.prefix(2).joined(separator: "; ")) }
    }

    private static func isDamage(_ error: DatabaseError) -> Bool {
        [ResultCode.SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT].contains(error.resultCode.primaryResultCode)
    }
}

/// The catalog cannot be used as it is. Its description is the one line a user needs,
/// recovery step included.
public struct CatalogError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case damaged, missing }
    private let code: Code
    public let path: String
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func damaged(_ path: String, _ detail: String) -> Self {
        let archive = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return Self(code: .damaged, path: path, description: "the catalog \(path) is damaged (\(detail)); "
            + "run 'ivy-archiver catalog rebuild --archive \(archive)' to rebuild it from the archive's files")
    }

    static func missing(_ path: String) -> Self {
        let archive = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return Self(code: .missing, path: path, description: "\(archive) has no catalog (\(path)): not an IvyArchiver archive, "
            + "or run 'ivy-archiver catalog rebuild --archive \(archive)' to make one from its files")
    }

    /// Patterns for `catch` and tests.
    public static let damaged = damaged("", "")
    public static let missing = missing("")
}
