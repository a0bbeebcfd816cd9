import Foundation
import IvyArchive
@testable import IvyArchivePages
import Mustache
import IvyDomain
import IvyTestSupport
import Testing

/// The archive's pages as files: what each holds, that every link stays inside the archive and
/// resolves, that names are escaped, and that a rewrite touches only what changed.
@Suite struct ArchivePagesTests {
    static let now = Date(timeIntervalSince1970: Double(ListedArchive.nextDay + 86_400 * 30))

    func write(_ folder: ArchiveFolder, _ query: ArchiveListing.Query = .init()) async throws -> ArchivePages.Result {
        try ArchivePages(folder: folder, toolVersion: "9.9.9").write(try await ListedArchive.listing(folder, query), now: Self.now)
    }

    /// Every `href` and `src` of every page: relative, and naming a file that exists.
    func links(in folder: ArchiveFolder) throws -> [(page: String, link: String, exists: Bool)] {
        let pattern = try Regex(#"(?:href|src)="([^"]*)""#)
        var found: [(String, String, Bool)] = []
        let pages = [folder.root + "/index.html"] + (FileManager.default.subpaths(atPath: folder.state + "/pages") ?? [])
            .filter { $0.hasSuffix(".html") }.map { folder.state + "/pages/" + $0 }
        for page in pages {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            for match in text.matches(of: pattern) {
                let link = String(match.output[1].substring ?? "")
                let path = (link.split(separator: "#", omittingEmptySubsequences: false).first.map(String.init) ?? "").removingPercentEncoding ?? ""
                let target = path.isEmpty ? page : ((page as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
                found.append((page, link, !link.contains("://") && FileManager.default.fileExists(atPath: (target as NSString).standardizingPath)))
            }
        }
        return found
    }

    @Test func aDayPageHoldsEachClipWithItsLocalTimesAndEveryLinkResolves() async throws {
        let folder = try await ListedArchive.make()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let result = try await write(folder)
        #expect(result.index == folder.root + "/index.html")
        let day = try String(contentsOfFile: folder.state + "/pages/\(ListedArchive.yard.mac)/2026-11-01.html", encoding: .utf8)
        let starts = day.matches(of: try Regex(#"<li class="clip [^"]*" id="clip-\d+" data-start="([^"]+)""#)).map { String($0.output[1].substring ?? "") }
        // 01:00 EDT is before the change, 23:55 EST after it.
        #expect(starts.first == "2026-11-01T01:00:00-04:00" && starts.last == "2026-11-01T23:55:00-05:00", "\(starts)")
        #expect(starts.count == 8)
        for state in ["partial", "lost", "failed", "pruned"] { #expect(day.contains("data-state=\"\(state)\"")) }
        #expect(day.contains("1m00s missing"), "the partial clip says what it misses")
        #expect(day.contains("20s without picture"), "the clip with an EXT-X-GAP says so")
        // The overview's bars lead to the day page, playing the clip clicked.
        let index = try String(contentsOfFile: folder.root + "/index.html", encoding: .utf8)
        #expect(index.contains(#"href=".ivy-archiver/pages/\#(ListedArchive.yard.mac)/2026-11-01.html#play-clip-0""#), "\(index)")
        // Positions are shares of the 25-hour day: 01:00 is 3600/90000 of it.
        #expect(day.contains("left:4.000%;width:0.667%"), "the first continuous clip on the bar")
        let links = try links(in: folder)
        #expect(links.count > 20)
        #expect(links.filter { !$0.exists }.isEmpty, "\(links.filter { !$0.exists })")
        #expect(FileManager.default.fileExists(atPath: folder.state + "/pages/\(ListedArchive.gate.mac)/2026-11-01.html"))
    }

    @Test func namesAreEscapedAndNothingComesFromElsewhere() async throws {
        let folder = try await ListedArchive.make(cameraName: "Yard <script>alert(1)</script> & \"Co\"")
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        _ = try await write(folder)
        for page in [folder.root + "/index.html", folder.state + "/pages/\(ListedArchive.yard.mac)/index.html",
                     folder.state + "/pages/\(ListedArchive.yard.mac)/2026-11-01.html"] {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            #expect(!text.contains("<script>alert"), "\(page)")
            #expect(text.contains("Yard &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"), "\(page)")
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "\(page)")
        }
    }

    @Test func aRewriteTouchesOnlyWhatChangedAndRemovesDaysNoLongerListed() async throws {
        let folder = try await ListedArchive.make()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let first = try await write(folder)
        #expect(first.written > 6 && first.unchanged == 0 && first.removed == 0)
        let day = folder.state + "/pages/\(ListedArchive.yard.mac)/2026-11-02.html"
        let before = try FileManager.default.attributesOfItem(atPath: day)[.modificationDate] as? Date
        let again = try await write(folder)
        #expect(again.written == 0 && again.unchanged == first.written)
        #expect(try FileManager.default.attributesOfItem(atPath: day)[.modificationDate] as? Date == before)
        // Pages whose inputs did not change are not even drawn: a day page changed by hand stays.
        try "by hand".write(toFile: day, atomically: true, encoding: .utf8)
        _ = try await write(folder)
        #expect(try String(contentsOfFile: day, encoding: .utf8) == "by hand")
        // A day whose clips changed is drawn again.
        let catalog = try Catalog(path: folder.catalogPath)
        try await catalog.mark(.lost, ClipKey(camera: ListedArchive.yard, start: ListedArchive.nextDay + 3600))
        let changed = try await write(folder)
        #expect(try String(contentsOfFile: day, encoding: .utf8).contains("data-state=\"lost\""))
        #expect(changed.written >= 2, "the day, its month, the camera's page")

        var query = ArchiveListing.Query()
        query.lastDay = "2026-11-01"
        let fewer = try await write(folder, query)
        #expect(fewer.removed == 1 && !FileManager.default.fileExists(atPath: day))
    }
}

/// The templates read fields by name without reflection: every stored field of every value
/// they are given must answer by its name.
@Suite struct PageModelFieldTests {
    static func unanswered(_ value: some MustacheParent) -> [String] {
        Mirror(reflecting: value).children.compactMap { child in
            guard let label = child.label else { return nil }
            let isNil = Mirror(reflecting: child.value).displayStyle == .optional && Mirror(reflecting: child.value).children.isEmpty
            return isNil || value.child(named: label) != nil ? nil : label
        }
    }

    @Test func everyFieldAnswersByName() async throws {
        let folder = try await ListedArchive.make()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let listing = try await ListedArchive.listing(folder)
        let camera = try #require(listing.cameras.first { $0.id == ListedArchive.yard })
        let pages = CameraPages(camera: camera, folder: folder, footer: "f")
        let day = pages.dayPage(camera.days[0], previous: nil, next: camera.days[1])
        let row = pages.row(camera.days[0], href: "x.html")
        #expect(Self.unanswered(day) == [])
        #expect(day.clips.flatMap(Self.unanswered) == [])
        #expect(day.pieces.flatMap(Self.unanswered) == [])
        #expect(day.ticks.flatMap(Self.unanswered) == [])
        #expect(day.legend.flatMap(Self.unanswered) == [])
        #expect(day.next.map(Self.unanswered) == [])
        #expect(Self.unanswered(row) == [])
        let month = pages.monthRow("2026-11", days: camera.days)
        #expect(Self.unanswered(month) == [])
        #expect(Self.unanswered(pages.cameraPage(recent: [row], months: [month])) == [])
        #expect(Self.unanswered(pages.monthPage("2026-11", days: camera.days)) == [])
        let card = CameraCard(name: "n", mac: "m", zone: "z", href: "h", facts: "f", thumb: "t", recent: [row], more: "m")
        #expect(Self.unanswered(card) == [])
        #expect(Self.unanswered(IndexPage(assets: "a", facts: "f", cards: [card], footer: "f")) == [])
    }
}
