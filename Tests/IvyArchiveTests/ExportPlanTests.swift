import Foundation
import IvyCloud
import Testing

@testable import IvyArchive

/// What goes into an export, as plain numbers: overlaps shown once, gaps found, the window's
/// edges respected; and the date-times a person may type.
@Suite struct ExportPlanTests {
    static func plan(_ clips: [(Int64, Int64)], from: Int64, to: Int64) -> ExportPlan {
        ExportPlan(sources: clips.map { ExportPlan.Source(start: $0.0, end: $0.1, type: .continuous) }, window: .init(from: from, to: to))
    }

    @Test func overlapsAreShownOnceAndGapsFound() {
        let plan = Self.plan([(100, 140), (0, 40), (60, 100), (110, 130), (120, 160)], from: 20, to: 150)
        #expect(plan.pieces.map { [$0.source.start, $0.from, $0.to] } == [[0, 20, 40], [60, 60, 100], [100, 100, 140], [120, 140, 150]])
        #expect(plan.gaps == [.init(from: 40, to: 60)])
    }

    /// Events get a chapter where they start (at the window's start for one that began
    /// before it) and where the last running one ends, in the piece that shows that second,
    /// joined or not; an event on a continuous chunk's first second is kept apart from it.
    @Test func eventsAreMarkedWhereTheyStartAndWhereTheLastOneEnds() {
        let clips: [(Int64, Int64, RecordType)] = [(0, 600, .continuous), (0, 30, .motion), (100, 130, .motion), (120, 160, .human),
                                                   (700, 730, .sound), (-20, 10, .motion), (900, 950, .timer)]
        let plan = ExportPlan(sources: clips.map { ExportPlan.Source(start: $0.0, end: $0.1, type: $0.2) }, window: .init(from: 5, to: 800))
        #expect(plan.clips.map { [$0.start, $0.end] } == [[-20, 10], [0, 600], [0, 30], [100, 130], [120, 160], [700, 730]])
        #expect(plan.pieces.map { [Int64($0.clip), $0.from, $0.to] } == [[0, 5, 10], [1, 10, 600], [5, 700, 730]])
        #expect(plan.gaps == [.init(from: 600, to: 700)])
        #expect(plan.marks == [.init(at: 5, piece: 0, starting: [0, 2]), .init(at: 30, piece: 1, starting: []), .init(at: 100, piece: 1, starting: [3]),
                               .init(at: 120, piece: 1, starting: [4]), .init(at: 160, piece: 1, starting: []),
                               .init(at: 700, piece: 2, starting: [5])])
        #expect(plan.clips.map(\.isEvent) == [true, false, true, true, true, true])
    }

    /// The sidecar's encoder: keys in declaration order, nils left out, text escaped, numbers
    /// as JSON has them; what it writes reads back the same.
    @Test func theOrderedEncoderKeepsTheDeclaredOrder() throws {
        struct Inner: Codable, Equatable { var z = "a \"quoted\"\nline\t/ \u{1} é"; var a: [Double] = [1, 0.1, -2.5, 1e-7, 1_795_611_780.123] }
        struct Outer: Codable, Equatable { var zeta = 1; var alpha: String?; var middle = Inner(); var empty: [Int] = []; var flag = true; var big: Int64 = -9_000_000_000 }
        let data = try OrderedJSONEncoder.encode(Outer())
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"zeta\" : 1,\n  \"middle\" : {\n    \"z\" : \"a \\\"quoted\\\"\\nline\\t/ \\u0001 é\",\n"), "\(text)")
        #expect(!text.contains("alpha") && text.contains("\"empty\" : []") && text.contains("1795611780.123"))
        #expect(try JSONDecoder().decode(Outer.self, from: data) == Outer())
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder.encode([Double.nan]) }
    }

    @Test func aWindowWithNothingRecordedHasNoPieces() {
        #expect(Self.plan([(0, 40)], from: 50, to: 90).pieces.isEmpty)
        #expect(Self.plan([], from: 50, to: 90).gaps.isEmpty)
    }

    @Test func dateTimesInTheCamerasZoneOrWithTheirOwnOffset() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(try ExportTime.parse("2026-11-25 08:03").resolve(in: newYork) == 1_795_611_780)
        #expect(try ExportTime.parse("2026-11-25T08:03:00").resolve(in: newYork) == 1_795_611_780)
        #expect(try ExportTime.parse("2026-11-25T13:03:00Z").resolve(in: newYork) == 1_795_611_780)
        #expect(try ExportTime.parse("2026-11-25T14:03:00+01:00").resolve(in: newYork) == 1_795_611_780)
        #expect(try ExportTime.parse("2026-11-25 07:33:00-0530").resolve(in: newYork) == 1_795_611_780)
        for bad in ["2026-11-25", "2026-13-01 00:00", "2026-11-25 24:00", "2026-11-25 08:3", "2026-11-25T08:03:00+25:00", "2026-02-29 10:00"] {
            #expect(throws: ExportError.refused, "\(bad)") { try ExportTime.parse(bad) }
        }
    }

    /// 02:30 never happened in Berlin on 2026-03-29 (02:00 became 03:00): named as such, not
    /// turned into another time (which made windows run backwards).
    @Test func aTimeTheClocksSkippedIsRefusedByName() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        for skipped in ["2026-03-29 02:00", "2026-03-29 02:30", "2026-03-29T02:59:59"] {
            do {
                let resolved = try ExportTime.parse(skipped).resolve(in: berlin)
                Issue.record("\(skipped) became \(resolved)")
            } catch let error as ExportError {
                #expect(error == .refused && error.description.contains("does not exist in Europe/Berlin"), "\(error)")
            }
        }
        #expect(try ExportTime.parse("2026-03-29 03:00").resolve(in: berlin) == 1_774_746_000)
        #expect(try ExportTime.parse("2026-03-29 01:59").resolve(in: berlin) == 1_774_745_940)
        #expect(try ExportTime.parse("2026-03-29 02:30+01:00").resolve(in: berlin) == 1_774_747_800)
    }
}
