import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// Help that shows how, numbers that are checked, and errors in one line.
@Suite struct HelpTests {
    static let commands: [[String]] = [
        [], ["devices"], ["recordings"], ["service"], ["firmware"], ["init"], ["backup"], ["verify"], ["config"], ["config", "check"],
        ["catalog"], ["catalog", "rebuild"], ["export"], ["device"], ["device", "add"], ["device", "update"], ["device", "remove"],
        ["device", "unbind"], ["grants"], ["grants", "list"], ["grants", "activate"], ["time"], ["fetch"], ["remux"], ["sandbox"],
    ]

    @Test(arguments: commands)
    func everyCommandsHelpHasExamplesOfItself(_ command: [String]) async throws {
        let result = try await CLIProcess.run(command + ["--help"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "Examples:"), "\(command): \(result.stdout)")
        let examples = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!examples.isEmpty)
        let name = (["ivy-archiver"] + command).joined(separator: " ")
        #expect(examples.contains { $0.hasPrefix(name) || $0.contains(" " + name) }, "\(command): \(examples)")
        if result.stdout.contains("--api-url") {
            // The command's own options first, the global ones under their own heading after.
            let global = try #require(result.stdout.range(of: "\nGLOBAL OPTIONS:\n"), "\(command)")
            let own = try #require(result.stdout.range(of: "\nOPTIONS:\n"), "\(command)")
            #expect(own.lowerBound < global.lowerBound, "\(command): \(result.stdout)")
        }
    }

    @Test(arguments: [
        (["export", "--device", "x", "--from", "2026-11-25 14:00", "--to", "2026-11-25 15:00", "-o", "/tmp/x.mp4", "--max-hours", "inf"], "'--max-hours <max-hours>': takes a number above 0"),
        (["export", "--device", "x", "--from", "2026-11-25 14:00", "--to", "2026-11-25 15:00", "-o", "/tmp/x.mp4", "--max-hours", "-1"], "'--max-hours <max-hours>': takes a number above 0"),
        (["export", "--device", "x", "--from", "2026-11-25 14:00", "--to", "2026-11-25 15:00", "-o", "/tmp/x.mp4", "--max-hours", "nan"], "'--max-hours <max-hours>': takes a number above 0"),
        (["backup", "--jobs", "-5"], "'--jobs <jobs>': takes a whole number from 1 to 16"),
        (["backup", "--jobs", "1e3"], "'--jobs <jobs>': takes a whole number from 1 to 16"),
        (["backup", "--segment-jobs", "0"], "'--segment-jobs <segment-jobs>': takes a whole number from 1 to 64"),
        (["backup", "--max-connections", "100"], "'--max-connections <max-connections>': takes a whole number from 1 to 64"),
        (["backup", "--segment-jobs", "40", "--max-connections", "8"], "--segment-jobs fixes the downloads at once and --max-connections bounds how many are found: give one of them"),
        (["backup", "--keep-days", "-3"], "'--keep-days <keep-days>': takes a whole number from 1 to 36500"),
        (["backup", "--keep-days", "1.5"], "'--keep-days <keep-days>': takes a whole number from 1 to 36500"),
        (["fetch", "http://127.0.0.1:1/a.m3u8", "-o", "/tmp/x.mp4", "--jobs", "99999999999999999999"], "'--jobs <jobs>': takes a whole number from 1 to 64"),
        (["backup", "--max-rate", "2X"], "'--max-rate <max-rate>': takes bytes per second from 1K up"),
        (["backup", "--max-rate", "512"], "'--max-rate <max-rate>': takes bytes per second from 1K up"),
        (["fetch", "http://127.0.0.1:1/a.m3u8", "-o", "/tmp/x.mp4", "--max-rate", "-2M"], "'--max-rate <max-rate>': takes bytes per second"),
        (["sandbox", "--port", "70000"], "'--port <port>': takes a whole number from 0 to 65535"),
        (["sandbox", "--failure-rate", "-0.5"], "'--failure-rate <failure-rate>': takes a number from 0 to 1"),
        (["sandbox", "--latency-ms", "-1"], "'--latency-ms <latency-ms>': takes a whole number from 0 to 60000"),
    ] as [([String], String)])
    func aNumberOutOfRangeIsRefusedInOneLine(_ arguments: [String], _ message: String) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(message) && result.stderr.hasSuffix("(see --help)\n"), "\(result.stderr)")
    }

    @Test(arguments: [["-V"], ["--version"]])
    func theVersionIsOneLine(_ arguments: [String]) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ivy-archiver 0.2.0 ("), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func aBusySandboxPortIsNamedInOneLine() async throws {
        try await withSandbox { endpoint, _ in
            let result = try await CLIProcess.run(["sandbox", "--port", "\(endpoint.port)"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr == "ivy-archiver: port \(endpoint.port) is in use on 127.0.0.1; try --port 0 (a free port)\n", "\(result.stderr)")
        }
    }
}
