import Foundation
import IvyTestSupport
import Testing

/// The archive's pages as a browser shows them: Debian's headless Chromium opens a day page
/// of a real backup straight from the disk, renders it, runs its script, and fetches nothing
/// from the network.
@Suite(.enabled(if: Chromium.isInstalled, "needs Debian's chromium (scripts/test.sh installs it)"))
struct ArchivePagesBrowserTests {
    @Test func aDayPageRendersItsClipsAndThumbnailsAndFetchesNothing() async throws {
        try await ListCommandTests.withBackedUpArchive { archive, env, _ in
            let page = archive + "/.ivy-archiver/pages/00626E00DD01/\(ListCommandTests.day(0)).html"
            let shots = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: shots) }
            let visit = try await Chromium.visit(page, screenshot: shots + "/day.png")
            #expect(visit.pageRequests.isEmpty, "the page made network requests: \(visit.pageRequests)")

            // One element per clip, with its times; the thumbnails loaded (the page's script
            // marks one that did not).
            let clips = visit.dom.matches(of: try Regex(#"<li class="clip [^"]*" id="clip-\d+" data-start="([^"]+)" data-end="([^"]+)""#))
                .map { "\($0.output[1].substring ?? "") \($0.output[2].substring ?? "")" }
            let d = ListCommandTests.day(0)
            #expect(clips == ["\(d)T10:00:00Z \(d)T10:00:20Z", "\(d)T10:00:05Z \(d)T10:00:13Z"], "\(clips)")
            let images = visit.dom.matches(of: try Regex(#"<img src="([^"]+)""#)).map { String($0.output[1].substring ?? "") }
            #expect(images.count == 2, "a thumbnail per clip: \(visit.dom)")
            #expect(!visit.dom.contains("data-broken"), "a thumbnail did not load")
            for image in images {
                let file = ((page as NSString).deletingLastPathComponent as NSString).appendingPathComponent(image.removingPercentEncoding ?? image)
                #expect(try await FFprobe.probe(file).codec("video") == "mjpeg", "\(file)")
            }
            // The bar: the continuous clip in the upper lane at 10:00 (41.667 % of the day).
            #expect(visit.dom.contains(#"class="piece lane-continuous t-continuous s-archived" style="left:41.667%"#), "\(visit.dom)")

            // The screenshot shows the bar (the continuous colour) and the thumbnails (the
            // sandbox's test picture has pure yellow bars, which nothing else on the page has).
            let pixels = try await Self.pixels(shots + "/day.png", scratch: shots)
            #expect(pixels.count(near: (37, 99, 235)) > 100, "the timeline's continuous clip")
            #expect(pixels.count(near: (255, 255, 0), tolerance: 40) > 1000, "the thumbnails")
            if let keep = ProcessInfo.processInfo.environment["IVY_SCREENSHOT_DIR"] {
                try? FileManager.default.removeItem(atPath: keep + "/archive-day.png")
                try FileManager.default.copyItem(atPath: shots + "/day.png", toPath: keep + "/archive-day.png")
            }

            let index = try await Chromium.visit(archive + "/index.html", screenshot: shots + "/index.png")
            #expect(index.pageRequests.isEmpty, "\(index.pageRequests)")
            #expect(index.dom.components(separatedBy: "<section class=\"camera-card\">").count - 1 == 2)
            _ = env
        }
    }

    /// The judge itself: a page that asks for something on the network is caught.
    @Test func aPageThatFetchesFromTheNetworkIsCaught() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"<!doctype html><html><body><img src="http://example.com/x.png"></body></html>"#
            .write(toFile: folder + "/page.html", atomically: true, encoding: .utf8)
        let visit = try await Chromium.visit(folder + "/page.html", screenshot: folder + "/page.png")
        #expect(visit.pageRequests.contains("example.com"), "\(visit.requests)")
    }

    struct Pixels {
        var rgb: Data

        func count(near colour: (Int, Int, Int), tolerance: Int = 12) -> Int {
            var found = 0
            rgb.withUnsafeBytes { bytes in
                var index = 0
                while index + 2 < bytes.count {
                    if abs(Int(bytes[index]) - colour.0) <= tolerance, abs(Int(bytes[index + 1]) - colour.1) <= tolerance,
                       abs(Int(bytes[index + 2]) - colour.2) <= tolerance { found += 1 }
                    index += 3
                }
            }
            return found
        }
    }

    /// The PNG's pixels as RGB, decoded by ffmpeg.
    static func pixels(_ png: String, scratch: String) async throws -> Pixels {
        let raw = scratch + "/pixels.rgb"
        let decoded = try await Subprocess.run("ffmpeg", ["-v", "error", "-y", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", raw], environment: ["PATH": "/usr/bin:/bin"])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        return Pixels(rgb: try Data(contentsOf: URL(fileURLWithPath: raw)))
    }
}
