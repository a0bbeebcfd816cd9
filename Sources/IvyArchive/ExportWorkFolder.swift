import Foundation
import Glibc

/// Where an export builds its file: `.<OUT>.mp4.<UUID>.parts` beside the output (the same
/// file system, so the final renames are atomic). Its `owner` file is `flock`ed while the
/// export runs; the kernel drops the lock when the process dies, even by SIGKILL, so the next
/// export (or backup) tells a dead export's folder from a live one and removes only the dead.
final class ExportWorkFolder {
    let path: String
    private let descriptor: Int32

    init(beside output: String) throws {
        let folder = (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent
        path = folder + "/.\((output as NSString).lastPathComponent).\(UUID().uuidString)" + Self.suffix
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        descriptor = open(path + "/owner", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            try? FileManager.default.removeItem(atPath: path)
            throw ExportError.failed("cannot lock the export's work folder \(path)")
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        close(descriptor)
    }

    static let suffix = ".parts"

    /// Removes the work folders in `folder` whose export is gone: its `owner` lock is free, or
    /// (folders from before owners were kept) nothing in it changed for an hour. Returns the
    /// names removed.
    @discardableResult
    static func sweep(_ folder: String) -> [String] {
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") && name.hasSuffix(suffix) {
            let path = folder + "/" + name
            let owner = open(path + "/owner", O_RDWR | O_CLOEXEC)
            let abandoned: Bool
            if owner >= 0 {
                abandoned = flock(owner, LOCK_EX | LOCK_NB) == 0
                close(owner)
            } else {
                let changed = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
                abandoned = changed.map { Date().timeIntervalSince($0) > 3600 } ?? false
            }
            if abandoned, (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed
    }
}
