import IvyCloud

/// Which part of which clip goes into an export: clips in time order, each from where the
/// previous one ended (overlapping clips are not shown twice), clipped to the window; the
/// stretches no clip covers are the gaps. Pure values, so it is tested without media.
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
    }

    struct Piece: Sendable {
        var source: Source
        /// Wall-clock seconds of the clip that the export shows.
        var from: Int64
        var to: Int64
    }

    var pieces: [Piece] = []
    var gaps: [Window] = []

    init(sources: [Source], window: Window) {
        var covered: Int64?
        for source in sources.sorted(by: { $0.start < $1.start }) {
            let from = max(source.start, covered ?? window.from, window.from)
            let to = min(source.end, window.to)
            guard to - from >= 1 else { continue }
            if let covered, from > covered { gaps.append(Window(from: covered, to: from)) }
            pieces.append(Piece(source: source, from: from, to: to))
            covered = to
        }
    }
}
