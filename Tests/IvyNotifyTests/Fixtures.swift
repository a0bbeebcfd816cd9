import Foundation
import IvyArchive
import IvyHTTP
import IvyNotify
import IvyTestSupport

/// Secrets planted in the runs below: none may reach a notice.
let plantedSecrets = ["S3CR3T-SIGNATURE", "ACCESS-T0KEN-VALUE", "R3FRESH-T0KEN", "hunter2-password", "SECRET-PATH"]

let frontDoor = "00626E00AB01"
let garden = "00626E00AB02"
/// 2026-11-20T22:10:00Z.
let clipStart: Int64 = 1_795_212_600

/// A run's summary as the backup makes one; decoded, since its parts are made by the
/// archive alone. `failures`, `partial`, `expiring` and `lost` are clip starts.
func summary(archived: Int = 3, skipped: Int = 10, failures: [Int64] = [], failureReason: String = "HTTP 503, after 5 tries",
             partial: [Int64] = [], expiring: [Int64] = [], lost: [Int64] = [], unfinished: Int = 0, interrupted: Bool = false) throws -> Backup.Summary {
    func clip(_ start: Int64) -> [String: Any] { ["device": frontDoor, "start": start] }
    let json: [String: Any] = [
        "skipped": skipped,
        "failures": failures.map { clip($0).merging(["reason": failureReason]) { $1 } },
        "planned": [String](),
        "warnings": expiring.map { clip($0).merging(["message": "is still missing and the cloud deletes it in about 3 h", "kind": "expiring"]) { $1 } }
            + lost.map { clip($0).merging(["message": "was deleted by the cloud before it could be archived", "kind": "lost"]) { $1 } },
        "pruned": 0,
        "prunable": [String](),
        "partial": partial.map {
            clip($0).merging(["path": "Front_\(frontDoor)/2026-11-20/x.mp4",
                              "holes": [["start": 48.0, "duration": 12.0, "sequence": 12, "unavailableReason": "HTTP 404"]]]) { $1 }
        },
        "unfinished": unfinished,
        "interrupted": interrupted,
        "archivedClips": (0..<archived).map { index in
            ["device": garden, "start": clipStart + Int64(index) * 60, "path": "Garden_\(garden)/2026-11-20/\(index).mp4", "bytes": 1000]
        },
        "cameras": [["device": frontDoor, "name": "Front door", "skipped": skipped], ["device": garden, "name": "Garden", "skipped": 0]],
        "from": clipStart - 86_400,
        "to": clipStart + 3600,
    ]
    return try JSONDecoder().decode(Backup.Summary.self, from: JSONSerialization.data(withJSONObject: json))
}

let started = Date(timeIntervalSince1970: 1_795_230_900)
let finished = Date(timeIntervalSince1970: 1_795_232_530)

func runNotice(_ summary: Backup.Summary, exitCode: Int32? = nil, account: String = "me@example.com") -> Notice {
    let code = exitCode ?? (summary.failures.isEmpty && summary.partial.isEmpty && summary.unfinished == 0 ? 0 : 1)
    return Notice(account: account, summary: summary, exitCode: code, started: started, finished: finished, host: "nas")
}

/// Retries without a pause: a test never waits for a backoff.
func notifier(command: String? = nil, url: String? = nil, commandTimeout: Duration = .seconds(60),
              environment: [String: String] = ProcessInfo.processInfo.environment) -> Notifier {
    var tuning = Notifier.Tuning()
    tuning.retry = RetryPolicy(maxAttempts: 3, baseDelay: .zero, maxDelay: .zero)
    tuning.commandTimeout = commandTimeout
    tuning.urlTimeout = .seconds(20)
    tuning.environment = environment
    return Notifier(targets: .init(command: command, url: url), transport: sharedTransport, tuning: tuning, logger: quietLogger)
}

/// A fresh folder under the temporary one, removed by the caller.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "ivy-notify-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
