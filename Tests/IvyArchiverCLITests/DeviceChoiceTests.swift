import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// `--device` means the same on every command: a MAC in any notation or a name in any case,
/// and a camera the account does not have is refused the same way, listing those it has.
@Suite struct DeviceChoiceTests {
    @Test func everyCommandThatNamesACameraTakesItsNameOrAnyMACNotation() async throws {
        try await withSandbox { endpoint, _ in
            let env = endpoint.cliEnvironment(["IVY_TIMEZONE": "UTC"])
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let device = try #require(endpoint.cloud.configuration.account.devices.first)
            let colons = stride(from: 0, to: 12, by: 2).map { offset in
                String(device.mac.dropFirst(offset).prefix(2)).lowercased()
            }.joined(separator: ":")
            let inactive = try await CLIProcess.run(["grants", "list", "--inactive", "--json"], environment: env)
            let grants = try JSONSerialization.jsonObject(with: Data(inactive.stdout.utf8)) as? [[String: Any]] ?? []
            let grant = try #require(grants.first?["grantId"])

            /// Each command, with the camera named by `camera`.
            func commands(_ camera: String) -> [[String]] {
                [
                    ["recordings", "--device", camera],
                    ["service", "--device", camera],
                    ["firmware", "--device", camera, "--sys-version", "1.x.4.12", "--app-version", "2.x.2.70"],
                    ["grants", "activate", "--grant-id", "\(grant)", "--device", camera],
                    ["device", "update", "--device", camera, "--product", device.productName],
                    ["backup", "--dry-run", "--archive", archive, "--device", camera],
                    ["export", "--device", camera, "--from", "2020-01-01 00:00", "--to", "2020-01-01 01:00", "--output", archive + "/x.mp4"],
                ]
            }
            let known = endpoint.cloud.configuration.account.devices.map { "\($0.name) (\($0.mac))" }.joined(separator: ", ")
            for command in commands("nowhere cam") {
                let result = try await CLIProcess.run(command, environment: env)
                #expect(result.status == 2, "\(command): \(result.stderr)")
                #expect(result.stderr == "ivy-archiver: no camera 'nowhere cam' on the account; there are: \(known)\n", "\(command): \(result.stderr)")
            }
            for (index, command) in commands(device.name.uppercased()).enumerated() {
                let byName = try await CLIProcess.run(command, environment: env)
                // The export's window holds nothing: refused as such, after the camera was found.
                if command[0] == "export" {
                    #expect(byName.status == 2 && byName.stderr.contains("\(device.name) recorded nothing"), "\(byName.stderr)")
                } else {
                    #expect(byName.status == 0, "\(command): \(byName.stderr)")
                }
                guard command[0] != "grants" else { continue }
                let byMAC = try await CLIProcess.run(commands(colons)[index], environment: env)
                #expect(byMAC.status == byName.status, "\(command) by \(colons): \(byMAC.stderr)")
            }
        }
    }
}
