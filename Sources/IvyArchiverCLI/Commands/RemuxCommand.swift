import ArgumentParser
import Foundation
import IvyMedia

struct RemuxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remux", abstract: "Turn a local recording (MPEG-TS, fMP4, Matroska...) into a faststart MP4.",
        discussion: "Video is copied, never re-encoded; audio MP4 cannot hold (G.711, PCM) becomes AAC.\n\nExamples:\n  ivy-archiver remux recording.ts -o recording.mp4")

    @Argument(help: "The recording to read.") var input: String
    @Option(name: .shortAndLong, help: "The MP4 to write.") var output: String
    @Flag(name: .long, help: "Replace the output if it exists.") var force = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: input) else { throw UserError("\(input) does not exist") }
        try OutputFile.check(output, force: force)
        // Written under a temporary name of its own (never a file of the user's) and renamed when
        // complete: a failure leaves nothing.
        let folder = (output as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((output as NSString).lastPathComponent).\(UUID().uuidString).partial"
        do {
            let summary = try await Remuxer.remux(.file(input), to: temporary)
            try FileManager.default.moveItemReplacing(temporary, to: output)
            let audio = summary.transcodedFrom.map { "aac (from \($0))" } ?? summary.audio
            print("\(output): \([summary.video, audio].compactMap { $0 }.joined(separator: " + "))")
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

extension FileManager {
    /// `rename(2)`, which replaces an existing file atomically.
    func moveItemReplacing(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw UserError("cannot write \(destination): \(String(cString: strerror(errno)))") }
    }
}
