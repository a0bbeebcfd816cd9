import Foundation
import IvyArchive
import IvyCloud
import IvyDomain

/// The pages of one camera as values for the templates: its days as rows, and each day's page.
/// Links are relative: a day page sits three folders below the archive's root
/// (`.ivy-archiver/pages/MAC/`).
struct CameraPages {
    let camera: ArchiveListing.Camera
    let folder: ArchiveFolder
    let footer: String

    /// From a camera's folder of pages to the archive's root.
    static let root = "../../.."

    var zone: TimeZone { camera.timeZone }

    var cameraFacts: String {
        let days = camera.days.count
        return "\(days) day\(days == 1 ? "" : "s") · \(camera.clipCount) clip\(camera.clipCount == 1 ? "" : "s") · \(PageText.bytes(camera.bytes))"
    }

    /// The camera's days by month (`YYYY-MM`), newest first.
    var months: [(month: String, days: [ArchiveListing.Day])] {
        Dictionary(grouping: camera.days) { String($0.date.prefix(7)) }.map { ($0.key, $0.value) }.sorted { $0.month > $1.month }
    }

    /// Its last days, and a line per month.
    func cameraPage(recent: [DayRow], months: [MonthRow]) -> CameraPage {
        CameraPage(title: "\(camera.name) · IvyArchiver", assets: "..", root: Self.root, name: camera.name, mac: camera.id.description,
                   zone: zone.identifier, facts: cameraFacts, month: nil, daysTitle: "Last days", days: recent,
                   hasMonths: !months.isEmpty, months: months, legend: Self.legend, footer: footer)
    }

    func monthPage(_ month: String, days: [ArchiveListing.Day]) -> CameraPage {
        CameraPage(title: "\(camera.name) · \(month) · IvyArchiver", assets: "..", root: Self.root, name: camera.name, mac: camera.id.description,
                   zone: zone.identifier, facts: Self.facts(of: days), month: month, daysTitle: nil,
                   days: days.reversed().map { row($0, href: "\($0.date).html") }, hasMonths: false, months: [], legend: Self.legend, footer: footer)
    }

    func monthRow(_ month: String, days: [ArchiveListing.Day]) -> MonthRow {
        MonthRow(label: month, href: "\(month).html", facts: Self.facts(of: days), warnings: warnings(days.flatMap(\.clips)))
    }

    /// `30 days · 452 clips · 12.1 GB`.
    static func facts(of days: [ArchiveListing.Day]) -> String {
        let clips = days.reduce(0) { $0 + $1.clips.count }
        return "\(days.count) day\(days.count == 1 ? "" : "s") · \(clips) clip\(clips == 1 ? "" : "s") · \(PageText.bytes(days.reduce(0) { $0 + $1.bytes }))"
    }

    func row(_ day: ArchiveListing.Day, href: String) -> DayRow {
        let timeline = PageTimeline(day: day, zone: zone)
        return DayRow(date: day.date, href: href, pieces: timeline.gapPieces(day.coverage.gaps) + timeline.clipPieces(day.clips, dayPage: href, label: label),
                      facts: dayFacts(day), warnings: warnings(day.clips))
    }

    func dayPage(_ day: ArchiveListing.Day, previous: ArchiveListing.Day?, next: ArchiveListing.Day?) -> DayPage {
        let timeline = PageTimeline(day: day, zone: zone)
        let facts = dayFacts(day) + (warnings(day.clips).map { " · " + $0 } ?? "")
        return DayPage(title: "\(camera.name) · \(day.date) · IvyArchiver", assets: "..", root: Self.root, name: camera.name,
                       mac: camera.id.description, date: day.date, zone: zone.identifier, facts: facts,
                       previous: previous.map { PageLink(href: "\($0.date).html", label: $0.date) },
                       next: next.map { PageLink(href: "\($0.date).html", label: $0.date) },
                       ticks: timeline.ticks, pieces: timeline.gapPieces(day.coverage.gaps) + timeline.clipPieces(day.clips, label: label),
                       legend: Self.legend, clips: day.clips.enumerated().map { card($1, index: $0) }, footer: footer)
    }

