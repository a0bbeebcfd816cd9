import Crypto
import Foundation
import IvyConcurrency

/// SHA-256 of a file, read in 1 MiB pieces so memory stays flat for any size, on a thread made
/// for blocking work; cancelling the task stops it at the next piece.
public enum FileDigest {
    /// Lowercase hex.
    ///
    /// - Throws: `BackupError.archive` when the file cannot be read; `CancellationError`.
    public static func sha256(path: String) async throws -> String {
        try await BlockingThread.run(name: "ivy-sha256") { interrupt in try sha256(path: path, interrupt: interrupt) }
    }

    static func sha256(path: String, interrupt: CancellationFlag) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.archive("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try interrupt.check()
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
