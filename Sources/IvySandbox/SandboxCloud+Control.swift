/// `/sandbox/...`: the sandbox's own endpoints, for benchmark scripts that run it as a
/// separate process and cannot read `SandboxCloud.stats`. Not part of the cloud's API, and
/// never counted in the statistics they report.
extension SandboxCloud {
    /// `GET /sandbox/stats`: the counters as JSON (`SandboxStats+JSON`), per account under `accounts`.
    /// `POST /sandbox/stats/reset`: the same, and the counters start over from zero (between
    /// two runs of a benchmark).
    /// `GET /sandbox/accounts`: each account's username and the clips its cameras have now
    /// (`SandboxCloud+Accounts`), what a fleet simulation checks the counters against.
    func control(_ request: SandboxRequest) -> SandboxResponse {
        switch (request.method, request.path) {
        case ("GET", "/sandbox/stats"):
            return .json(stats.json)
        case ("POST", "/sandbox/stats/reset"):
            return .json(state.withLock { $0.resetStats() }.json)
        case ("GET", "/sandbox/accounts"):
            return .json(accountsJSON())
        case (_, "/sandbox/stats"), (_, "/sandbox/stats/reset"), (_, "/sandbox/accounts"):
            return SandboxResponse(status: 405, body: Array("method not allowed".utf8))
        default:
            return .notFound
        }
    }
}
