import Foundation
import Glibc

/// `flock` on `ARCHIVE/.ivy-archiver/lock`: one run per archive. The kernel drops the lock when
/// the process dies, even by `kill -9`, so a crash never leaves the archive locked. Held until
/// the value is released. Within one process too: a second lock of the same archive is refused.
public final class ArchiveLock: Sendable {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BackupError.archive("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw BackupError.locked("another ivy-archiver run is using this archive")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
