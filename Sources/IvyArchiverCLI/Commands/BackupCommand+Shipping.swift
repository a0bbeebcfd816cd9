import Foundation
import IvyArchive
import IvyShip
import Logging

// After the clips are archived: copying them to the account's `destination` (an rclone remote)
// and, with `keep_local_days`, deleting local copies that are checked there.
extension BackupCommand {
    /// What shipping did after a backup, or why it could not start.
    struct Shipping {
        var summary: Shipper.Summary?
        var pruned: Shipper.PruneSummary?
        /// Shipping could not start (rclone missing, the archive locked), or pruning failed.
        var failure: (any Error)?

        /// The code it adds to the run's: 0 when every clip went.
        var exitCode: Int32 {
            if let failure { return ExitStatus.code(for: failure) }
            if summary?.interrupted == true { return ExitStatus.Code.interrupted.rawValue }
            return summary?.failures.isEmpty == false ? ExitStatus.Code.partialFailure.rawValue : 0
        }
    }

    /// Ships the archive's unshipped clips to `destination` after a run that got through its
    /// clips (not a dry run, not an interrupted one), then prunes with `keep_local_days` when
    /// every clip went.
    static func ship(to destination: String, keepLocalDays: Int?, options: Backup.Options, logger: Logger,
                     events: @escaping @Sendable (Shipper.Event) -> Void) async -> Shipping {
        var shipping = Shipping()
        do {
            let remote = try RcloneDestination(.init(remote: destination), logger: logger)
            let shipper = Shipper(archive: try ArchiveFolder.open(options.archive), destination: remote, logger: logger)
            let summary = try await shipper.ship(events: events)
            shipping.summary = summary
            if let keepLocalDays, summary.failures.isEmpty, !summary.interrupted {
                shipping.pruned = try await shipper.pruneLocalCopies(keepDays: keepLocalDays, timeZone: options.timeZone(of:), events: events)
            }
        } catch {
            shipping.failure = error
        }
        return shipping
    }

    /// One line on stdout for what went (not with `--json`: the report has it), and one on
    /// stderr for what did not.
    func printShipping(_ shipping: Shipping, prefix: String = "", json: Bool) {
        if let summary = shipping.summary {
            var line = "shipped \(summary.shipped.count) to \(summary.destination), \(summary.failures.count) failed"
            if let pruned = shipping.pruned, !pruned.deleted.isEmpty { line += ", \(pruned.deleted.count) local copies deleted (keep_local_days)" }
            line += "; \(ProgressLine.bytes(Int(summary.bytes)))"
            if !json { Output.line(prefix + line) }
            if let first = summary.failures.first {
                Output.error(prefix + "shipping incomplete: \(summary.failures.count) failed (first: \(first.path): \(first.reason)); the next run ships them again")
            }
        }
        if let failure = shipping.failure {
            Output.error(prefix + "shipping: " + (ExitStatus.classify(failure)?.message ?? "\(failure)"))
        }
    }
}

/// `backup --json`: what shipping did.
struct ShippingReport: Encodable {
    struct Failure: Encodable {
        var path: String
        var reason: String
    }

    var destination: String?
    var shipped: [String]
    var bytes: Int64
    var failures: [Failure]
    /// `keep_local_days`: local files deleted, their copies checked.
    var deletedLocal: [String]
    /// Why shipping could not start or finish, in one line.
    var error: String?

    init(_ shipping: BackupCommand.Shipping) {
        destination = shipping.summary?.destination
        shipped = shipping.summary?.shipped.map(\.path) ?? []
        bytes = shipping.summary?.bytes ?? 0
        failures = shipping.summary?.failures.map { Failure(path: $0.path, reason: $0.reason) } ?? []
        deletedLocal = shipping.pruned?.deleted ?? []
        error = shipping.failure.map { ExitStatus.classify($0)?.message ?? "\($0)" }
    }
}
