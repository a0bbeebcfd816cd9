import Foundation
import IvyArchive
import IvyCloud
import IvyDomain

/// `ls` for people: a line per camera, one per day under it, and with `--clips` one per clip.
struct ListingText {
    let listing: ArchiveListing

    init(_ listing: ArchiveListing) { self.listing = listing }

    /// `filtered`: whether the query narrowed the listing (an empty one then says so).
    func lines(clips: Bool, filtered: Bool) -> [String] {
        guard !listing.cameras.isEmpty else { return [filtered ? "no clips match" : "the archive holds no clips yet"] }
        var lines: [String] = []
        for camera in listing.cameras {
            let days = camera.days.count
            lines.append("\(camera.name) (\(camera.id)), \(camera.timeZone.identifier): \(days) day\(days == 1 ? "" : "s"), "
                         + "\(camera.clipCount) clip\(camera.clipCount == 1 ? "" : "s"), \(ProgressLine.bytes(Int(camera.bytes)))")
            for day in camera.days {
                lines.append("  " + dayLine(day, zone: camera.timeZone))
                if clips { lines += day.clips.map { "    " + clipLine($0, zone: camera.timeZone) } }
            }
        }
        return lines
    }

    /// `2026-11-27  48 clips  23h58m recorded, 23h51m archived  612.3 MB  2 partial  gaps: 2, longest 1h02m at 03:10`
    func dayLine(_ day: ArchiveListing.Day, zone: TimeZone) -> String {
        let coverage = day.coverage
        // The first columns padded, so days line up under each other.
        var parts = [day.date, "\(day.clips.count) clip\(day.clips.count == 1 ? "" : "s")".padding(toLength: 9, withPad: " ", startingAt: 0)]
        let recorded = HumanReadable.duration(coverage.recorded)
        let held = abs(coverage.archived - coverage.recorded) < 1 ? "\(recorded) recorded, all archived"
            : "\(recorded) recorded, \(HumanReadable.duration(coverage.archived)) archived"
        parts.append(held.padding(toLength: max(held.count, 33), withPad: " ", startingAt: 0))
        parts.append(HumanReadable.bytes(day.bytes).padding(toLength: 8, withPad: " ", startingAt: 0))
        let states = [ClipState.partial, .failed, .seen, .lost, .pruned].compactMap { state in
            day.count(state) > 0 ? "\(day.count(state)) \(state == .seen ? "not fetched yet" : state.rawValue)" : nil
        }
        if !states.isEmpty { parts.append(states.joined(separator: ", ")) }
        if let longest = coverage.gaps.max(by: { $0.duration < $1.duration }) {
            let at = RecordingTime(unix: longest.start).wallClock(in: zone).suffix(8).prefix(5)
            parts.append("gaps: \(coverage.gaps.count), longest \(ProgressLine.duration(Int(longest.duration.rounded()))) at \(at)")
        } else {
            parts.append("no gaps")
        }
        return parts.joined(separator: "  ")
    }

    /// `14:03:12-14:03:52  motion      archived  40s  5.1 MB  Front_Door_00626E8A1B01/2026-11-27/140312-140352_motion.mp4`
    func clipLine(_ clip: Catalog.Clip, zone: TimeZone) -> String {
        let start = RecordingTime(clip.start).wallClock(in: zone).suffix(8)
        let end = RecordingTime(clip.end).wallClock(in: zone).suffix(8)
        let length = ProgressLine.duration(Int((clip.duration ?? Double(clip.end - clip.start)).rounded()))
        let size = ClipState.withFile.contains(clip.state) ? ProgressLine.bytes(Int(clip.size ?? 0)) : "-"
        var line = "\(start)-\(end)  \(RecordType(rawValue: clip.type).name.padding(toLength: 16, withPad: " ", startingAt: 0))  "
            + "\(clip.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(length.padding(toLength: 6, withPad: " ", startingAt: 0))  "
            + "\(size.padding(toLength: 8, withPad: " ", startingAt: 0))"
        if let file = clip.file, ClipState.withFile.contains(clip.state) { line += "  " + file }
        let missing = clip.holes.filter { $0.unavailableReason != nil }.reduce(0) { $0 + $1.duration }
        let gaps = clip.holes.filter { $0.unavailableReason == nil }.reduce(0) { $0 + $1.duration }
        if missing > 0 { line += "  (missing \(HumanReadable.duration(missing)): the cloud did not give every segment)" }
        if gaps > 0 { line += "  (\(HumanReadable.duration(gaps)) without media: the camera recorded none there)" }
        if [.failed].contains(clip.state), let error = clip.lastError { line += "  " + error }
        return line
    }
}
