import ArgumentParser
import Foundation
import IvyArchive
import IvyShip

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every archived clip: present, same size and SHA-256 as catalogued, playable, right length.",
        discussion: """
            No cloud call is made. With --remote, the copies at the account's destination are checked instead: \
            there, of the size shipped, and of the same hash (the strongest the remote reports; a copy at a \
            remote that reports none is downloaded and hashed). Exit 0 when all is well, 1 when any clip or copy \
            has a problem (each is listed), 2 when the folder is not an archive or no destination is configured.

            Examples:
              ivy-archiver verify --archive /srv/camera-archive
              ivy-archiver verify --json | jq '.problems'
              ivy-archiver verify --remote --account smith
            """)

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @Flag(name: .long, help: "Check the copies at the destination (destination in the config), not the local files.") var remote = false
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        // The same settings as backup (flag, environment, config file); no cloud call is made.
        let settings = try global.settings()
        let json = settings.json
        let folder = try settings.archiveFolder(archive)
        let display = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        if remote { return try await verifyRemote(settings, folder: folder, display: display) }
        let report = try await Verify.run(archive: folder) { done, total in display.show("checked \(done)/\(total)") }
        display.clear()
        if json {
            try Output.json(report)
        } else {
            report.problems.forEach { print("PROBLEM \($0)") }
            report.partial.forEach { print("PARTIAL \($0)") }
            print("\(report.checked) clips checked, \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")"
                + (report.partial.isEmpty ? "" : ", \(report.partial.count) partial"))
        }
        if !report.problems.isEmpty { throw ExitCode(ExitStatus.Code.partialFailure.rawValue) }
    }

    private func verifyRemote(_ settings: Settings, folder: String, display: ProgressLine) async throws {
        guard let destination = settings.destination else {
            throw UserError("verify --remote checks the copies at the destination, and none is configured (destination in the config)")
        }
        let logger = try global.makeLogger()
        let remote = try RcloneDestination(.init(remote: destination), logger: logger)
        // Copies checked by downloading them go beside the archive, not to a small /tmp.
        let scratch = try ArchiveFolder.open(folder).temporary
        let report = try await RemoteVerify.run(archive: folder, destination: remote, scratch: scratch, logger: logger) { done, total in
            display.show("checked \(done)/\(total) copies")
        }
        display.clear()
        if settings.json {
            try Output.json(report)
        } else {
            report.problems.forEach { print("PROBLEM \($0)") }
            if !report.reship.isEmpty { print("\(report.reship.count) of them will be shipped again by the next backup") }
            if !report.lostCopies.isEmpty {
                print("\(report.lostCopies.count) of them had no other copy: their local files were deleted by keep_local_days "
                    + "(the next backup fetches them again if the cloud still holds them, and reports them lost if not)")
            }
            print("\(report.checked) copies checked at \(report.destination), \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")"
                + (report.notShipped == 0 ? "" : ", \(report.notShipped) clips not shipped yet"))
        }
        if !report.problems.isEmpty { throw ExitCode(ExitStatus.Code.partialFailure.rawValue) }
    }
}
