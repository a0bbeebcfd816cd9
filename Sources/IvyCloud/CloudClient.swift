public import IvyHTTP
public import Logging

/// A typed client for every service of the IVYIOT cloud API.
///
/// An actor because its session is shared by every concurrent call: tokens, the gateway
/// address (which `000077` may move), the server clock offset and the store's address. Calls
/// run concurrently; the actor is only held between awaits.
public actor CloudClient {
    let configuration: CloudConfiguration
    let transport: any HTTPTransport
    let logger: Logger
    /// Base URL for `/gateway` and `/oauth`, without a trailing slash.
    private(set) var apiBase: String
    var session: Session?
    /// A renewal of the session is under way; calls rejected meanwhile wait for it here rather
    /// than each renewing again.
    var renewing = false
    var renewalWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Server time minus local time, in milliseconds; `nil` until first needed.
    var clockOffsetMilliseconds: Int64?
    var serverInfoCache: ServerInfo?

    public init(configuration: CloudConfiguration, transport: any HTTPTransport, logger: Logger = Logger(label: "ivy.cloud")) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.apiBase = Self.normalizedBase(configuration.apiURL)
        if case .token(let openId, let accessToken, let refreshToken) = configuration.credentials {
            session = Session(openId: openId, accessToken: accessToken, refreshToken: refreshToken)
        }
    }

    /// The gateway base the client uses now (it changes after `000077`).
    public var currentAPIURL: String { apiBase }

    static func normalizedBase(_ url: String) -> String {
        var base = url
        if !(base.hasPrefix("http://") || base.hasPrefix("https://")) { base = "https://" + base }
        while base.hasSuffix("/") { base.removeLast() }
        for suffix in ["/gateway", "/oauth"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        return base
    }

    // MARK: The one path every call takes

    enum Host: Sendable { case gateway, oauth, store }

    enum Authentication: Sendable, Equatable {
        /// No identity (`cloud_system.current_time`, `delOemDeviceForce`).
        case none
        /// `clientId`, `openId`, `accessToken`.
        case user
        /// `devId`, `sessionToken`, `timestamp` for this device.
        case store(device: String)
    }

    struct Call: Sendable {
        var host: Host
        var service: String
        var method: HTTPRequest.Method
        var parameters: [(String, String)]
        var authentication: Authentication
    }

    /// Sends `call`, handling everything the cloud may answer on the way to a verdict (the
    /// rules are `CallRetryState`'s). Returns the body of a successful answer.
    func perform(_ call: Call) async throws -> [UInt8] {
        var state = CallRetryState(
            service: call.service, authentication: call.authentication, retry: configuration.retry,
            upgradePollInterval: configuration.upgradePollInterval, upgradeMaxWait: configuration.upgradeMaxWait)
        while true {
            try Task.checkCancellation()
            let (request, token) = try await buildRequest(call)
            let outcome: CallRetryState.Outcome
            do {
                switch try Self.classify(try await transport.execute(request), service: call.service) {
                case .success(let body): return body
                case .failure(let failure): outcome = failure
                }
            } catch let error as HTTPError {
                outcome = .transportFailed(error)
            }
            logger.debug("the call did not succeed", metadata: ["service": "\(call.service)", "outcome": "\(outcome)"])
            switch state.next(after: outcome) {
            case .backOff(let delay, let reason):
                logger.info("retrying", metadata: ["service": "\(call.service)", "reason": "\(reason)", "delay": "\(delay)"])
                try await Task.sleep(for: delay)
            case .reauthenticate(let code):
                try await reauthenticate(after: code, rejected: token)
            case .move(let url):
                apiBase = Self.normalizedBase(url)
                serverInfoCache = nil
                logger.notice("the cloud moved its dispatch address", metadata: ["to": "\(apiBase)"])
            case .waitForUpgrade(let interval):
                logger.notice("the cloud is being upgraded; waiting", metadata: ["service": "\(call.service)"])
                try await Task.sleep(for: interval)
            case .resynchronize:
                serverInfoCache = nil
                try await synchronizeClock()
            case .fail(let error):
                throw error
            }
        }
    }

    private enum Classified {
        case success([UInt8])
        case failure(CallRetryState.Outcome)
    }

    /// A response as the retry rules see it: a body to hand back, or an outcome to act on.
    private static func classify(_ response: HTTPResponse, service: String) throws -> Classified {
        if response.isRetryableStatus {
            return .failure(.httpStatus(response.status, retryAfter: response.retryAfter))
        }
        let success = (200..<300).contains(response.status)
        guard let envelope = try? JSONDecoding.decode(Envelope.self, from: response.body) else {
            throw success ? CloudClientError.malformedAnswer(service, "not a JSON envelope") : CloudClientError.httpStatus(service, response.status)
        }
        if let code = envelope.errorCode {
            return .failure(.cloudError(code, serverURL: envelope.serverURL, details: envelope.failureDetails))
        }
        guard success else { throw CloudClientError.httpStatus(service, response.status) }
        return .success(response.body)
    }

    /// The request, and the access token it carries (to tell, when the cloud rejects it,
    /// whether another call has already renewed it).
    private func buildRequest(_ call: Call) async throws -> (HTTPRequest, String?) {
        var parameters: [(String, String)] = []
        var token: String?
        let base: String
        switch call.host {
        case .gateway:
            base = apiBase + "/gateway"
        case .oauth:
            base = apiBase + "/oauth"
        case .store:
            base = try await serverInfo().storeBaseURL + "/stream"
        }
        parameters.append(("service", call.service))
        switch call.authentication {
        case .none:
            break
        case .user:
            let session = try await currentSession()
            token = session.accessToken
            parameters += [("clientId", configuration.clientId), ("openId", session.openId), ("accessToken", session.accessToken)]
        case .store(let device):
            let subtoken = try await serverInfo().subtoken
            let timestamp = try await serverNowSeconds() + configuration.sessionTimestampLead
            parameters += [
                ("devId", device),
                ("sessionToken", Hashing.md5Hex(subtoken + String(timestamp))),
                ("timestamp", String(timestamp)),
            ]
        }
        parameters += call.parameters
        switch call.method {
        case .post:
            // The service name stays in the query, as every example of the document shows it.
            let fields = parameters.filter { $0.0 != "service" }
            return (HTTPRequest.form(url: base + "?service=" + FormEncoding.escape(call.service), fields: fields), token)
        case .get, .head:
            return (HTTPRequest(url: base + "?" + FormEncoding.encode(parameters), method: call.method), token)
        }
    }

    /// Decodes a successful answer's body into `T`, naming the service when it does not fit.
    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], service: String) throws -> T {
        do {
            return try JSONDecoding.decode(T.self, from: body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw CloudClientError.malformedAnswer(service, "missing \(key.stringValue)")
        } catch {
            throw CloudClientError.malformedAnswer(service, "unexpected shape")
        }
    }
}
