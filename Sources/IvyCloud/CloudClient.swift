public import IvyHTTP
public import Logging

/// A typed client for every service of the IVYIOT cloud API.
///
/// An actor because its session is shared by every concurrent call: tokens, the gateway
/// address (which `000077` may move), the server clock offset and the store's address. Calls
/// run concurrently; the actor is only held between awaits.
public actor CloudClient {
    /// What the client was made with (a later run makes its own client from it).
    public nonisolated let configuration: CloudConfiguration
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
    /// Whether any call had an answer from the API (a JSON envelope): until then, a `404` page
    /// is a wrong URL.
    private var reachedAPI = false
    /// Work under way that concurrent callers share instead of repeating: the first login, the
    /// server info, the clock sync. Each is cleared when it ends.
    var loginInFlight: Task<Session, any Error>?
    var serverInfoInFlight: Task<ServerInfo, any Error>?
    var clockInFlight: Task<Int64, any Error>?
    /// How the session was had, and so how it is renewed.
    var loginStyle = LoginStyle.vendor

    /// A session kept by `configuration.sessionStore` for the same credentials is taken up
    /// (its refresh token may be newer than the configured one); an unreadable one is ignored.
    public init(configuration: CloudConfiguration, transport: any HTTPTransport, logger: Logger = Logger(label: "ivy.cloud")) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.apiBase = Self.normalizedBase(configuration.apiURL)
        if case .token(let openId, let accessToken, let refreshToken) = configuration.credentials {
            session = Session(openId: openId, accessToken: accessToken, refreshToken: refreshToken)
        }
        do {
            if let stored = try configuration.sessionStore?.load(), stored.credentials == configuration.credentials.fingerprint {
                session = stored.session
                loginStyle = stored.style
            }
        } catch {
            logger.warning("the saved session could not be read; logging in afresh", metadata: ["error": "\(error)"])
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
        try await perform(call) { $0 }
    }

    /// Sends `call` and reads its successful answer with `read`. An answer `read` cannot make
    /// sense of (it throws `malformedAnswer`) is a failed try of the call, like a `503`.
    func perform<T>(_ call: Call, reading read: ([UInt8]) throws -> T) async throws -> T {
        var state = CallRetryState(
            service: call.service, authentication: call.authentication, idempotent: call.method == .get, retry: configuration.retry,
            upgradePollInterval: configuration.upgradePollInterval, upgradeMaxWait: configuration.upgradeMaxWait)
        while true {
            try Task.checkCancellation()
            let (request, token) = try await buildRequest(call)
            let outcome: CallRetryState.Outcome
            do {
                let response = try await transport.execute(request)
                switch Self.classify(response, service: call.service, url: reachedAPI ? nil : request.url.split(separator: "?").first.map(String.init)) {
                case .success(let body):
                    reachedAPI = true
                    do {
                        return try read(body)
                    } catch let error as CloudClientError where error == .malformedAnswer {
                        outcome = .unreadable(error)
                    }
                case .failure(let failure):
                    if case .cloudError = failure { reachedAPI = true }
                    outcome = failure
                }
            } catch let error as HTTPError {
                outcome = .transportFailed(error)
            }
            logger.debug("the call did not succeed", metadata: ["service": "\(call.service)", "outcome": "\(outcome)"])
            switch state.next(after: outcome) {
            case .backOff(let delay, let reason):
                logRetry(call.service, after: outcome, delay: delay, reason: reason)
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
    /// `url` (without its query) is given until the API first answered: a `404` page then
    /// means the URL is wrong, not a node that lost its route.
    private static func classify(_ response: HTTPResponse, service: String, url: String?) -> Classified {
        if response.isRetryableStatus {
            return .failure(.httpStatus(response.status, retryAfter: response.retryAfter))
        }
        let success = (200..<300).contains(response.status)
        guard let envelope = try? JSONDecoding.decode(Envelope.self, from: response.body) else {
            if success {
                let what = response.body.isEmpty ? "an empty body" : "not a JSON envelope"
                return .failure(.unreadable(CloudClientError.malformedAnswer(service, what)))
            }
            // A 404 page where an answer belongs: a proxy or a node that lost its route.
            if response.status == 404 {
                if let url { return .failure(.rejected(CloudClientError.notFound(service, url))) }
                return .failure(.unreadable(CloudClientError.httpStatus(service, 404)))
            }
            return .failure(.rejected(CloudClientError.httpStatus(service, response.status)))
        }
        if let code = envelope.errorCode {
            return .failure(.cloudError(code, serverURL: envelope.serverURL, details: envelope.failureDetails))
        }
        guard success else { return .failure(.rejected(CloudClientError.httpStatus(service, response.status))) }
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
            base = configuration.loginURL ?? apiBase + "/oauth"
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
            // `service` (and `version`) in the query, as public client code for this cloud sends
            // them, and every field in the body too: servers differ in where they read them.
            let query = parameters.filter { $0.0 == "service" || $0.0 == "version" }
            return (HTTPRequest.form(url: base + "?" + FormEncoding.encode(query), fields: parameters, timeout: configuration.callTimeout), token)
        case .get, .head:
            return (HTTPRequest(url: base + "?" + FormEncoding.encode(parameters), method: call.method, timeout: configuration.callTimeout), token)
        }
    }

    /// Decodes a successful answer's body into `T`; `malformedAnswer` naming the service and
    /// the field when it does not fit.
    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], service: String) throws -> T {
        do {
            return try JSONDecoding.decode(T.self, from: body)
        } catch let error as CloudClientError {
            throw error
        } catch {
            throw CloudClientError.malformedAnswer(service, Self.reason(error))
        }
    }

    /// Why a value could not be decoded, in a user's words, without the value's secrets:
    /// field names and short values only.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as UnreadableValue:
            return error.description
        case DecodingError.keyNotFound(let key, _):
            return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "unexpected shape" : "\(path) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            let detail = context.underlyingError.map { _ in "not valid JSON" } ?? context.debugDescription
            return detail.isEmpty ? "unexpected shape" : detail
        default:
            return "unexpected shape"
        }
    }

    /// A retry, said at the default level when the call keeps failing (a delay of 2 s or more)
    /// or waited out its timeout; a first hiccup is routine (info).
    func logRetry(_ service: String, after outcome: CallRetryState.Outcome, delay: Duration, reason: String) {
        let waitedOut = if case .transportFailed(let error) = outcome { error == .timedOut } else { false }
        logger.log(level: delay >= .seconds(2) || waitedOut ? .warning : .info, "the cloud keeps failing; retrying in \(Self.seconds(delay))",
                   metadata: ["service": "\(service)", "reason": "\(reason)"])
    }

    /// `4 s`, `0.5 s`: a delay as a person reads it.
    static func seconds(_ delay: Duration) -> String {
        let value = delay.inSeconds
        return value >= 10 ? "\(Int(value.rounded())) s" : String(format: "%.1f s", value)
    }
}
