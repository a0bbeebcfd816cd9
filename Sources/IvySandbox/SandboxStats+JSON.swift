/// The counters as JSON, for `GET /sandbox/stats`: what a benchmark script reads to count the
/// requests a run made. Only counts and paths' shapes (`MAC/start`): never a token, signature
/// or query.
extension SandboxStats {
    var json: JSONValue {
        func counts<Key: Comparable>(_ values: [Key: Int], _ name: (Key) -> String) -> JSONValue {
            .object(values.sorted { $0.key < $1.key }.map { (name($0.key), .int($0.value)) })
        }
        return .object([
            ("requests", .int(statuses.values.reduce(0, +))),
            ("calls", counts(calls) { $0 }),
            ("movedCalls", .int(movedCalls)),
            ("playlistRequests", .int(playlistRequests)),
            ("segmentRequests", .int(segmentRequests)),
            ("keyRequests", .int(keyRequests)),
            ("initRequests", .int(initRequests)),
            ("gapSegmentRequests", .int(gapSegmentRequests)),
            ("htmlAnswers", .int(htmlAnswers)),
            ("statuses", counts(statuses) { String($0) }),
            ("tooManyRequests", .int(tooManyRequests)),
            ("peakConcurrentMedia", .int(peakConcurrentMedia)),
            ("mediaBytesSent", .int(mediaBytesSent)),
            ("segmentRequestsByClip", counts(segmentRequestsByClip) { $0 }),
            ("accounts", .object(accounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })),
        ])
    }
}

extension SandboxStats.AccountStats {
    var json: JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue {
            .object(values.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
        }
        return .object([
            ("logins", .int(logins)),
            ("failedLogins", .int(failedLogins)),
            ("refreshes", .int(refreshes)),
            ("calls", counts(calls)),
            ("recordPlays", .int(recordPlays)),
            ("recordPlaysByClip", counts(recordPlaysByClip)),
            ("playlistRequests", .int(playlistRequests)),
            ("segmentRequests", .int(segmentRequests)),
            ("segmentRequestsByClip", counts(segmentRequestsByClip)),
        ])
    }
}
