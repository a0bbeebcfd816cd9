import IvyCloud

/// Which part of which clip goes into an export: clips in time order, each from where the
/// previous one ended (overlapping clips are not shown twice), clipped to the window; the
/// stretches no clip covers are the gaps; and where each event's chapter goes. Pure values,
/// so it is tested without media.
///
/// Continuous recording and events overlap (an event clip is the same camera's picture over
/// the same seconds): the clip that starts first shows that time, and a clip whose time is
/// all shown already (a motion clip inside a continuous chunk) is not joined at all; it is
/// still listed, and its event still gets a chapter at its place in the file.
struct ExportPlan: Sendable {
    /// No clip is longer (continuous recording comes in 600 s chunks): a clip overlapping the
    /// window starts at most this long before it.
    static let longestClip: Int64 = 3600

    struct Window: Sendable, Equatable {
        var from: Int64
        var to: Int64
    }

    struct Source: Sendable {
        var start: Int64
        var end: Int64
        var type: RecordType
        /// The cloud listed it (so it can be fetched).
        var listed = true
        /// The archive holds it.
        var archived: Catalog.Clip?

        /// An alarm of some kind (motion, sound, a person, a doorbell...): continuous and
        /// scheduled (timer) recording are not events.
        var isEvent: Bool { type != .continuous && type != .timer }
    }

    struct Piece: Sendable {
        var source: Source
        /// Its index in `clips`.
        var clip: Int
        /// Wall-clock seconds of the clip that the export shows.
        var from: Int64
        var to: Int64
    }

    /// A chapter inside the file that is not a piece's own: where events start (`starting`,
    /// indices in `clips`), and where the last running event ends (`starting` empty).
    struct Mark: Sendable, Equatable {
        /// Wall-clock second.
        var at: Int64
        /// The piece whose media shows that second.
        var piece: Int
        var starting: [Int]
    }

    /// Every clip that overlaps the window, in time order, joined or not.
    var clips: [Source] = []
    var pieces: [Piece] = []
    var gaps: [Window] = []
    var marks: [Mark] = []

    init(sources: [Source], window: Window) {
        // At one start, the longer clip first: the shorter one's time is then all shown.
        clips = sources.filter { $0.end > window.from && $0.start < window.to }
            .sorted { ($0.start, -$0.end, $0.type.rawValue) < ($1.start, -$1.end, $1.type.rawValue) }
        var covered: Int64?
        for (index, source) in clips.enumerated() {
            let from = max(source.start, covered ?? window.from, window.from)
            let to = min(source.end, window.to)
            guard to - from >= 1 else { continue }
            if let covered, from > covered { gaps.append(Window(from: covered, to: from)) }
            pieces.append(Piece(source: source, clip: index, from: from, to: to))
            covered = to
        }
        guard !pieces.isEmpty else { return }
        let events = clips.indices.filter { clips[$0].isEvent }
        var starts: [Int64: [Int]] = [:]
        for index in events { starts[max(clips[index].start, window.from), default: []].append(index) }
        // An event's end is marked only where no other event still runs.
        let ends = Set(events.map { clips[$0].end }.filter { end in
            end < window.to && !events.contains { clips[$0].start <= end && clips[$0].end > end }
        })
        for at in Set(starts.keys).union(ends).sorted() {
            // A second no piece shows (a cut-out gap) has no place in the file.
            guard let piece = pieces.firstIndex(where: { $0.from <= at && at < $0.to }) else { continue }
            marks.append(Mark(at: at, piece: piece, starting: starts[at] ?? []))
        }
    }
}
