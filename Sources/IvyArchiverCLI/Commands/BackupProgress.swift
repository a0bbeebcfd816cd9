import Foundation
import IvyArchive
import IvyHTTP
import Synchronization
import IvyDomain

/// What a backup shows as it goes: one plain line per clip (what cron mails and logs keep;
/// with `--quiet` only failures, partial clips and warnings) and, on a terminal, a live line
/// with cameras, clips, bytes, rate and ETA, redrawn twice a second while clips download.
final class BackupProgress: Sendable {
    private struct Tally {
        var devices = 0
        var devicesDone = 0
        var listing: String?
        var planned = 0
        var done = 0
        /// Bytes of the clips archived.
        var bytes: Int64 = 0
        /// Bytes received (from the network) when the last clip ended.
        var receivedAtDone: Int64 = 0
        /// (instant, bytes received) of the last few seconds, for the rate.
        var samples: [(ContinuousClock.Instant, Int64)] = []
    }

    private let display: ProgressLine
    private let quiet: Bool
    private let tally = Mutex(Tally())
    private let started = ContinuousClock.now
    private let received: @Sendable () -> Int64
    private let baseline: Int64
    private let time: @Sendable (_ camera: CameraID, _ start: Int64) -> String

    /// `live`: draw the progress line (a terminal); `received`: the bytes the transport has
    /// received so far; `time` writes a clip's start for a person.
    init(live: Bool, quiet: Bool, received: @escaping @Sendable () -> Int64,
         time: @escaping @Sendable (_ camera: CameraID, _ start: Int64) -> String) {
        display = ProgressLine(enabled: live && !quiet)
        self.quiet = quiet
        self.received = received
        baseline = received()
        self.time = time
        display.start { [weak self] in self?.render() ?? "" }
    }

    var elapsedSeconds: Double {
        (ContinuousClock.now - started).inSeconds
    }

    func handle(_ event: Backup.Event) {
        var line: String?
        var important = false
        let receivedNow = received() - baseline
        tally.withLock { tally in
            switch event {
            case .archived, .partial, .failed(_?, _?, _): tally.receivedAtDone = receivedNow
            default: break
            }
            switch event {
            case .listing(_, let name, let index, let count):
                tally.listing = "listing \(name)'s clips (camera \(index + 1) of \(count))"
            case .planned(let device, let clips):
                tally.devices += 1
                tally.planned += clips
                tally.listing = nil
                line = "\(device): \(clips) new clip\(clips == 1 ? "" : "s")"
            case .archived(let path, let bytes):
                tally.done += 1
                tally.bytes += bytes
                line = "archived \(path) (\(ProgressLine.bytes(Int(bytes))))"
            case .failed(let device?, let start?, let reason):
                tally.done += 1
                line = "FAILED \(device) clip \(time(device, start)): \(reason)"
                important = true
            case .failed(let device, _, let reason):
                tally.devices += 1
                tally.devicesDone += 1
                line = "FAILED \(device.map(\.description) ?? "the account's device list"): \(reason)"
                important = true
            case .deviceFinished:
                tally.devicesDone += 1
            case .warning(let device, let start, let message):
                line = "WARNING \(device) clip \(time(device, start)) \(message)"
                important = true
            case .partial(let path, let bytes, let holes):
                tally.done += 1
                tally.bytes += bytes
                line = "PARTIAL \(path) (\(ProgressLine.bytes(Int(bytes)))): " + Self.holes(holes) + "; the rest is archived, the clip is tried again"
                important = true
            case .pruned(let path):
                line = "pruned \(path)"
            case .retrying(let clips, let pause):
                tally.planned += clips
                line = "retrying \(clips) clip\(clips == 1 ? "" : "s") that failed on a transient cause (or came out partial) in \(pause.components.seconds) s"
                important = true
            }
        }
        if let line, important || !quiet {
            display.erase()
            Output.line(line)
        }
        display.refresh()
    }

    /// `cameras 2/5, clips 7/20, 41.2 MB, 3.1 MB/s, ETA 1m05s`, or what is being listed.
    private func render() -> String {
        let now = ContinuousClock.now
        let bytes = received() - baseline
        let state = tally.withLock { tally -> Tally in
            tally.samples.append((now, bytes))
            tally.samples.removeAll { now - $0.0 > .seconds(5) }
            return tally
        }
        if let listing = state.listing { return listing + ", \(state.planned) new clips so far" }
        var rate = 0.0
        if let first = state.samples.first, first.0 < now {
            rate = Double(bytes - first.1) / (now - first.0).inSeconds
        }
        var text = "cameras \(state.devicesDone)/\(state.devices), clips \(state.done)/\(state.planned), "
            + "\(ProgressLine.bytes(Int(bytes))), \(ProgressLine.bytes(Int(rate)))/s"
        // Remaining bytes, all counted as the network carries them (an archived MP4 is smaller
        // than its segments): the clips left at what each clip done took, less what has
        // arrived since the last one ended. Clips overlap, so the average runs a little high.
        if state.done > 0, state.planned > state.done, rate > 0 {
            let average = Double(state.receivedAtDone) / Double(state.done)
            let left = max(0, average * Double(state.planned - state.done) - Double(bytes - state.receivedAtDone))
            text += ", ETA " + ProgressLine.duration(Int(left / rate))
        }
        return text
    }

    /// The holes of a partial clip, each reason said once: `0-4 s, 8-12 s missing (the AES key
    /// of segment 0 failed: HTTP 503)`.
    static func holes(_ holes: [ClipHole]) -> String {
        var groups: [(reason: String?, holes: [ClipHole])] = []
        for hole in holes {
            if let index = groups.firstIndex(where: { $0.reason == hole.unavailableReason }) {
                groups[index].holes.append(hole)
            } else {
                groups.append((hole.unavailableReason, [hole]))
            }
        }
        return groups.map { group in
            guard group.holes.count > 1, !group.holes.contains(where: { $0.sequence == ClipHole.unknownPlace }) else {
                return group.holes.map(\.description).joined(separator: "; ")
            }
            func seconds(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value) }
            let spans = group.holes.map { "\(seconds($0.start))-\(seconds($0.start + $0.duration)) s" }.joined(separator: ", ")
            return spans + (group.reason.map { " missing (\($0))" } ?? " gaps in the recording")
        }.joined(separator: "; ")
    }

    func finish() {
        display.clear()
    }
}
