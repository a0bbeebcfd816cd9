/// `/sandbox/...`: the sandbox's own endpoints, for benchmark scripts that run it as a
/// separate process and cannot read `SandboxCloud.stats`. Not part of the cloud's API, and
/// never counted in the statistics they report.
extension SandboxCloud {
    /// `GET /sandbox/stats`: the counters as JSON (`SandboxStats+JSON`).
    /// `POST /sandbox/stats/reset`: the same, and the counters start over from zero (between
    /// two runs of a benchmark).
    func control(_ request: SandboxRequest) -> SandboxResponse {
        switch (request.method, request.path) {
        case ("GET", "/sandbox/stats"):
            return .json(stats.json)
        case ("POST", "/sandbox/stats/reset"):
            let cleared = state.withLock { state in
                defer { state.stats = SandboxStats() }
                return state.stats
            }
            return .json(cleared.json)
        case (_, "/sandbox/stats"), (_, "/sandbox/stats/reset"):
            return SandboxResponse(status: 405, body: Array("method not allowed".utf8))
        default:
            return .notFound
        }
    }
}
