import ArgumentParser
import Foundation
import IvyArchive

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every archived clip: present, same size and SHA-256 as catalogued, playable, right length.",
        discussion: "No cloud call is made. Exit 0 when all is well, 1 when any clip has a problem (each is listed), 2 when the folder is not an archive.\n\nExamples:\n  ivy-archiver verify --archive /srv/camera-archive\n  ivy-archiver verify --json | jq '.problems'")

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        // The same settings as backup (flag, environment, config file); no cloud call is made.
        let settings = try global.settings()
        let json = settings.json
        let folder = try settings.archiveFolder(archive)
        let display = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
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
}
