import ArgumentParser
import Foundation

/// The root command: lists the subcommands and maps every failure to a documented exit code.
@main
struct IvyArchiver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivy-archiver",
        abstract: "Back up IVYIOT / Foscam cloud recordings to disks you own.",
        discussion: """
            Exit codes: 0 ok, 1 partial failure, 2 usage, configuration or authentication error, \
            3 cloud unavailable, 130 interrupted (SIGINT or SIGTERM).

            Examples:
              ivy-archiver init --archive /srv/camera-archive
              ivy-archiver backup --archive /srv/camera-archive
              ivy-archiver export --device "Front Door" \\
                  --from "2026-11-25 14:00" --to "2026-11-25 14:30" -o incident.mp4
              ivy-archiver config check
              ivy-archiver sandbox --port 0
            """,
        version: BuildInfo.line,
        subcommands: [
            DevicesCommand.self, RecordingsCommand.self, ServiceCommand.self, FirmwareCommand.self,
            InitCommand.self, BackupCommand.self, ShardsCommand.self, ListCommand.self, IndexCommand.self, VerifyCommand.self, ConfigCommand.self, CatalogCommand.self, ExportCommand.self, DeviceCommand.self, GrantsCommand.self, TimeCommand.self, FetchCommand.self, RemuxCommand.self,
            SandboxCommand.self,
        ]
    )

    static func main() async {
        MemoryTuning.configure()
        // `-V` as well as `--version`, as many tools have it.
        if CommandLine.arguments.dropFirst() == ["-V"] {
            print(BuildInfo.line)
            return
        }
        do {
            var command = try parseAsRoot()
            if var server = command as? any HandlesItsOwnSignals {
                try await server.run()
            } else if let asyncCommand = command as? any AsyncParsableCommand {
                try await Interruption.run(asyncCommand)
            } else {
                try command.run()
            }
        } catch {
            exit(with: error)
        }
    }

    /// One line on stderr and the documented code; help and `--version` keep their own output.
    static func exit(with error: any Error) -> Never {
        if let code = error as? ExitCode, code != .success { Foundation.exit(code.rawValue) }
        if let failure = ExitStatus.classify(error) {
            FileHandle.standardError.write(Data("ivy-archiver: \(failure.message)\n".utf8))
            Foundation.exit(failure.code.rawValue)
        }
        let code = exitCode(for: error)
        if code == .success {
            // Help (and --version, completion scripts): printed as ArgumentParser has them, the
            // command's own options before the global ones.
            print(HelpLayout.globalOptionsLast(fullMessage(for: error)))
            Foundation.exit(0)
        }
        if code == .validationFailure {
            // The reason, on one line; `--help` has the usage.
            let reason = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let line = reason.hasPrefix("Error: ") ? String(reason.dropFirst(7)) : reason
            FileHandle.standardError.write(Data("ivy-archiver: \(line) (see --help)\n".utf8))
            Foundation.exit(ExitStatus.Code.usage.rawValue)
        }
        // Anything else (a download, a remux, a file that could not be written) failed the work.
        FileHandle.standardError.write(Data("ivy-archiver: \(error)\n".utf8))
        Foundation.exit(ExitStatus.Code.partialFailure.rawValue)
    }
}
