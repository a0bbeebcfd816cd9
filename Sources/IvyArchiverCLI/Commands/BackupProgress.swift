import Foundation
import IvyArchive
import Synchronization
import IvyDomain

/// What a backup shows as it goes: one plain line per clip (what cron mails and logs keep) and,
/// on a terminal, a live line with devices, clips, bytes, rate and ETA.
final class BackupProgress: Sendable {
    private struct Tally {
        var devices = 0
        var devicesDone = 0
        var planned = 0
        var done = 0
        var bytes: Int64 = 0
    }

    private let display: ProgressLine
    private let tally = Mutex(Tally())
    private let started = ContinuousClock.now
    private let time: @Sendable (_ camera: CameraID, _ start: Int64) -> String

    /// `live`: draw the progress line (a terminal); `time` writes a clip's start for a person.
    init(live: Bool, time: @escaping @Sendable (_ camera: CameraID, _ start: Int64) -> String) {
        display = ProgressLine(enabled: live)
        self.time = time
    }

    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func handle(_ event: Backup.Event) {
        var line: String?
        tally.withLock { tally in
            switch event {
            case .planned(let device, let clips):
                tally.devices += 1
                tally.planned += clips
                line = "\(device): \(clips) new clip\(clips == 1 ? "" : "s")"
            case .archived(let path, let bytes):
                tally.done += 1
                tally.bytes += bytes
                line = "archived \(path) (\(ProgressLine.bytes(Int(bytes))))"
            case .failed(let device?, let start?, let reason):
                tally.done += 1
                line = "FAILED \(device) clip \(time(device, start)): \(reason)"
            case .failed(let device, _, let reason):
                tally.devices += 1
                tally.devicesDone += 1
                line = "FAILED \(device.map(\.description) ?? "the account's device list"): \(reason)"
            case .deviceFinished:
                tally.devicesDone += 1
            case .warning(let device, let start, let message):
                line = "WARNING \(device) clip \(time(device, start)) \(message)"
            case .partial(let path, let holes):
                line = "PARTIAL \(path): " + holes.map(\.description).joined(separator: "; ") + " (tried again next run)"
            case .pruned(let path):
                line = "pruned \(path)"
            case .retrying(let clips, let pause):
                tally.planned += clips
                line = "retrying \(clips) clip\(clips == 1 ? "" : "s") that failed on a transient cause (or came out partial) in \(pause.components.seconds) s"
            }
        }
        if let line {
            display.clear()
            Output.line(line)
        }
        let now = tally.withLock { $0 }
        let elapsed = max(0.001, elapsedSeconds)
        let rate = Double(now.bytes) / elapsed
        let eta = now.done > 0 ? Int(elapsed / Double(now.done) * Double(max(0, now.planned - now.done))) : 0
        display.show("devices \(now.devicesDone)/\(now.devices), clips \(now.done)/\(now.planned), \(ProgressLine.bytes(Int(now.bytes))), "
            + "\(ProgressLine.bytes(Int(rate)))/s, ETA \(eta / 60)m\(eta % 60)s")
    }

    func finish() {
        display.clear()
    }
}
