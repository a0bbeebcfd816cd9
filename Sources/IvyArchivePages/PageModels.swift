import Foundation

// What each template is given: plain values, already formatted, so the templates hold no
// logic (Mustache is logic-less by design) and every string is HTML-escaped by `{{ }}`.

struct PageLink {
    var href: String
    var label: String
}

struct LegendItem {
    var type: String
    var state: String
    var label: String
}

/// `ARCHIVE/index.html`.
struct IndexPage {
    var title = "Camera archive"
    var assets: String
    var facts: String
    var cameras: [CameraCard]

    init(assets: String, facts: String, cards: [CameraCard], footer: String) {
        self.assets = assets
        self.facts = facts
        self.cameras = cards
        self.footer = footer
        self.empty = cards.isEmpty
    }
    var footer: String
    var empty: Bool
}

struct CameraCard {
    var name: String
    var mac: String
    var zone: String
    var href: String
    var facts: String
    var thumb: String?
    var recent: [DayRow]
    var more: String?
}

/// `.ivy-archiver/pages/MAC/index.html` (a camera's last days and its months) and
/// `.ivy-archiver/pages/MAC/YYYY-MM.html` (a month's days, `month` set).
struct CameraPage {
    var title: String
    var assets: String
    var root: String
    var name: String
    var mac: String
    var zone: String
    var facts: String
    var month: String?
    var daysTitle: String?
    var days: [DayRow]
    var hasMonths: Bool
    var months: [MonthRow]
    var legend: [LegendItem]
    var footer: String
}

/// A month on its camera's page.
struct MonthRow {
    var label: String
    var href: String
    var facts: String
    var warnings: String?
}

/// A day as one line: its date, a small bar and its figures.
struct DayRow {
    var date: String
    var href: String
    var pieces: [PageTimeline.Piece]
    var facts: String
    var warnings: String?
}

/// `.ivy-archiver/pages/MAC/YYYY-MM-DD.html`: one camera's day.
struct DayPage {
    var title: String
    var assets: String
    var root: String
    var name: String
    var mac: String
    var date: String
    var zone: String
    var facts: String
    var previous: PageLink?
    var next: PageLink?
    var ticks: [PageTimeline.Tick]
    var pieces: [PageTimeline.Piece]
    var legend: [LegendItem]
    var clips: [ClipCard]
    var footer: String
}

/// One clip on its day's page.
struct ClipCard {
    var id: String
    /// ISO 8601 with the camera's offset.
    var start: String
    var end: String
    var startClock: String
    var endClock: String
    var type: String
    var typeName: String
    var state: String
    var stateName: String
    /// The state, shown when the clip is not simply archived.
    var badge: String?
    var length: String
    var size: String?
    var codecs: String?
    /// The video codec as FFmpeg names it (`h264`, `hevc`): the page asks the browser whether
    /// it can play it.
    var video: String
    var href: String?
    var fileName: String?
    var thumb: String?
    var note: String?
}
