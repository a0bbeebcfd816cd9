import Foundation
import IvyDomain

extension ArchiveListing.Coverage {

    /// The coverage of `day` by `clips` (those that start on it, and one from the day before
    /// that runs into it).
    static func of(_ clips: [Catalog.Clip], day: ArchiveListing.Day, isFirst: Bool, now: Double) -> Self {
        let bounds = ArchiveListing.Span(start: Double(day.start), end: Double(day.end))
        let recorded = union(clips.flatMap { media(of: $0, less: { $0.unavailableReason == nil }) }, within: bounds)
        let held = union(clips.filter { ClipState.withFile.contains($0.state) }.flatMap { media(of: $0, less: { _ in true }) }, within: bounds)
        // Before a camera's first recording nothing was missed; after now nothing is due yet.
        let from = isFirst ? (recorded.first?.start ?? bounds.start) : bounds.start
        let to = min(bounds.end, max(now, recorded.last?.end ?? bounds.start))
        var gaps: [ArchiveListing.Span] = []
        var cursor = from
        for span in recorded + [ArchiveListing.Span(start: to, end: to)] {
            if span.start - cursor >= minimumGap { gaps.append(ArchiveListing.Span(start: cursor, end: min(span.start, to))) }
            cursor = max(cursor, span.end)
        }
        return Self(recorded: total(recorded), archived: total(held), gaps: gaps.filter { $0.duration >= minimumGap })
    }

    /// A clip's stretches, less the holes `less` picks: its `EXT-X-GAP`s (nothing was
    /// recorded there), or all of them (also the segments the cloud did not give).
    static func media(of clip: Catalog.Clip, less: (ClipHole) -> Bool) -> [ArchiveListing.Span] {
        var spans: [ArchiveListing.Span] = []
        var cursor = Double(clip.start)
        for hole in clip.holes.filter(less).sorted(by: { $0.start < $1.start }) {
            let start = Double(clip.start) + hole.start
            if start > cursor { spans.append(ArchiveListing.Span(start: cursor, end: start)) }
            cursor = max(cursor, start + hole.duration)
        }
        if Double(clip.end) > cursor { spans.append(ArchiveListing.Span(start: cursor, end: Double(clip.end))) }
        return spans
    }

    /// The spans merged where they overlap or touch, cut to `bounds`, in time order.
    static func union(_ spans: [ArchiveListing.Span], within bounds: ArchiveListing.Span) -> [ArchiveListing.Span] {
        var merged: [ArchiveListing.Span] = []
        for span in spans.sorted(by: { $0.start < $1.start }) {
            let cut = ArchiveListing.Span(start: max(span.start, bounds.start), end: min(span.end, bounds.end))
            guard cut.end > cut.start else { continue }
            if let last = merged.last, cut.start <= last.end {
                merged[merged.count - 1].end = max(last.end, cut.end)
            } else {
                merged.append(cut)
            }
        }
        return merged
    }

    static func total(_ spans: [ArchiveListing.Span]) -> Double { spans.reduce(0) { $0 + $1.duration } }
}
