public import IvyCloud

/// The clips of one device, gathered from overlapping `record.query` windows: each clip once
/// (a clip is its start), oldest first, so that what the cloud deletes first is saved first.
public enum RecordingSet {
    /// Windows of at most `size` seconds covering `start...end`; consecutive windows share
    /// their edge second, so a clip starting exactly there is listed by both and kept once.
    public static func windows(from start: Int64, to end: Int64, size: Int64) -> [ClosedRange<Int64>] {
        precondition(size > 0, "a query window needs a length")
        guard start <= end else { return [] }
        var windows: [ClosedRange<Int64>] = []
        var lower = start
        while true {
            let upper = min(end, lower + size)
            windows.append(lower...upper)
            if upper >= end { break }
            lower = upper
        }
        return windows
    }

    /// One entry per start; where the cloud listed a start twice with different ends (a clip
    /// still growing, or cut at a window edge), the longest is kept.
    public static func merge(_ lists: [[Recording]]) -> [Recording] {
        var byStart: [Int64: Recording] = [:]
        for recording in lists.joined() {
            if let known = byStart[recording.start], known.end >= recording.end { continue }
            byStart[recording.start] = recording
        }
        return byStart.values.sorted { $0.start < $1.start }
    }
}
