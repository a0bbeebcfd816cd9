import Crypto
import Foundation
public import Logging
import Synchronization

/// The sandbox cloud's behaviour, apart from HTTP: a request in, an answer out. It keeps each
/// account's state (devices, grants, tokens) and answers like the real cloud, error codes
/// included. `SandboxServer` puts it on a port.
public final class SandboxCloud: Sendable {
    public let configuration: SandboxConfiguration
    let logger: Logger
    let state: Mutex<SandboxState>
    let templates: MediaTemplates
    /// Secret for URL signatures; never leaves the sandbox.
    let signingKey: SymmetricKey
    /// Null packets enough to pad a segment to `configuration.segmentBytes`, made once.
    let padding: [UInt8]

    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger = Logger(label: "ivy.sandbox")) throws {
        self.configuration = configuration
        self.logger = logger
        self.templates = try MediaTemplates.load()
        self.signingKey = SymmetricKey(data: SHA256.hash(data: Array("ivy-sandbox-signing-\(configuration.seed)".utf8)))
        self.padding = TransportStreamPatcher.nullPackets(max(0, configuration.segmentBytes ?? 0) / TransportStreamPatcher.packetSize)
        let nowSeconds = Int64(Date().timeIntervalSince1970) + Int64(configuration.clockOffset.components.seconds)
        self.state = Mutex(SandboxState(configuration: configuration, anchor: configuration.anchor ?? nowSeconds / 3600 * 3600))
    }

    /// A snapshot of the counters.
    public var stats: SandboxStats { state.withLock { $0.stats } }

    public func resetStats() {
        _ = state.withLock { $0.resetStats() }
    }

    /// Every access token issued so far expires now (tokens issued later live as configured):
    /// what a long run sees when its token runs out, without waiting for it.
    public func expireTokens() {
        state.withLock { state in
            for key in state.tokens.keys { state.tokens[key]?.expiresAt = 0 }
        }
    }

    /// The clips the store lists for a device now, whichever account has it (tests compare the
    /// client's view with it).
    public func recordings(mac: String) -> [SandboxRecording] {
        state.withLock { state in state.owner(of: mac).map { state.accounts[$0.account].devices[$0.device].recordings } ?? [] }
    }

    /// Each account's cameras now (MACs, in the account's order), first account first.
    public func deviceMACs() -> [(username: String, macs: [String])] {
        state.withLock { state in state.accounts.map { ($0.username, $0.devices.map(\.device.mac)) } }
    }

    /// The server's clock, in milliseconds, with the configured offset.
    public func serverNowMilliseconds() -> Int64 {
        let local = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let offset = configuration.clockOffset.components
        return local + Int64(offset.seconds) * 1000 + offset.attoseconds / 1_000_000_000_000_000
    }

    var serverNowSeconds: Int64 { serverNowMilliseconds() / 1000 }

    // MARK: Dispatch

    public func handle(_ request: SandboxRequest) -> SandboxResponse {
        var response: SandboxResponse
        var service: String?
        let path = request.path
        if path.hasPrefix("/sandbox/") { return control(request) }
        if path == "/gateway" || path == "/moved/gateway" {
            service = request.parameter("service")
            response = failureInjected(scope: .api) ?? gateway(request, moved: path.hasPrefix("/moved"))
        } else if path == "/oauth/token" || path == "/moved/oauth/token" {
            service = "oauth.token"
            response = failureInjected(scope: .api) ?? oauthToken(request)
        } else if path == "/oauth" || path == "/moved/oauth" {
            service = request.parameter("service").map { "oauth." + $0 }
            response = failureInjected(scope: .api) ?? oauth(request)
        } else if path == "/stream" {
            service = request.parameter("service")
            response = failureInjected(scope: .api) ?? store(request)
        } else if path.hasPrefix("/hls/") {
            response = hls(request)
        } else if path.hasPrefix("/play/"), path.hasSuffix("/index.m3u8"), configuration.faults.media.redirect {
            response = playRedirect(request)
        } else {
            response = .notFound
        }
        response = mangled(response, service: service, request: request)
        let entry = SandboxStats.Entry(method: request.method, path: path, service: service, status: response.status)
        state.withLock { state in
            state.stats.record(entry)
            if path.hasPrefix("/moved/") { state.stats.movedCalls += 1 }
        }
        return response
    }

    /// A `503` drawn at the configured rate, for requests in the configured scope.
    func failureInjected(scope: SandboxConfiguration.Faults.Scope) -> SandboxResponse? {
        let faults = configuration.faults
        guard faults.failureScope == scope || faults.failureScope == .all else { return nil }
        let overloaded = state.withLock { state in
            guard state.outageRequestsLeft > 0 else { return false }
            state.outageRequestsLeft -= 1
            return true
        }
        if overloaded { return SandboxResponse(status: 503, headers: [], body: Array("overloaded".utf8)) }
        guard faults.failureRate > 0 else { return nil }
        let fail = state.withLock { $0.random.chance(faults.failureRate) }
        if fail { logger.debug("injecting a 503", metadata: ["scope": "\(scope)"]) }
        return fail ? SandboxResponse(status: 503, headers: [("Retry-After", "0")], body: Array("service unavailable".utf8)) : nil
    }

    // MARK: Helpers shared by the services

    static func envelope(_ code: String = "", _ details: String = "", data: JSONValue? = nil, extra: [(String, JSONValue)] = []) -> SandboxResponse {
        var fields: [(String, JSONValue)] = [("errorCode", .string(code)), ("failureDetails", .string(details))]
        if let data { fields.append(("data", data)) }
        fields += extra
        return SandboxResponse.json(JSONValue.object(fields))
    }

    static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func sign(_ resource: String, timerange: String, expires: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(resource)|\(timerange)|\(expires)".utf8), using: signingKey)
        return Data(mac).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

/// A request as the sandbox sees it: the query and, for form posts, the body's fields.
public struct SandboxRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var form: [(String, String)]
    /// `scheme://host:port` the client used, so that URLs the sandbox hands out point back at it.
    public var baseURL: String

    public init(method: String, path: String, query: [(String, String)], form: [(String, String)] = [], baseURL: String) {
        self.method = method
        self.path = path
        self.query = query
        self.form = form
        self.baseURL = baseURL
    }

    /// A parameter from the form, else from the query.
    public func parameter(_ name: String) -> String? {
        form.last { $0.0 == name }?.1 ?? query.last { $0.0 == name }?.1
    }
}

/// An answer, plus the faults the server layer must act out.
public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Send the full `Content-Length`, then only half the body, then drop the connection.
    public var truncate = false
    /// Media bodies are throttled by the bandwidth knobs; JSON answers are not.
    public var isMedia = false
    /// Send the body gzip-compressed, with `Content-Encoding: gzip` (`MediaFaults.gzip`).
    public var gzip = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8], truncate: Bool = false, isMedia: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.truncate = truncate
        self.isMedia = isMedia
    }

    static func json(_ value: JSONValue) -> SandboxResponse {
        SandboxResponse(status: 200, headers: [("Content-Type", "application/json;charset=UTF-8")], body: Array(value.rendered.utf8))
    }

    static let notFound = SandboxResponse(status: 404, body: Array("not found".utf8))
    static let forbidden = SandboxResponse(status: 403, body: Array("forbidden".utf8))
}
