import Foundation

/// Checks for a file a command is about to write: refused before any work, never clobbered
/// by surprise.
enum OutputFile {
    static func check(_ path: String, force: Bool) throws {
        guard path.lowercased().hasSuffix(".mp4") else { throw UserError("the output must end in .mp4") }
        if FileManager.default.fileExists(atPath: path), !force { throw UserError("\(path) exists; use --force to replace it") }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            throw UserError("the folder \(folder) does not exist")
        }
    }
}

/// `--metrics-file`: checked before any work, so that a missing folder is found at the start
/// of a run, not after the whole backup.
enum MetricsFile {
    /// - Throws: `UserError` naming the path and why it cannot be written.
    static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UserError("cannot write the metrics file \(path): the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw UserError("cannot write the metrics file \(path): the folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UserError("cannot write the metrics file \(path): it is a folder")
        }
    }
}
