import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// The archive's pages as a browser shows them: Debian's headless Chromium opens a day page
/// of a real backup straight from the disk, renders it, runs its script, and fetches nothing
/// from the network.
@Suite(.enabled(if: Chromium.isInstalled, "needs Debian's chromium (scripts/test.sh installs it)"))
struct ArchivePagesBrowserTests {
    /// Porch (UTC), on one day: seven 20 s continuous clips every three hours from 02:00,
    /// motion, person and sound events inside some of them, a 40 s clip at 22:00 whose seventh
    /// segment the cloud never serves (partial), and a person clip at 21:00 it never serves at
    /// all (failed).
    static let day0 = ListCommandTests.day0
    static let recordings: [SandboxRecording] = {
        var list = stride(from: Int64(2), through: 20, by: 3).map { SandboxRecording(start: day0 + $0 * 3600, end: day0 + $0 * 3600 + 20, type: 0) }
        list += [(5, 2), (11, 2), (14, 7), (17, 3)].map { SandboxRecording(start: day0 + $0.0 * 3600 + 4, end: day0 + $0.0 * 3600 + 12, type: $0.1) }
        list += [SandboxRecording(start: day0 + 22 * 3600, end: day0 + 22 * 3600 + 40, type: 0), SandboxRecording(start: day0 + 21 * 3600, end: day0 + 21 * 3600 + 8, type: 7)]
        return list.sorted { $0.start < $1.start }
    }()

    @Test func aDayPageRendersItsClipsAndThumbnailsAndFetchesNothing() async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            account.devices = [
                SandboxDevice(mac: "00626E00EE01", name: "Porch", productName: "VD1", profile: .h264AAC, fixedRecordings: Self.recordings),
                SandboxDevice(mac: "00626E00EE02", name: "Gate", productName: "VD1", profile: .hevcAAC,
                              fixedRecordings: [SandboxRecording(start: Self.day0 + 3600, end: Self.day0 + 3608, type: 2)]),
            ]
            configuration.account = account
            configuration.faults.brokenClips = [Self.day0 + 21 * 3600]
            configuration.faults.missingSegments = [6]
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let backup = try await CLIProcess.run(["backup"], environment: env)
            #expect(backup.status == 1, "a failed and a partial clip: \(backup.stderr)")
            let page = archive + "/.ivy-archiver/pages/00626E00EE01/\(ListCommandTests.day(0)).html"
            let shots = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: shots) }
            let visit = try await Chromium.visit(page, screenshot: shots + "/day.png")
            #expect(visit.pageRequests.isEmpty, "the page made network requests: \(visit.pageRequests)")

            // One element per clip, with its times and state; the thumbnails loaded (the page's
            // script marks one that did not).
            let clips = visit.dom.matches(of: try Regex(#"<li class="clip [^"]*" id="clip-\d+" data-start="([^"]+)" data-end="([^"]+)" data-type="[^"]+" data-state="([^"]+)""#))
                .map { "\($0.output[1].substring ?? "") \($0.output[2].substring ?? "") \($0.output[3].substring ?? "")" }
            let expected = Self.recordings.map { recording in
                let state = recording.start == Self.day0 + 21 * 3600 ? "failed" : recording.end - recording.start == 40 ? "partial" : "archived"
                return "\(Self.utc(recording.start)) \(Self.utc(recording.end)) \(state)"
            }
            #expect(clips == expected, "\(clips)")
            let images = visit.dom.matches(of: try Regex(#"<img src="([^"]+)""#)).map { String($0.output[1].substring ?? "") }
            #expect(images.count == Self.recordings.count - 1, "a thumbnail per clip in the archive, the partial one too: \(images)")
            #expect(!visit.dom.contains("data-broken"), "a thumbnail did not load")
            for image in images {
                let file = ((page as NSString).deletingLastPathComponent as NSString).appendingPathComponent(image.removingPercentEncoding ?? image)
                #expect(try await FFprobe.probe(file).codec("video") == "mjpeg", "\(file)")
            }
            // The bar: the first continuous clip in the upper lane at 02:00 (8.333 % of the day).
            #expect(visit.dom.contains(#"class="piece lane-continuous t-continuous s-archived" style="left:8.333%"#), "\(visit.dom)")
            #expect(visit.dom.contains(#"class="piece lane-continuous t-continuous s-partial" style="left:91.667%"#))

            // The screenshot shows the bar (the continuous colour) and the thumbnails (the
            // sandbox's test picture has pure yellow bars, which nothing else on the page has).
            let pixels = try await Self.pixels(shots + "/day.png", scratch: shots)
            #expect(pixels.count(near: (37, 99, 235)) > 100, "the timeline's continuous clips")
            #expect(pixels.count(near: (255, 255, 0), tolerance: 40) > 4000, "the thumbnails")
            if let keep = ProcessInfo.processInfo.environment["IVY_SCREENSHOT_DIR"] {
                try? FileManager.default.removeItem(atPath: keep + "/archive-day.png")
                try FileManager.default.copyItem(atPath: shots + "/day.png", toPath: keep + "/archive-day.png")
            }

            let index = try await Chromium.visit(archive + "/index.html", screenshot: shots + "/index.png")
            #expect(index.pageRequests.isEmpty, "\(index.pageRequests)")
            #expect(index.dom.components(separatedBy: "<section class=\"camera-card\">").count - 1 == 2)
            #expect(index.dom.contains("1 partial, 1 failed"), "the day's row says what is not whole")

            // `#play-clip-N` plays a clip: an H.264 one in the page's video element; an HEVC
            // one too where the browser decodes HEVC, else a note says why not and links the file.
            let h264 = try await Chromium.visit(page, fragment: "play-clip-0", screenshot: shots + "/h264.png")
            #expect(h264.dom.contains(#"<section id="player" class="player">"#), "the player is shown")
            #expect(h264.dom.contains(#"src="../../../Porch_00626E00EE01/\#(ListCommandTests.day(0))/020000-020020_continuous.mp4""#), "\(h264.dom)")
            #expect(h264.dom.contains(#"<p class="player-note" hidden="">"#), "no note for a clip the browser plays")
            let hevcPage = archive + "/.ivy-archiver/pages/00626E00EE02/\(ListCommandTests.day(0)).html"
            let hevc = try await Chromium.visit(hevcPage, fragment: "play-clip-0", screenshot: shots + "/hevc.png")
            #expect(hevc.dom.contains(#"data-video="hevc""#))
            if hevc.dom.contains(#"<p class="player-note">"#) {
                #expect(hevc.dom.contains("This clip is HEVC (H.265), which this browser cannot play"), "\(hevc.dom)")
                #expect(hevc.dom.contains(#"<a href="../../../Gate_00626E00EE02/"#), "the note links the file")
            } else {
                #expect(hevc.dom.contains(#"src="../../../Gate_00626E00EE02/"#), "\(hevc.dom)")
            }
        }
    }

    static func utc(_ unix: Int64) -> String { ListCommandTests.iso(unix, in: "UTC") }

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
