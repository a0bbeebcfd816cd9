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
