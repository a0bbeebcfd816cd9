import ArgumentParser
import IvyArchive
import IvyCloud
import IvyHLS
import IvySandbox
import IvyShip

/// The documented exit codes, and which failure gets which.
enum ExitStatus {
    enum Code: Int32 {
        case ok = 0
        /// Some of the work failed, the rest is done.
        case partialFailure = 1
        /// Bad usage, configuration or authentication: fix the input and run again.
        case usage = 2
        /// The cloud could not be reached or kept failing: try again later.
        case cloudUnavailable = 3
        /// SIGINT or SIGTERM: the command stopped and cleaned up after itself.
        case interrupted = 130
    }

    struct Failure {
        var code: Code
        var message: String
    }

    /// The code the process ends with for `error`, as `IvyArchiver.exit(with:)` decides it:
    /// for a metrics file written before the process ends. Cancellation is an interruption.
    static func code(for error: any Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        if error is CancellationError || Task.isCancelled { return Code.interrupted.rawValue }
        if let failure = classify(error) { return failure.code.rawValue }
        if error is ValidationError { return Code.usage.rawValue }
        return Code.partialFailure.rawValue
    }

    /// `nil` for errors ArgumentParser reports itself (usage, help).
    static func classify(_ error: any Error) -> Failure? {
        switch error {
        case let error as Interruption.Interrupted:
            return Failure(code: .interrupted, message: error.description)
        case let error as UserError:
            return Failure(code: .usage, message: error.message)
        case let error as BackupError:
            // A disk that filled up mid-run is not a mistake in the command: part of the work is done.
            return Failure(code: error == .storage ? .partialFailure : .usage, message: error.description)
        case let error as ExportError:
            return Failure(code: error == .refused ? .usage : .partialFailure, message: error.description)
        case let error as CheckFailed:
            return Failure(code: .partialFailure, message: error.message)
        case let error as PartialClip:
            return Failure(code: .partialFailure, message: error.message)
        case let error as HLSError where error.isTransient:
            // The server kept failing or could not be reached: worth another try later.
            return Failure(code: .cloudUnavailable, message: error.description)
        case let error as CatalogError:
            // Damaged or missing: the line says how to rebuild it.
            return Failure(code: .usage, message: error.description)
        case let error as SandboxServerError:
            return Failure(code: .usage, message: error.description)
        case let error as ArchiveFolderError:
            // A typo, an unmounted disk or a folder never made an archive: nothing was fetched.
            return Failure(code: .usage, message: error.description)
        case let error as RcloneError where error == .notFound || error == .cannotRun:
            // A destination without rclone: installing it, not waiting, helps.
            return Failure(code: .usage, message: error.description)
        case let error as ArchiveLayoutError:
            return Failure(code: .usage, message: error.description)
        case let error as CloudAPIError:
            if error.code.isAuthentication { return Failure(code: .usage, message: "authentication failed: \(error)") }
            if error.code == .systemError || error.code == .systemUpgrade { return Failure(code: .cloudUnavailable, message: "\(error)") }
            return Failure(code: .partialFailure, message: "\(error)")
        case let error as CloudClientError:
            if error.isUnavailable { return Failure(code: .cloudUnavailable, message: "\(error)") }
            if error == .missingCredentials || error == .invalidInput || error == .notFound { return Failure(code: .usage, message: "\(error)") }
            return Failure(code: .cloudUnavailable, message: "\(error)")
        default:
            return nil
        }
    }
}

/// A clip kept with holes (`fetch --keep-partial`): written, but exit 1 with the holes named.
struct PartialClip: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A mistake in what the user asked for or configured: reported in one line, exit code 2.
struct UserError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
