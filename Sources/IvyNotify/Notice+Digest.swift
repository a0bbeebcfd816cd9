import Foundation

extension Notice {
    /// A digest of this notice (a run's, or a digest so far) and the run `next` that came after
    /// it: `kind` digest, from this one's start to `next`'s end, `exitCode` and `host` of
    /// `next`, counts summed, `runs` and `failedRuns` added up, each list holding a clip once
    /// (its latest entry) and at most `listLimit` entries, the newest kept. A run that failed
    /// before its clips becomes a failure without camera whose reason starts with the run's
    /// start time. Events are those of the runs, `success` only when every run's was.
    public func merging(_ next: Notice) -> Notice {
        Self.digest(self, next)
    }

    /// One run's notice as a digest of that run alone: the start of a day's digest.
    public static func digest(of run: Notice) -> Notice {
        digest(nil, run)
    }

    private static func digest(_ earlier: Notice?, _ next: Notice) -> Notice {
        var counts = earlier?.counts ?? Counts()
        counts.archived += next.counts.archived
        counts.alreadyThere += next.counts.alreadyThere
        counts.failed += next.counts.failed
        counts.partial += next.counts.partial
        counts.unfinished += next.counts.unfinished
        counts.pruned += next.counts.pruned
        counts.bytes += next.counts.bytes
        counts.expiring += next.counts.expiring
        counts.lost += next.counts.lost
        let problems = Set((earlier?.events ?? []) + next.events).subtracting([.success])
        let first = earlier ?? next
        var merged = Notice(
            kind: .digest, account: next.account, host: next.host, exitCode: next.exitCode, error: nil,
            started: Date(timeIntervalSince1970: Double(first.startedUnix)), finished: Date(timeIntervalSince1970: Double(next.finishedUnix)),
            counts: counts,
            failures: latest((earlier?.runFailures ?? []) + next.runFailures) { "\($0.camera ?? "")|\($0.startUnix.map(String.init) ?? $0.reason)" },
            partial: latest((earlier?.partial ?? []) + next.partial) { "\($0.camera)|\($0.startUnix)" },
            expiring: latest((earlier?.expiring ?? []) + next.expiring) { "\($0.camera)|\($0.startUnix)" },
            lost: latest((earlier?.lost ?? []) + next.lost) { "\($0.camera)|\($0.startUnix)" },
            interrupted: false, runs: (earlier?.runs ?? 0) + next.runs, failedRuns: (earlier?.failedRuns ?? 0) + next.failedRuns,
            events: problems.isEmpty ? [.success] : problems.sorted())
        merged.truncated = merged.truncated || earlier?.truncated == true || next.truncated
        return merged
    }

    /// The failures, with a run's own error as one more (a digest keeps no `error`).
    private var runFailures: [Failure] {
        guard let error else { return failures }
        return failures + [Failure(camera: nil, cameraName: nil, start: nil, startUnix: nil, reason: "run of \(started): \(error)")]
    }

    /// Each entry once, at the place of its last occurrence, with its last value: a clip
    /// warned about every night is one clip.
    private static func latest<Entry>(_ entries: [Entry], key: (Entry) -> String) -> [Entry] {
        var seen: Set<String> = []
        var kept: [Entry] = []
        for entry in entries.reversed() where seen.insert(key(entry)).inserted { kept.append(entry) }
        return kept.reversed()
    }
}
