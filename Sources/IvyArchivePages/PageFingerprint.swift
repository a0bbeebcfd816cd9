import Crypto
import Foundation
import IvyArchive
import IvyDomain

/// What a page is drawn from, hashed (SHA-256): a page whose file was written from the same
/// inputs is not drawn again, so a nightly backup redraws the pages of the days it touched, not
/// a year of them.
enum PageFingerprint {
    /// Changes with the templates, so a new version of the tool redraws every page.
    static let templates = hex(PageTemplates.head + PageTemplates.bar + PageTemplates.legend + PageTemplates.camera + PageTemplates.day)
    /// Every template and asset: what the whole set of pages is drawn with (`ArchivePages.stamp`).
    static let allTemplates = hex(templates + PageTemplates.index + PageAssets.css + PageAssets.js)

    /// A day's page: its clips (files, thumbnails, codecs, errors), its coverage, its neighbours.
    static func day(_ day: ArchiveListing.Day, of pages: CameraPages, previous: ArchiveListing.Day?, next: ArchiveListing.Day?) -> String {
        var text = header(pages) + "|\(previous?.date ?? "")|\(next?.date ?? "")|" + row(day)
        for clip in day.clips {
            text += "|\(clip.file ?? "")|\(clip.file.flatMap(pages.thumbnail(of:)) ?? "")|\(clip.codecs?.description ?? "")|\(clip.lastError ?? "")"
        }
        return hex(text)
    }

    /// A month's page: the rows of its days.
    static func month(_ month: String, days: [ArchiveListing.Day], of pages: CameraPages) -> String {
        hex(header(pages) + "|" + month + days.map(row).joined(separator: "/"))
    }

    private static func header(_ pages: CameraPages) -> String {
        "\(templates)|\(pages.footer)|\(pages.camera.name)|\(pages.camera.id.mac)|\(pages.zone.identifier)"
    }

    /// What a day's row shows: its bar and its figures.
    private static func row(_ day: ArchiveListing.Day) -> String {
        var text = "\(day.date)|\(day.start)|\(day.end)|\(day.coverage.recorded)|\(day.coverage.archived)|"
        text += day.coverage.gaps.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
        for clip in day.clips {
            text += "|\(clip.start),\(clip.end),\(clip.type),\(clip.state.rawValue),\(clip.size ?? -1),\(clip.duration ?? -1),"
            text += clip.holes.map { "\($0.start):\($0.duration):\($0.unavailableReason ?? "")" }.joined(separator: ";")
        }
        return text
    }

    private static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef")
        return String(SHA256.hash(data: Data(text.utf8)).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
