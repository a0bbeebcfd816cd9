public import Foundation
public import IvyCloud
public import IvyDomain

/// What an archive holds, read from its catalog alone (no cloud call): per camera, the days in
/// the camera's time zone with their clips in every state and what the day's recordings cover.
/// `ls` prints it and the archive's pages draw it.
public struct ArchiveListing: Sendable {
    /// Which clips to list. Empty sets mean "all".
    public struct Query: Sendable {
        public var cameras: Set<CameraID> = []
        /// First and last day, `YYYY-MM-DD` in each camera's time zone, both included.
        public var firstDay: String?
        public var lastDay: String?
        public var types: Set<RecordType> = []
        public var states: Set<ClipState> = []

        public init() {}

        func admits(_ clip: Catalog.Clip) -> Bool {
            (types.isEmpty || types.contains(RecordType(rawValue: clip.type))) && (states.isEmpty || states.contains(clip.state))
        }
    }

    public struct Camera: Sendable {
        public var id: CameraID
        /// As the cloud last named it; the MAC when no backup noted a name.
        public var name: String
        public var timeZone: TimeZone
        /// Oldest first; only days with a listed clip.
        public var days: [Day]

        public var clipCount: Int { days.reduce(0) { $0 + $1.clips.count } }
        /// Bytes of the clip files in the archive.
        public var bytes: Int64 { days.reduce(0) { $0 + $1.bytes } }
    }

    /// One calendar day of one camera in the camera's zone (23 or 25 hours across a DST change).
    public struct Day: Sendable {
        /// `YYYY-MM-DD`.
        public var date: String
        /// Local midnight and the next one, Unix seconds.
        public var start: Int64
        public var end: Int64
        /// The clips that start on this day and that the query admits, oldest first.
        public var clips: [Catalog.Clip]
        public var coverage: Coverage

        /// Bytes of the day's clip files in the archive (`archived` and `partial` clips).
        public var bytes: Int64 { clips.filter { ClipState.withFile.contains($0.state) }.reduce(0) { $0 + ($1.size ?? 0) } }
        public func count(_ state: ClipState) -> Int { clips.filter { $0.state == state }.count }
    }

    /// A stretch of time, Unix seconds.
    public struct Span: Sendable, Equatable, Codable {
        public var start: Double
        public var end: Double
        public var duration: Double { end - start }

        public init(start: Double, end: Double) {
            self.start = start
            self.end = end
        }
    }

    /// What the day's recordings cover, within the day: all of the camera's clips, whatever
    /// the query's filters.
    public struct Coverage: Sendable {
        /// Seconds the camera recorded: the union of the clips, whatever their state, less the
        /// stretches a recording marks as having no media (`EXT-X-GAP`).
        public var recorded: Double
        /// Seconds of it whose media is in the archive: archived clips, and partial clips less
        /// the segments the cloud did not give.
        public var archived: Double
        /// Stretches of at least `Coverage.minimumGap` with no recording, from the day's start
        /// (or its first recording, on the camera's first listed day) to its end (or the listing's
        /// time, today).
        public var gaps: [ArchiveListing.Span]

        /// Shorter pauses are the seams between a continuous recording's clips, not gaps.
        public static let minimumGap = 60.0
    }

    public var cameras: [Camera]
    /// When the listing was read, Unix seconds: today's gaps end here.
    public var readAt: Double

    /// Reads the listing of the archive in `folder`.
    ///
    /// - Parameter timeZone: each camera's zone (the config's `[device_timezones]`, else its
    ///   `timezone`), for days and local times.
    /// - Throws: `CatalogError` when the catalog is missing or damaged.
    public static func read(_ folder: ArchiveFolder, query: Query = Query(), now: Date = Date(),
                            timeZone: (CameraID) -> TimeZone) async throws -> ArchiveListing {
        let catalog = try Catalog(path: folder.catalogPath, readOnly: true)
        let names = Dictionary(try await catalog.cameras().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let clips = try await catalog.clips(of: query.cameras)
        // Whole seconds: today's last gap ends now.
        let now = now.timeIntervalSince1970.rounded(.down)
        var cameras: [Camera] = []
        for (id, ofCamera) in Dictionary(grouping: clips, by: \.camera).sorted(by: { $0.key.mac < $1.key.mac }) {
            let zone = timeZone(id)
            // Coverage is the day's, whatever the filters: a gap is a stretch the camera
            // recorded nothing in, not one without clips of the type asked for.
            var days = Self.days(of: ofCamera, zone: zone, now: now)
                .filter { day in query.firstDay.map { day.date >= $0 } ?? true && query.lastDay.map { day.date <= $0 } ?? true }
            for index in days.indices { days[index].clips.removeAll { !query.admits($0) } }
            days.removeAll { $0.clips.isEmpty }
            guard !days.isEmpty else { continue }
            cameras.append(Camera(id: id, name: names[id] ?? id.description, timeZone: zone, days: days))
        }
        cameras.sort { ($0.name.lowercased(), $0.id.mac) < ($1.name.lowercased(), $1.id.mac) }
        return ArchiveListing(cameras: cameras, readAt: now)
    }

    /// The clips (of one camera, by start) grouped by the local day they start on, each day
    /// with its coverage; a clip running past midnight covers the next day's first minutes too.
    static func days(of clips: [Catalog.Clip], zone: TimeZone, now: Double) -> [Day] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var days: [Day] = []
        for clip in clips {
            let date = Date(timeIntervalSince1970: Double(clip.start))
            if let last = days.last, clip.start < last.end {
                days[days.count - 1].clips.append(clip)
                continue
            }
            let start = calendar.startOfDay(for: date)
            let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
            let c = calendar.dateComponents([.year, .month, .day], from: start)
            let name = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            days.append(Day(date: name, start: Int64(start.timeIntervalSince1970), end: Int64(end.timeIntervalSince1970), clips: [clip],
                            coverage: Coverage(recorded: 0, archived: 0, gaps: [])))
        }
        for index in days.indices {
            let previous = index > 0 ? days[index - 1].clips : []
            days[index].coverage = Coverage.of(days[index].clips + previous.filter { $0.end > days[index].start }, day: days[index],
                                               isFirst: index == 0, now: now)
        }
        return days
    }
}
