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

    /// Sends `call`, handling everything the cloud may answer on the way to a verdict:
    /// token expiry (refresh once), `000077` (follow), `000066` (wait), `000099`, 5xx and
    /// network failures (back off), a rejected store token (resync the clock once).
    /// Returns the body of a successful answer.
    func perform(_ call: Call) async throws -> [UInt8] {
        var failures = 0
        var reauthenticated = false
        var moves = 0
        var resynced = false
        var upgradeWaited = Duration.zero
        while true {
            try Task.checkCancellation()
            let request = try await buildRequest(call)
            let response: HTTPResponse
            do {
                response = try await transport.execute(request)
            } catch let error as HTTPError where error.isTransient {
                failures += 1
                guard failures < configuration.retry.maxAttempts else {
                    throw CloudClientError.transport(call.service, "\(error) (after \(failures) tries)")
                }
                try await backOff(call, failures, reason: error.description)
                continue
            } catch let error as HTTPError {
                throw CloudClientError.transport(call.service, error.description)
            }
            if response.status >= 500 || response.status == 429 || response.status == 408 {
                failures += 1
                guard failures < configuration.retry.maxAttempts else {
                    throw CloudClientError.httpStatus(call.service, response.status)
                }
                try await backOff(call, failures, reason: "HTTP \(response.status)", retryAfter: Self.retryAfter(response))
                continue
            }
            let envelope: Envelope
            do {
                envelope = try JSONDecoding.decode(Envelope.self, from: response.body)
            } catch {
                guard (200..<300).contains(response.status) else {
                    throw CloudClientError.httpStatus(call.service, response.status)
                }
                throw CloudClientError.malformedAnswer(call.service, "not a JSON envelope")
            }
            guard let code = envelope.errorCode else {
                guard (200..<300).contains(response.status) else {
                    throw CloudClientError.httpStatus(call.service, response.status)
                }
                return response.body
            }
            logger.debug("cloud answered an error", metadata: ["service": "\(call.service)", "code": "\(code.rawValue)"])
            switch code {
            case _ where code.isTokenProblem && call.authentication == .user && !reauthenticated:
                reauthenticated = true
                try await reauthenticate(after: code)
                continue
            case .systemAddressChange where moves < 3:
                guard let url = envelope.serverURL, !url.isEmpty else { break }
                moves += 1
                apiBase = Self.normalizedBase(url)
                serverInfoCache = nil
                logger.notice("the cloud moved its dispatch address", metadata: ["to": "\(apiBase)"])
                continue
            case .systemUpgrade:
                guard upgradeWaited < configuration.upgradeMaxWait else {
                    throw CloudClientError.upgradeTimeout(call.service, "still upgrading after \(upgradeWaited)")
                }
                logger.notice("the cloud is being upgraded; waiting", metadata: ["service": "\(call.service)"])
                try await Task.sleep(for: configuration.upgradePollInterval)
                upgradeWaited += configuration.upgradePollInterval
                continue
            case .systemError:
                failures += 1
                guard failures < configuration.retry.maxAttempts else { break }
                try await backOff(call, failures, reason: "000099")
                continue
            case .invalidParameter, .parameterEmpty:
                // A rejected sessionToken or timestamp looks like any bad parameter (NOTES.md):
                // resync the clock and the subtoken once before believing it.
                guard case .store = call.authentication, !resynced else { break }
                resynced = true
                serverInfoCache = nil
                try await synchronizeClock()
                continue
            default:
                break
            }
            throw CloudAPIError(code: code, service: call.service, failureDetails: envelope.failureDetails)
        }
    }

    private func backOff(_ call: Call, _ failures: Int, reason: String, retryAfter: Duration? = nil) async throws {
        let delay = configuration.retry.delay(afterAttempt: failures, retryAfter: retryAfter)
        logger.info("retrying", metadata: ["service": "\(call.service)", "reason": "\(reason)", "delay": "\(delay)"])
        try await Task.sleep(for: delay)
    }

    private static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard let value = response.header("Retry-After"), let seconds = Int(value.trimmingCharacters(in: " ")) else { return nil }
        return .seconds(max(0, seconds))
    }

    private func buildRequest(_ call: Call) async throws -> HTTPRequest {
        var parameters: [(String, String)] = []
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
            return HTTPRequest.form(url: base + "?service=" + FormEncoding.escape(call.service), fields: fields)
        case .get, .head:
            return HTTPRequest(url: base + "?" + FormEncoding.encode(parameters), method: call.method)
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
