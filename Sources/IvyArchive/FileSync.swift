import Foundation
import Glibc
import IvyConcurrency

/// Durable file operations: data on disk before a name points at it. `fsync` blocks (seconds on
/// a slow disk), so each runs on a thread made for blocking work.
enum FileSync {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// `errno` of the call that failed.
        var errorNumber: Int32 = errno
    }

    static func sync(path: String) async throws {
        try await BlockingThread.run(name: "ivy-fsync") { _ in try syncNow(path: path) }
    }

    private static func syncNow(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// `rename(2)` (atomic within a file system), then a sync of the folder so the new name
    /// survives a crash.
    static func rename(_ source: String, to destination: String) async throws {
        try await BlockingThread.run(name: "ivy-fsync") { _ in try renameNow(source, to: destination) }
    }

    private static func renameNow(_ source: String, to destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else {
            throw Failure(description: "cannot move the file into \(destination): \(String(cString: strerror(errno)))")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            close(descriptor)
        }
    }
}
