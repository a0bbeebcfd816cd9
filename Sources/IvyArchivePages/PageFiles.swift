import Foundation
import IvyArchive

/// Writes pages into their folder, each only when its text changed (so a rerun that changed
/// nothing touches nothing), skips drawing those whose inputs did not change (their
/// fingerprints are kept in `fingerprints.json` beside them), and afterwards removes the files
/// no page was written to: the pages of days and cameras no longer listed.
struct PageFiles {
    let folder: String
    private var kept: Set<String> = []
    private var result = ArchivePages.Result(index: "")
    private var fingerprints: [String: String]
    private var drawn: [String: String] = [:]

    static let manifest = "fingerprints.json"
    /// What the pages were drawn from (`ArchivePages.stamp`), written after them.
    static let stamp = "drawn-from"

    init(folder: String) {
        self.folder = folder
        let data = FileManager.default.contents(atPath: folder + "/" + Self.manifest) ?? Data()
        fingerprints = (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    /// `relative` drawn by `draw`, unless its file exists and was drawn from the same inputs.
    mutating func put(_ relative: String, fingerprint: String, _ draw: () throws -> String) throws {
        drawn[relative] = fingerprint
        if fingerprints[relative] == fingerprint, FileManager.default.fileExists(atPath: folder + "/" + relative) {
            kept.insert(relative)
            result.unchanged += 1
            return
        }
        try put(relative, draw())
    }

    /// `relative` to the pages' folder.
    mutating func put(_ relative: String, _ text: String) throws {
        kept.insert(relative)
        if try Self.writeIfChanged(folder + "/" + relative, text) { result.written += 1 } else { result.unchanged += 1 }
    }

    /// Removes every file of the folder `put` was not called for, and folders left empty.
    mutating func finish() throws -> ArchivePages.Result {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        _ = try Self.writeIfChanged(folder + "/" + Self.manifest, String(decoding: try encoder.encode(drawn), as: UTF8.self))
        kept.insert(Self.manifest)
        kept.insert(Self.stamp)
        let manager = FileManager.default
        for relative in (manager.subpaths(atPath: folder) ?? []).sorted().reversed() {
            let path = folder + "/" + relative
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                if (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true { try manager.removeItem(atPath: path) }
            } else if !kept.contains(relative) {
                try manager.removeItem(atPath: path)
                result.removed += 1
            }
        }
        return result
    }

    /// Writes `text` at `path` atomically (a temporary file renamed over it), unless the file
    /// already holds it. Returns whether it wrote.
    static func writeIfChanged(_ path: String, _ text: String) throws -> Bool {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data { return false }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return true
    }
}
