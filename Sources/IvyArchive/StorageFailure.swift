import Foundation
import GRDB
import Glibc
import IvyHTTP
import IvyMedia

/// Failures of the archive's own disk. One clip's network trouble is that clip's; a full or
/// read-only file system fails every clip after it, so the run stops and says why.
enum StorageFailure {
    /// A one-line reason when `error` means the archive cannot be written to; `nil` otherwise.
    static func problem(_ error: any Error) -> String? {
        guard let code = errorNumber(error) else { return nil }
        switch code {
        case ENOSPC, EDQUOT: return "the archive's disk is full (\(String(cString: strerror(code))))"
        case EROFS: return "the archive's file system is read-only"
        case EACCES, EPERM: return "the archive cannot be written to (\(String(cString: strerror(code))))"
        default: return nil
        }
    }

    /// `problem(error)`, told apart by the folder the write was in: SQLite answers "read-only"
    /// (`SQLITE_READONLY`) alike for a read-only file system and for a folder it may not write
    /// in, and the two need different fixes (a remount, or `chmod`/`chown`).
    static func problem(_ error: any Error, in folder: String) -> String? {
        guard let code = errorNumber(error) else { return nil }
        if code == EROFS, let denied = writeDenied(folder) {
            return "the archive cannot be written to (\(folder): \(String(cString: strerror(denied))))"
        }
        return problem(error)
    }

    /// Whether `problem(error, in:)` is a permission: a mistake in the set-up (a user or a mode
    /// that may not write the archive), not a disk that failed mid-run.
    static func isPermission(_ error: any Error, in folder: String) -> Bool {
        guard let code = errorNumber(error) else { return false }
        if code == EACCES || code == EPERM { return true }
        return code == EROFS && writeDenied(folder) != nil
    }

    /// A permission problem (`isPermission(error, in:)`) as the user's fix: the reason, and
    /// who may not write where.
    static func permissionReason(_ error: any Error, in folder: String) -> String {
        let code = writeDenied(folder) ?? errorNumber(error) ?? EACCES
        return "\(String(cString: strerror(code))) (the user running ivy-archiver, uid \(getuid()), may not write there: "
            + "chown the archive to that user, or chmod it)"
    }

    /// `EACCES` or `EPERM` when this user may not write in `folder`; `nil` when it may, or
    /// when the reason is another (`EROFS`: the file system is read-only).
    private static func writeDenied(_ folder: String) -> Int32? {
        guard access(folder, W_OK) != 0 else { return nil }
        let code = errno
        return code == EACCES || code == EPERM ? code : nil
    }

    /// `problem(error)`, or the error's own words.
    static func reason(_ error: any Error) -> String {
        problem(error) ?? "\(error)"
    }

    /// The `errno` behind an error from FFmpeg, Foundation, SQLite or our own file calls.
    private static func errorNumber(_ error: any Error) -> Int32? {
        switch error {
        case let error as MediaError:
            return error.code < 0 ? -error.code : nil
        case let error as FileSync.Failure:
            return error.errorNumber
        case let error as SpoolFile.Failure:
            return error.errorNumber
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_FULL: return ENOSPC
            case .SQLITE_READONLY: return EROFS
            case .SQLITE_IOERR: return EIO
            default: return nil
            }
        case let error as CocoaError:
            if let underlying = error.underlying as? POSIXError { return underlying.code.rawValue }
            if error.code == .fileWriteOutOfSpace { return ENOSPC }
            if error.code == .fileWriteVolumeReadOnly { return EROFS }
            if error.code == .fileWriteNoPermission { return EACCES }
            return nil
        case let error as POSIXError:
            return error.code.rawValue
        default:
            return nil
        }
    }
}
