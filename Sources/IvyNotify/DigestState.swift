import Foundation
import IvyConcurrency

/// One account's runs since its last digest, in `FOLDER/notify-digest-<account>.json`:
/// `{"version": 1, "account": ..., "sinceUnix": ..., "pending": <a digest Notice or absent>}`.
/// Small whatever the number of runs (the pending digest's lists are bounded), and written
/// whole to a temporary file renamed over the old one, so a crash leaves one or the other.
struct DigestState: Codable, Equatable {
    var version = 1
    var account: String
    /// When the last digest went out (or the state began): Unix seconds.
    var sinceUnix: Int64
    /// The runs since, merged; `nil`: none yet.
    var pending: Notice?

    init(account: String, since: Date) {
        self.account = account
        sinceUnix = Int64(since.timeIntervalSince1970.rounded(.down))
    }

    var since: Date { Date(timeIntervalSince1970: Double(sinceUnix)) }

    /// The file of `account` in `folder`: its name keeps the account readable, any character
    /// that could leave the folder or trouble a shell made `_`.
    static func path(in folder: String, account: String) -> String {
        let safe = String(account.map { $0.isASCII && ($0.isLetter || $0.isNumber || "@.-_+".contains($0)) ? $0 : "_" })
        return (folder as NSString).appendingPathComponent("notify-digest-\(safe.hasPrefix(".") ? "_" + safe.dropFirst() : Substring(safe)).json")
    }

    /// The state in `path`; `nil` when there is no file yet.
    ///
    /// - Throws: `NotifyError.digestState` for a file that cannot be read or is no state.
    static func load(from path: String) async throws -> DigestState? {
        let data = try await BlockingThread.run(name: "ivy-notify-state") { _ -> Data? in
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do {
                return try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw NotifyError.digestState("cannot read \(path): \(error.localizedDescription)")
            }
        }
        guard let data else { return nil }
        do {
            return try JSONDecoder().decode(DigestState.self, from: data)
        } catch {
            throw NotifyError.digestState("\(path) is damaged (started again from this run)")
        }
    }

    /// - Throws: `NotifyError.digestState` naming the file and the cause.
    func save(to path: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        try await BlockingThread.run(name: "ivy-notify-state") { _ in
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw NotifyError.digestState("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}
