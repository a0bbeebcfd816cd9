/// `GET /sandbox/stats`: the counters as JSON, for benches that run the sandbox as a process of
/// its own (requests by kind, calls by service, statuses). Never a secret: no URL, no token.
/// Not counted itself. (A minimal version for bench (e); a fuller one may replace it.)
extension SandboxCloud {
    static let statsPath = "/sandbox/stats"

    func statsAnswer() -> SandboxResponse {
        let stats = self.stats
        let calls = stats.calls.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) }
        let statuses = stats.statuses.sorted { $0.key < $1.key }.map { (String($0.key), JSONValue.int($0.value)) }
        return .json(.object([
            ("playlistRequests", .int(stats.playlistRequests)), ("segmentRequests", .int(stats.segmentRequests)),
            ("keyRequests", .int(stats.keyRequests)), ("initRequests", .int(stats.initRequests)),
            ("calls", .object(calls)), ("statuses", .object(statuses)),
        ]))
    }
}
