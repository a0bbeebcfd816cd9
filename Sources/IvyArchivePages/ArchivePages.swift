public import Foundation
public import IvyArchive
import IvyCloud
import IvyDomain
import Mustache

/// The archive's pages: `ARCHIVE/index.html` (every camera, its last days), and under
/// `ARCHIVE/.ivy-archiver/pages/` one page per camera (its last days and its months), one per
/// camera and month (its days) and one per camera and day (a 24-hour bar in the camera's time zone, clips coloured by type, gaps, partial and
/// lost clips marked, thumbnails, a player). Static HTML with relative links: opened straight
/// from the disk, with no server and nothing fetched from elsewhere.
public struct ArchivePages: Sendable {
    public let folder: ArchiveFolder
    /// Shown in each page's footer (`0.2.0 (commit cc7e604)`).
    public let toolVersion: String
    /// Days shown per camera on the archive's first page.
    public var recentDays = 7

    public init(folder: ArchiveFolder, toolVersion: String) {
        self.folder = folder
        self.toolVersion = toolVersion
    }

    /// What `write` did, in files.
    public struct Result: Sendable, Equatable {
        public var written = 0
        public var unchanged = 0
        public var removed = 0
        /// `ARCHIVE/index.html`.
        public var index: String
    }

    /// `ARCHIVE/.ivy-archiver/pages`.
    public var pagesFolder: String { folder.state + "/pages" }
    public var indexPath: String { folder.root + "/index.html" }

    /// Writes every page of `listing` (read with no filter: a page per day it holds), each
    /// only when its text changed, and removes the pages of days and cameras no longer there.
    /// `stamp` (`stamp(generation:zones:)`) says what the listing was read from: written last,
    /// once every page is, so that `areDrawn(from:)` never trusts pages half-drawn.
    ///
    /// - Throws: file system errors (a full disk, a read-only archive).
    public func write(_ listing: ArchiveListing, now: Date = Date(), stamp: String? = nil) throws -> Result {
        let library = try PageTemplates.library()
        // Whatever happens below, the pages are no longer those the old stamp describes.
        if FileManager.default.fileExists(atPath: stampPath) { try FileManager.default.removeItem(atPath: stampPath) }
        var files = PageFiles(folder: pagesFolder)
        // No time in the pages below the index: a day that did not change is not rewritten.
        let footer = "Made by IvyArchiver \(toolVersion). Times are the camera's local time."
        try files.put("archive.css", PageAssets.css)
        try files.put("archive.js", PageAssets.js)
        var cards: [CameraCard] = []
        for camera in listing.cameras {
            let pages = CameraPages(camera: camera, folder: folder, footer: footer)
            for (index, day) in camera.days.enumerated() {
                let previous = index > 0 ? camera.days[index - 1] : nil, next = index + 1 < camera.days.count ? camera.days[index + 1] : nil
                try files.put("\(camera.id.mac)/\(day.date).html", fingerprint: PageFingerprint.day(day, of: pages, previous: previous, next: next)) {
                    try render(library, pages.dayPage(day, previous: previous, next: next), "day")
                }
            }
            var months: [MonthRow] = []
            for (month, days) in pages.months {
                try files.put("\(camera.id.mac)/\(month).html", fingerprint: PageFingerprint.month(month, days: days, of: pages)) {
                    try render(library, pages.monthPage(month, days: days), "camera")
                }
                months.append(pages.monthRow(month, days: days))
            }
            let recentRows = camera.days.suffix(recentDays).reversed().map { pages.row($0, href: "\($0.date).html") }
            try files.put("\(camera.id.mac)/index.html", render(library, pages.cameraPage(recent: recentRows, months: months), "camera"))
            let base = ".ivy-archiver/pages/\(camera.id.mac)/"
            let recent = camera.days.suffix(recentDays).reversed().map { pages.row($0, href: base + "\($0.date).html") }
            cards.append(CameraCard(name: camera.name, mac: camera.id.description, zone: camera.timeZone.identifier, href: base + "index.html",
                                    facts: pages.cameraFacts, thumb: pages.latestThumbnail(), recent: recent,
                                    more: camera.days.count > recentDays ? "All \(camera.days.count) days, by month ›" : nil))
        }
        let clips = listing.cameras.reduce(0) { $0 + $1.clipCount }
        let bytes = listing.cameras.reduce(Int64(0)) { $0 + $1.bytes }
        let facts = "\(listing.cameras.count) camera\(listing.cameras.count == 1 ? "" : "s") · \(clips) clip\(clips == 1 ? "" : "s") · \(PageText.bytes(bytes))"
        let updated = "Updated \(RecordingTime(unix: now.timeIntervalSince1970).wallClock(in: .current)) by IvyArchiver \(toolVersion)."
        let index = IndexPage(assets: ".ivy-archiver/pages", facts: facts, cards: cards, footer: updated)
        var result = try files.finish()
        result.index = indexPath
        if try PageFiles.writeIfChanged(indexPath, render(library, index, "index")) { result.written += 1 } else { result.unchanged += 1 }
        if let stamp { _ = try PageFiles.writeIfChanged(stampPath, stamp) }
        return result
    }

    private func render(_ library: MustacheLibrary, _ page: Any, _ template: String) throws -> String {
        guard let text = library.render(page, withTemplate: template) else { throw PagesError("no page template '\(template)'") }
        return text
    }
}

/// A page could not be made.
public struct PagesError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