    func card(_ clip: Catalog.Clip, index: Int) -> ClipCard {
        let type = RecordType(rawValue: clip.type)
        let held = ClipState.withFile.contains(clip.state)
        let file = held ? clip.file : nil
        return ClipCard(
            id: String(index), start: RecordingTime(clip.start).iso8601(in: zone), end: RecordingTime(clip.end).iso8601(in: zone),
            startClock: PageText.clock(Double(clip.start), zone), endClock: PageText.clock(Double(clip.end), zone),
            type: PageTimeline.typeClass(type), typeName: type.name, state: clip.state.rawValue, stateName: Self.stateName(clip.state),
            badge: clip.state == .archived ? nil : Self.stateName(clip.state),
            length: PageText.duration(clip.duration ?? Double(clip.end - clip.start)), size: held ? clip.size.map(PageText.bytes) : nil,
            codecs: clip.codecs.map { [$0.video, $0.audio].compactMap { $0 }.joined(separator: " + ") }.flatMap { $0.isEmpty ? nil : $0 },
            video: clip.codecs?.video ?? "", href: file.map { PageText.href(Self.root + "/" + $0) },
            fileName: file.map { ($0 as NSString).lastPathComponent },
            thumb: file.flatMap { thumbnail(of: $0) }.map { PageText.href(Self.root + "/" + $0) }, note: note(clip))
    }

    /// The thumbnail of the newest clip that has one, relative to the archive's root.
    func latestThumbnail() -> String? {
        for day in camera.days.reversed() {
            for clip in day.clips.reversed() where ClipState.withFile.contains(clip.state) {
                if let file = clip.file, let thumb = thumbnail(of: file) { return PageText.href(thumb) }
            }
        }
        return nil
    }

    /// The clip's thumbnail, archive-relative, when it exists.
    func thumbnail(of file: String) -> String? {
        let relative = ArchiveThumbnails(folder: folder).relativePath(forClipFile: file)
        return FileManager.default.fileExists(atPath: folder.root + "/" + relative) ? relative : nil
    }

    func label(_ clip: Catalog.Clip) -> String {
        "\(PageText.clock(Double(clip.start), zone))–\(PageText.clock(Double(clip.end), zone)) \(RecordType(rawValue: clip.type).name), "
            + Self.stateName(clip.state)
    }

    func dayFacts(_ day: ArchiveListing.Day) -> String {
        let coverage = day.coverage
        var facts = "\(day.clips.count) clip\(day.clips.count == 1 ? "" : "s") · \(PageText.duration(coverage.recorded)) recorded"
        if abs(coverage.archived - coverage.recorded) >= 1 { facts += ", \(PageText.duration(coverage.archived)) archived" }
        facts += " · \(PageText.bytes(day.bytes))"
        facts += coverage.gaps.isEmpty ? " · no gaps" : " · \(coverage.gaps.count) gap\(coverage.gaps.count == 1 ? "" : "s")"
        return facts
    }

    /// What a person should notice: clips that are not whole in the archive.
    func warnings(_ clips: [Catalog.Clip]) -> String? {
        let parts = [ClipState.partial, .lost, .failed, .seen].compactMap { state in
            let count = clips.filter { $0.state == state }.count
            return count > 0 ? "\(count) \(Self.stateName(state))" : nil
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    func note(_ clip: Catalog.Clip) -> String? {
        switch clip.state {
        case .partial:
            let missing = clip.holes.filter { $0.unavailableReason != nil }.reduce(0) { $0 + $1.duration }
            return "\(PageText.duration(missing)) missing: the cloud did not give every segment"
        case .archived where clip.holes.contains { $0.unavailableReason == nil }:
            let gaps = clip.holes.filter { $0.unavailableReason == nil }.reduce(0) { $0 + $1.duration }
            return "\(PageText.duration(gaps)) without picture: the camera recorded none there"
        case .lost: return "Never archived; the cloud no longer holds it"
        case .failed: return "Not archived yet: " + (clip.lastError ?? "the last try failed")
        case .seen: return "Not archived yet"
        case .pruned: return "Deleted by keep_days"
        case .archived: return nil
        }
    }

    static func stateName(_ state: ClipState) -> String {
        switch state {
        case .seen: "not fetched yet"
        case .archived: "archived"
        case .failed: "failed"
        case .pruned: "pruned"
        case .lost: "lost"
        case .partial: "partial"
        }
    }

    static let legend: [LegendItem] = [
        LegendItem(type: "continuous", state: "archived", label: "continuous"),
        LegendItem(type: "motion", state: "archived", label: "motion"),
        LegendItem(type: "human", state: "archived", label: "human, face"),
        LegendItem(type: "sound", state: "archived", label: "sound"),
        LegendItem(type: "event", state: "archived", label: "other events"),
        LegendItem(type: "motion", state: "partial", label: "partial"),
        LegendItem(type: "event", state: "lost", label: "lost"),
        LegendItem(type: "event", state: "failed", label: "not archived yet"),
        LegendItem(type: "motion", state: "pruned", label: "pruned (keep_days)"),
        LegendItem(type: "gap", state: "gap", label: "no recording"),
    ]
}
