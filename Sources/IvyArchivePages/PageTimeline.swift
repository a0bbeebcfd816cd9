import Foundation
import IvyArchive
import IvyCloud
import IvyDomain

/// Where things sit on a day's 24-hour bar, in percent of the day (a DST day has 23 or 25
/// hours: positions are shares of the day's real length).
struct PageTimeline {
    let day: ArchiveListing.Day
    let zone: TimeZone

    /// One bar piece: a clip (in its lane) or a gap.
    struct Piece {
        var left: String
        var width: String
        var type: String
        var state: String
        var lane: String
        var label: String
        /// The clip's index on its day's page, for the page's script to play it; `nil` for a gap
        /// and on the overview pages.
        var clip: String?
        /// Where a click goes: the clip's card on its day's page, or from an overview that page
        /// playing it (`DAY.html#play-clip-N`).
        var link: String?
    }

    struct Tick {
        var left: String
        var label: String
    }

    private var length: Double { Double(day.end - day.start) }

    func percent(_ unix: Double) -> Double {
        min(100, max(0, (unix - Double(day.start)) / length * 100))
    }

    /// `4.000`: three decimals, as `%.3f` writes them, without `String(format:)`'s cost on
    /// every piece of a year of pages.
    static func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Continuous recordings in the upper lane, events in the lower, so an event inside a
    /// continuous stretch stays visible. `dayPage`: the day's page the pieces link to from an
    /// overview; `nil` on the day's own page.
    func clipPieces(_ clips: [Catalog.Clip], dayPage: String? = nil, label: (Catalog.Clip) -> String) -> [Piece] {
        clips.enumerated().map { index, clip in
            let left = percent(Double(clip.start))
            let right = percent(Double(clip.end))
            let type = RecordType(rawValue: clip.type)
            return Piece(left: Self.format(left), width: Self.format(max(0, right - left)), type: PageTimeline.typeClass(type),
                         state: clip.state.rawValue, lane: type == .continuous ? "continuous" : "events", label: label(clip),
                         clip: dayPage == nil ? String(index) : nil, link: dayPage.map { "\($0)#play-clip-\(index)" } ?? "#clip-\(index)")
        }
    }

    func gapPieces(_ gaps: [ArchiveListing.Span]) -> [Piece] {
        gaps.map { gap in
            let left = percent(gap.start)
            let label = "no recording \(PageText.clock(gap.start, zone)) to \(PageText.clock(gap.end, zone)) (\(PageText.duration(gap.duration)))"
            return Piece(left: Self.format(left), width: Self.format(percent(gap.end) - left), type: "gap", state: "gap", lane: "gap",
                         label: label, clip: nil, link: nil)
        }
    }

    /// Every third local hour.
    var ticks: [Tick] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = Date(timeIntervalSince1970: Double(day.start))
        return stride(from: 0, through: 21, by: 3).compactMap { hour in
            guard let date = calendar.date(byAdding: .hour, value: hour, to: start) else { return nil }
            let local = calendar.component(.hour, from: date)
            return Tick(left: Self.format(percent(date.timeIntervalSince1970)), label: String(format: "%02d:00", local))
        }
    }

    /// A CSS class for a recording type: the common ones coloured apart, other events alike.
    static func typeClass(_ type: RecordType) -> String {
        switch type {
        case .continuous, .timer: "continuous"
        case .motion: "motion"
        case .human, .face: "human"
        case .sound: "sound"
        default: "event"
        }
    }
}
