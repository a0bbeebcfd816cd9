import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvyTestSupport
import Testing

/// The archive's listing (what `ls` prints and the pages draw), from a catalog made here with
/// clips in every state: days in the camera's zone, coverage, gaps and filters.
@Suite struct ArchiveListingTests {
    static let yard = ListedArchive.yard
    static let gate = ListedArchive.gate
    static let newYork = ListedArchive.newYork
    static let longDay = ListedArchive.longDay
    static let nextDay = ListedArchive.nextDay

    func makeArchive() async throws -> ArchiveFolder { try await ListedArchive.make() }

    func listing(_ folder: ArchiveFolder, _ query: ArchiveListing.Query = .init()) async throws -> ArchiveListing {
        try await ListedArchive.listing(folder, query)
    }

    @Test func daysFollowTheCamerasZoneAndCoverageCountsWhatIsHeld() async throws {
        let folder = try await makeArchive()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let listing = try await listing(folder)
        #expect(listing.cameras.map(\.name) == [Self.gate.description, "Yard"], "a camera no backup named goes by its MAC")
        let yard = try #require(listing.cameras.first { $0.id == Self.yard })
        #expect(yard.days.map(\.date) == ["2026-11-01", "2026-11-02"])
        let first = yard.days[0]
        #expect(first.end - first.start == 90_000, "a 25-hour day")
        #expect(first.clips.count == 8, "the clip past midnight belongs to the day it starts on")
        #expect(Set(first.clips.map(\.state)) == Set(ClipState.allCases))
        // Recorded: 600 less its 20 s gap + 600 + 4 x 30 + the 300 s before midnight (the motion
        // event is inside the first continuous clip). Held: archived and partial clips less the
        // gap and the hole.
        #expect(first.coverage.recorded == 580 + 600 + 120 + 300)
        #expect(first.coverage.archived == 580 + 540 + 300)
        #expect(yard.days[1].coverage.recorded == 300 + 30, "the next day starts with the clip from the night before")
        // Gaps: before the first clip nothing was missed (the camera's first day); then the
        // stretches between clips, none shorter than a minute.
        let gaps = first.coverage.gaps.map { ($0.start - Double(first.start), $0.end - Double(first.start)) }
        #expect(gaps.first.map { $0 == (4200, 3 * 3600) } == true, "\(gaps)")
        #expect(gaps.allSatisfy { $0.1 - $0.0 >= ArchiveListing.Coverage.minimumGap })
        #expect(gaps.last.map { $0.1 == 90_000 - 300 } == true, "\(gaps)")
        #expect(yard.days[1].coverage.gaps.map { [$0.start - Double(Self.nextDay), $0.end - Double(Self.nextDay)] } == [[300, 3600], [3630, 86_400]])
        #expect(first.bytes == 4 * 1000, "the files of the three archived clips and the partial one")
    }

    @Test func filtersKeepTheirClipsAndDropEmptyDaysAndCameras() async throws {
        let folder = try await makeArchive()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        var query = ArchiveListing.Query()
        query.states = [.partial, .lost]
        var listing = try await self.listing(folder, query)
        #expect(listing.cameras.map(\.id) == [Self.yard])
        #expect(listing.cameras[0].days.map(\.date) == ["2026-11-01"])
        #expect(listing.cameras[0].days[0].clips.map(\.state) == [.partial, .lost])

        query = ArchiveListing.Query()
        query.types = [.motion]
        query.cameras = [Self.yard]
        listing = try await self.listing(folder, query)
        // A day's coverage is the whole day's, whatever the filter: the continuous clips count.
        let all = try await self.listing(folder).cameras.first { $0.id == Self.yard }?.days.first?.coverage
        #expect(listing.cameras.first?.days.first?.coverage.recorded == all?.recorded)
        #expect(listing.cameras.first?.days.first?.coverage.gaps == all?.gaps)
        #expect(listing.cameras.flatMap(\.days).flatMap(\.clips).map(\.start) == [Self.longDay + 3700, Self.longDay + 5 * 3600, Self.longDay + 8 * 3600])

        query = ArchiveListing.Query()
        query.firstDay = "2026-11-02"
        listing = try await self.listing(folder, query)
        #expect(listing.cameras.map(\.id) == [Self.yard] && listing.cameras[0].days.map(\.date) == ["2026-11-02"])
        #expect(listing.cameras[0].days[0].clips.map(\.start) == [Self.nextDay + 3600])
    }
}
