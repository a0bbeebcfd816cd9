import Foundation

/// An archive on disk: a folder holding `.ivy-archiver/` (the marker file `archive`, the
/// catalog, the lock). Archives are made on purpose (`create`, the `init` command); every
/// other command `open`s one and refuses a folder that is not an archive, so that a typo or an
/// unmounted disk never becomes a silent full download into a new folder.
public struct ArchiveFolder: Sendable {
    /// The archive's root, standardized.
    public let root: String

    /// Where the tool keeps its own files inside the archive.
    public var state: String { root + "/.ivy-archiver" }
    public var catalogPath: String { state + "/catalog.sqlite" }
    var markerPath: String { state + "/" + Self.markerName }
    var lockPath: String { state + "/lock" }
    /// Files being written; never complete, never in the catalog. Emptied by a backup when it
    /// starts: write here only while holding the archive's lock (`lock()`).
    public var temporary: String { state + "/tmp" }
    /// Each clip's thumbnail, by the clip's relative path (`ArchiveThumbnails`).
    public var thumbnails: String { state + "/thumbnails" }

    static let markerName = "archive"

    /// The archive at `root`, unchecked: for paths inside a folder already opened or made.
    init(root: String) {
        self.root = (root as NSString).standardizingPath
    }

    /// Opens the archive at `path`, writing nothing.
    ///
    /// A folder whose `.ivy-archiver/` holds the marker or a catalog is an archive (archives
    /// made before the marker have only the catalog; `create` adds the marker).
    /// - Throws: `ArchiveFolderError.missing` when `path` does not exist,
    ///   `.notAnArchive` when it is no archive (both name the `init` command).
    public static func open(_ path: String) throws -> ArchiveFolder {
        let folder = ArchiveFolder(root: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.root, isDirectory: &isFolder) else { throw ArchiveFolderError.missing(folder.root) }
        guard isFolder.boolValue else { throw ArchiveFolderError.notAnArchive(folder.root, "it is a file") }
        guard folder.isMarked else { throw ArchiveFolderError.notAnArchive(folder.root, "no .ivy-archiver/ in it") }
        return folder
    }

    /// Makes `path` an archive: the folder (and its parents), `.ivy-archiver/`, the marker and
    /// an empty catalog; a folder that holds MP4 files gets no catalog here: the first run
    /// rebuilds it from them.
    ///
    /// - Returns: the archive, and whether it was an archive already.
    /// - Throws: `ArchiveFolderError.cannotCreate` naming the cause.
    public static func create(at path: String) throws -> (folder: ArchiveFolder, existed: Bool) {
        let folder = ArchiveFolder(root: path)
        if folder.isMarked {
            if !FileManager.default.fileExists(atPath: folder.markerPath) { try folder.writeMarker() }
            return (folder, true)
        }
        do {
            try FileManager.default.createDirectory(atPath: folder.state, withIntermediateDirectories: true)
        } catch {
            throw ArchiveFolderError.cannotCreate(folder.root, StorageFailure.reason(error))
        }
        try folder.writeMarker()
        // A folder of clips gets its catalog from them at the first run (`CatalogRebuild`); an
        // empty catalog here would have them fetched again.
        if folder.clipFiles.isEmpty {
            do {
                _ = try Catalog(path: folder.catalogPath)
            } catch {
                throw ArchiveFolderError.cannotCreate(folder.root, StorageFailure.reason(error))
            }
        }
        return (folder, false)
    }

    private var isMarked: Bool {
        FileManager.default.fileExists(atPath: markerPath) || FileManager.default.fileExists(atPath: catalogPath)
    }

    private func writeMarker() throws {
        let text = "This folder is an IvyArchiver archive (format 1); its catalog is catalog.sqlite beside this file.\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: markerPath), options: .atomic)
        } catch {
            throw ArchiveFolderError.cannotCreate(root, StorageFailure.reason(error))
        }
    }

    /// Takes the archive's lock, for work that changes the archive outside a backup (shipping
    /// clips, deleting local copies); released with the value.
    ///
    /// - Throws: `BackupError.locked` when another run holds it (a backup, in this process or
    ///   another); `BackupError.archive` when the lock file cannot be opened.
    public func lock() throws -> ArchiveLock {
        try ArchiveLock(path: lockPath)
    }

    /// The MP4 files the folder holds outside the tool's own folder, relative to the root.
    public var clipFiles: [String] { CatalogRebuild.clipFiles(root: root) }
}

/// The folder named as the archive cannot be used as one. The description is the one line a
/// user needs, with the command that makes an archive.
public struct ArchiveFolderError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case missing, notAnArchive, cannotCreate, cannotWrite }
    private let code: Code
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func missing(_ path: String) -> Self {
        Self(code: .missing, description: "the archive \(path) does not exist (a typo, or a disk that is not mounted?); "
            + "to start a new archive there, run 'ivy-archiver init --archive \(path)'")
    }

    static func notAnArchive(_ path: String, _ why: String) -> Self {
        Self(code: .notAnArchive, description: "\(path) is not an IvyArchiver archive (\(why)); "
            + "to make it one, run 'ivy-archiver init --archive \(path)'")
    }

    static func cannotCreate(_ path: String, _ why: String) -> Self {
        Self(code: .cannotCreate, description: "cannot create the archive \(path): \(why)")
    }

    static func cannotWrite(_ path: String, _ why: String) -> Self {
        Self(code: .cannotWrite, description: "cannot write \(path): \(why)")
    }

    public static let missing = missing("")
    public static let notAnArchive = notAnArchive("", "")
    public static let cannotCreate = cannotCreate("", "")
    /// A file of the tool's own in `.ivy-archiver/` (not a clip, not the catalog) could not be written.
    public static let cannotWrite = cannotWrite("", "")
}
