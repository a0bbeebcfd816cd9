/// One API answer the sandbox mangles, as the issue reports and a mangling proxy show them:
/// an HTML page where JSON belongs, an empty or cut body, a `404`, or any body a test writes.
/// `SandboxConfiguration.Faults.answers` sets them up; `SandboxCloud.setAnswerFaults` changes
/// them between runs (one night's cloud, then the next).
public struct AnswerFault: Sendable {
    public enum Answer: Sendable {
        /// `200` with an HTML error page.
        case html
        /// `200` with no body at all.
        case empty
        /// `200` with the first half of the real answer.
        case truncated
        /// `404` with a plain-text body.
        case notFound
        /// `200` with this body instead of the real answer.
        case body(String)
        /// `200` with the real answer's text changed by this function.
        case rewrite(@Sendable (String) -> String)
    }

    /// The service as the sandbox's counters name it: `record.query`,
    /// `user_ipc_setting_v2_0.getOemDeviceByUser`, `oauth.authorize`, ...
    public var service: String
    /// For store calls: only this device's (`devId`); `nil`: every device's.
    public var device: String?
    /// How many answers it mangles; `nil`: all of them.
    public var times: Int?
    public var answer: Answer

    public init(service: String, device: String? = nil, times: Int? = nil, answer: Answer) {
        self.service = service
        self.device = device
        self.times = times
        self.answer = answer
    }

    func matches(service: String?, device: String?) -> Bool {
        service == self.service && (self.device == nil || self.device == device)
    }

    func apply(to response: SandboxResponse) -> SandboxResponse {
        let json = [("Content-Type", "application/json;charset=UTF-8")]
        switch answer {
        case .html:
            return SandboxResponse(status: 200, headers: [("Content-Type", "text/html")],
                                   body: Array("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
        case .empty:
            return SandboxResponse(status: 200, headers: json, body: [])
        case .truncated:
            return SandboxResponse(status: 200, headers: json, body: Array(response.body.prefix(response.body.count / 2)))
        case .notFound:
            return .notFound
        case .body(let text):
            return SandboxResponse(status: 200, headers: json, body: Array(text.utf8))
        case .rewrite(let change):
            return SandboxResponse(status: 200, headers: json, body: Array(change(String(decoding: response.body, as: UTF8.self)).utf8))
        }
    }
}

extension SandboxCloud {
    /// Replaces the answer faults in force (and their counts) from now on.
    public func setAnswerFaults(_ faults: [AnswerFault]) {
        state.withLock { $0.answerFaults = faults.map { ($0, 0) } }
    }

    /// The answer after the first matching fault that has answers left, if any.
    func mangled(_ response: SandboxResponse, service: String?, request: SandboxRequest) -> SandboxResponse {
        let device = request.parameter("devId")
        let fault: AnswerFault? = state.withLock { state in
            guard let index = state.answerFaults.firstIndex(where: { entry in
                entry.fault.matches(service: service, device: device) && entry.fault.times.map { entry.used < $0 } ?? true
            }) else { return nil }
            state.answerFaults[index].used += 1
            return state.answerFaults[index].fault
        }
        return fault?.apply(to: response) ?? response
    }
}
