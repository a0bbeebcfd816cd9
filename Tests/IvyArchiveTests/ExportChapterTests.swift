import Foundation
import IvyArchive
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Event chapters where the window starts after the event did and the keyframe cut reaches
/// back before `--from`: the event's chapter starts the file (no untitled chapter before it),
/// and the sidecar puts it where ffprobe finds it. Same sandbox recordings as `ExportTests`
/// (a keyframe every 4 s).
@Suite struct ExportChapterTests {
    static let base = ExportTests.base

    /// `from`: seconds after `base`, 2 s past a keyframe. 142: inside the motion clip 120-160
    /// alone; 122: inside continuous 100-140 while the motion clips from 110 and 120 run.
    @Test(arguments: [(142, 155, "motion"), (122, 150, "motion + motion")] as [(Int64, Int64, String)])
    func anEventThatBeganBeforeTheWindowStartsTheFile(from: Int64, to: Int64, kind: String) async throws {
        try await withSandbox(ExportTests.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/early.mp4"
            let record = try await ExportTests.export(client).run(ExportTests.request(from, to, output: output))
            // The keyframe before --from: the file starts 2 s early.
            #expect(abs(record.actual.from.unix - Double(Self.base + from - 2)) < 0.001, "\(record.actual.from)")

            let chapters = try await FFprobe.chapters(output)
            let first = try #require(chapters.first)
            #expect(first.start == 0 && first.title.contains("motion"), "\(chapters)")
            if kind == "motion" {
                let clock = RecordingTime(Self.base + 120).wallClock(in: TimeZone(identifier: "UTC")!)
                #expect(first.title == "\(clock) motion", "\(chapters)")
            } else {
                #expect(first.title.contains(" motion, ") && first.title.hasSuffix(" motion"), "\(chapters)")
            }
            #expect(!chapters.contains { $0.start > 0 && $0.start < 3 }, "no chapter just after the start: \(chapters)")

            // The sidecar agrees with ffprobe: every event that runs at --from has its chapter at 0.
            let running = record.clips.filter { $0.chapter != nil && $0.start.unix < Double(Self.base + from) }
            #expect(!running.isEmpty && running.allSatisfy { $0.chapter?.at == 0 && $0.chapter?.title == first.title }, "\(record.clips)")
            #expect(record.summary.events.allSatisfy { $0.contains("at 0.0 s in the file") }, "\(record.summary.events)")
        }
    }
}
