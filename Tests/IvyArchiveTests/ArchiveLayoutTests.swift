import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import Testing

@Suite struct ArchiveLayoutTests {
    let layout = try! ArchiveLayout()
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    @Test func theDefaultLayoutNamesDeviceDayTimesAndType() {
        // 2026-11-25 13:03:00 UTC is 14:03 in Berlin (UTC+1 in winter).
        let clip = Recording(start: 1_795_611_780, end: 1_795_611_820, type: .motion)
        #expect(layout.relativePath(deviceName: "Front Door", camera: CameraID("00:62:6e:8a:1b:01")!, recording: clip, timeZone: berlin)
            == "Front-Door_00626E8A1B01/2026-11-25/140300-140340_motion.mp4")
    }

    @Test func daysFollowTheDevicesTimeZoneAcrossDST() {
        // 2026-03-29 00:59:30 UTC: 01:59:30 in Berlin, just before clocks jump to 03:00.
        let clip = Recording(start: 1_774_745_970, end: 1_774_746_030, type: .continuous)
        #expect(layout.relativePath(deviceName: "Cam", camera: CameraID("AA")!, recording: clip, timeZone: berlin)
            == "Cam_AA/2026-03-29/015930-030030_continuous.mp4")
        // The same instant is still the 28th in New York.
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(layout.relativePath(deviceName: "Cam", camera: CameraID("AA")!, recording: clip, timeZone: newYork).hasPrefix("Cam_AA/2026-03-28/205930-"))
    }

    /// Names in scripts of multi-byte letters: every file and folder name fits `NAME_MAX` (255
    /// bytes), cut on a character boundary, and keeps its MAC, times and type whole.
    @Test(arguments: [
        String(repeating: "\u{1D400}", count: 70),  // MATHEMATICAL BOLD CAPITAL A: 4 bytes each
        String(repeating: "監視", count: 60), String(repeating: "e\u{301}", count: 90), String(repeating: "👨‍👩‍👧", count: 40),
    ])
    func longNamesAreCutByBytesAndKeepTheirMAC(_ name: String) throws {
        let clip = Recording(start: 1_795_611_780, end: 1_795_611_820, type: .motion)
        for template in [ArchiveLayout.defaultTemplate, "{device}/{device}-{mac}/{date}/{device}_{start}-{end}_{type}.mp4"] {
            let path = try ArchiveLayout(template: template).relativePath(deviceName: name, camera: CameraID("00626E8A1B01")!, recording: clip, timeZone: berlin)
            for component in path.split(separator: "/") {
                #expect(component.utf8.count <= 255, "\(component.utf8.count) bytes: \(component)")
                #expect(String(component).unicodeScalars.first.map { $0.properties.generalCategory != .nonspacingMark } ?? false)
            }
            #expect(path.contains("00626E8A1B01"))
            #expect(path.hasSuffix("140300-140340_motion.mp4"), "\(path)")
            // And the file can be made: no ENAMETOOLONG.
            let root = NSTemporaryDirectory() + "ivy-names-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: root) }
            try FileManager.default.createDirectory(atPath: ((root + "/" + path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: root + "/" + path, contents: Data()))
        }
    }

    @Test func namesFromTheCloudStayInsideTheArchive() {
        let clip = Recording(start: 0, end: 20, type: RecordType(rawValue: 42))
        let path = layout.relativePath(deviceName: "../../etc", camera: CameraID("00626E8A1B01")!, recording: clip, timeZone: TimeZone(identifier: "UTC")!)
        #expect(path == "etc_00626E8A1B01/1970-01-01/000000-000020_type42.mp4")
        // A MAC is a CameraID: what is no MAC never reaches a path.
        #expect(CameraID("../x") == nil)
        for hostile in ["..", ".", "/", "a/../../b", "\u{0}\n", "  ", ".hidden"] {
            let name = ArchiveLayout.safeName(hostile)
            #expect(!name.contains("/") && !name.hasPrefix(".") && !name.isEmpty && name != "..")
        }
        #expect(ArchiveLayout.safeName("Küche 1") == "Küche-1")
    }

    @Test(arguments: ["/abs/{mac}/{start}.mp4", "{mac}/{start}.mkv", "{device}/{date}.mp4", "{start}.mp4", "{mac}/../{start}.mp4",
                      "{mac}/{bogus}/{start}.mp4", "{mac}/{start.mp4", "{mac}//{start}.mp4"])
    func badTemplatesAreRefused(template: String) {
        #expect(throws: ArchiveLayoutError.self) { try ArchiveLayout(template: template) }
    }

    @Test func aTemplateMayRearrangeThePath() throws {
        let custom = try ArchiveLayout(template: "{year}/{month}/{mac}/{day}_{start}_{type}.mp4")
        let clip = Recording(start: 1_795_611_780, end: 1_795_611_820, type: .human)
        #expect(custom.relativePath(deviceName: "x", camera: CameraID("00626E8A1B01")!, recording: clip, timeZone: TimeZone(identifier: "UTC")!)
            == "2026/11/00626E8A1B01/25_130300_human.mp4")
    }
}

@Suite struct RecordingSetTests {
    @Test func windowsCoverTheRangeAndShareEdges() {
        let windows = RecordingSet.windows(from: 0, to: 250, size: 100)
        #expect(windows == [0...100, 100...200, 200...250])
        #expect(RecordingSet.windows(from: 5, to: 5, size: 100) == [5...5])
        #expect(RecordingSet.windows(from: 10, to: 5, size: 100).isEmpty)
    }

    @Test func clipsAreKeptOnceOldestFirst() {
        let a = Recording(start: 100, end: 700, type: .continuous)
        let b = Recording(start: 700, end: 1300, type: .continuous)  // abuts a
        let c = Recording(start: 650, end: 690, type: .motion)  // overlaps a
        let merged = RecordingSet.merge([[b, a], [a, c], [Recording(start: 700, end: 1000, type: .continuous)]])
        #expect(merged == [a, c, b])
    }
}
