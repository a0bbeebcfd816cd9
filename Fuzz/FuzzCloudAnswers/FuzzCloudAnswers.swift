import Foundation
import FuzzSupport
import IvyCloud
import IvyHTTP
import Logging
import Synchronization

/// Whatever the cloud answers, the client does not trap: the envelope and every reply's
/// decoder, through the public calls that read them.
///
/// An input is one letter, then an answer body: the letter picks the call (`Scenario`,
/// `a` for the first case, `b` for the second, ...; any other byte wraps around), and the
/// rest is the body a fake cloud answers, with status 200, to the service under test. The
/// services the call needs on the way (login, the server's clock, `center.getServerInfo`)
/// get valid answers, unless they are the service under test.
///
/// A thrown error is a fine outcome; only a crash (a trap, an overflow, a hang past
/// libFuzzer's `-timeout`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudAnswers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzzing.bytes(data, size)
    guard let selector = input.first else { return 0 }
    let scenarios = Scenario.allCases
    let scenario = scenarios[((Int(selector) - Int(UInt8(ascii: "a"))) % scenarios.count + scenarios.count) % scenarios.count]
    let body = Array(input.dropFirst())
    Fuzzing.wait {
        let client = CloudClient(configuration: configuration, transport: FakeCloud(answer: body, plan: scenario.plan), logger: silent)
        do {
            try await scenario.run(client)
        } catch {
            describe(error)
        }
    }
    return 0
}

/// One try per call (`maxAttempts: 1`), no pause; an upgrade (`000066`) is waited for once,
/// a nanosecond.
private let configuration = CloudConfiguration(
    apiURL: "https://api.example.com",
    credentials: .password(username: "fuzz@example.com", password: "fuzz-password"),
    retry: RetryPolicy(maxAttempts: 1, baseDelay: .zero, maxDelay: .zero),
    upgradePollInterval: .nanoseconds(1),
    upgradeMaxWait: .nanoseconds(1)
)

private let silent = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

private let mac = "00626E8A1B02"

/// The public calls, in selector order: `a` is `devices`, `b` `deviceListing`, ... Append new
/// cases at the end, so that the committed corpus keeps meaning what it meant.
enum Scenario: CaseIterable {
    case devices  // a
    case deviceListing  // b
    case device  // c
    case addDevice  // d
    case updateDevice  // e
    case removeDevice  // f
    case unbindDevice  // g
    case serverInfo  // h
    case recordingHours  // i
    case recordings  // j
    case recordingListing  // k
    case playbackURLs  // l
    case serverTime  // m
    case inactiveGrants  // n
    case activateGrant  // o
    case currentService  // p
    case validGrants  // q
    case latestFirmware  // r
    /// Password login: the input is `/oauth`'s answer (`service=authorize`).
    case loginVendor  // s
    /// Password login where `/oauth` says `009999`: the input is `/oauth/token`'s answer.
    case loginOAuth2  // t
    /// Password login: the input is the answer of `/oauth` and of `/oauth/token`.
    case loginEither  // u
    /// Login (vendor), then `refreshAccessToken`: the input is `refresh_access_token`'s answer.
    case refreshVendor  // v
    /// Login (OAuth 2.0), then `refreshAccessToken`: the input is the second `/oauth/token` answer.
    case refreshOAuth2  // w
    /// `recordingListing` with the input as `center.getServerInfo`'s answer (the store's address
    /// and subtoken come from it).
    case storeAfterServerInfo  // x
    /// `playbackURLs` with the input as `cloud_system.current_time`'s answer (the store call's
    /// timestamp comes from it).
    case storeAfterClock  // y

    /// Which routes answer with the input.
    var plan: Plan {
        switch self {
        case .devices, .deviceListing: Plan(fuzzed: ["user_ipc_setting_v2_0.getOemDeviceByUser"])
        case .device: Plan(fuzzed: ["user_ipc_setting_v2_0.getOemDeviceByUserAndMac"])
        case .addDevice: Plan(fuzzed: ["user_ipc_setting_v2_0.addOemDevice"])
        case .updateDevice: Plan(fuzzed: ["user_ipc_setting_v2_0.updateOemDevice"])
        case .removeDevice: Plan(fuzzed: ["user_ipc_setting_v2_0.delOemDeviceByMac"])
        case .unbindDevice: Plan(fuzzed: ["user_ipc_setting_v2_0.delOemDeviceForce"])
        case .serverInfo, .storeAfterServerInfo: Plan(fuzzed: ["center.getServerInfo"])
        case .recordingHours: Plan(fuzzed: ["record.date.query"])
        case .recordings, .recordingListing: Plan(fuzzed: ["record.query"])
        case .playbackURLs: Plan(fuzzed: ["record.play"])
        case .serverTime, .storeAfterClock: Plan(fuzzed: ["cloud_system.current_time"])
        case .inactiveGrants: Plan(fuzzed: ["permission.query_user_not_active"])
        case .activateGrant: Plan(fuzzed: ["permission.active"])
        case .currentService: Plan(fuzzed: ["fcmall.get_current_service"])
        case .validGrants: Plan(fuzzed: ["permission.query_user_ipcs_valid"])
        case .latestFirmware: Plan(fuzzed: ["firmware.latest"])
        case .loginVendor: Plan(fuzzed: ["authorize"])
        case .loginOAuth2: Plan(fuzzed: [Route.tokenEndpoint], vendorLogin: false)
        case .loginEither: Plan(fuzzed: ["authorize", Route.tokenEndpoint])
        case .refreshVendor: Plan(fuzzed: ["refresh_access_token"])
        case .refreshOAuth2: Plan(fuzzed: [Route.tokenEndpoint], fuzzedFrom: 1, vendorLogin: false)
        }
    }

    func run(_ client: CloudClient) async throws {
        switch self {
        case .devices:
            for device in try await client.devices() { touch(device) }
        case .deviceListing:
            let listing = try await client.deviceListing()
            listing.elements.forEach(touch)
            _ = listing.unreadable.joined(separator: "; ")
        case .device:
            touch(try await client.device(mac: mac))
        case .addDevice:
            try await client.addDevice(NewDevice(macAddr: mac, deviceName: "Garage", username: "admin", password: "secret", productName: "FI9900P"))
        case .updateDevice:
            try await client.updateDevice(DeviceUpdate(macAddr: mac, deviceName: "Garage (north)", supportStore: true))
        case .removeDevice:
            try await client.removeDevice(mac: mac)
        case .unbindDevice:
            try await client.unbindDevice(mac: mac, delKey: "fuzz-del-key")
        case .serverInfo:
            let info = try await client.serverInfo()
            _ = (info.storeBaseURL, info.description, info.userId, info.channelCount)
        case .recordingHours:
            for hour in try await client.recordingHours(device: mac) { _ = (hour.dayNumber, hour.description) }
        case .recordings:
            for recording in try await client.recordings(device: mac, from: 1_699_990_000, to: 1_700_100_000) { touch(recording) }
        case .recordingListing, .storeAfterServerInfo:
            let listing = try await client.recordingListing(device: mac, from: 1_699_990_000, to: 1_700_100_000)
            listing.elements.forEach(touch)
            _ = listing.unreadable.joined(separator: "; ")
        case .playbackURLs, .storeAfterClock:
            let urls = try await client.playbackURLs(device: mac, start: 1_700_000_000)
            _ = (urls.preferred, urls.description)
        case .serverTime:
            _ = try await client.serverTime().timeIntervalSince1970
        case .inactiveGrants:
            for grant in try await client.inactiveGrants() { touch(grant) }
        case .activateGrant:
            try await client.activateGrant(grantId: 42, ipcMac: mac)
        case .currentService:
            let service = try await client.currentService(mac: mac)
            _ = (service.macAddr, service.name, service.startTime, service.endTime, service.status, service.flag)
        case .validGrants:
            let valid = try await client.validGrants()
            valid.grants.forEach(touch)
            _ = valid.systemTime
        case .latestFirmware:
            let query = FirmwareQuery(macAddr: mac, machineTypeName: "FI9900P", sysVersion: (1, 4, 12), appVersion: (2, 2, 70))
            let update = try await client.latestFirmware(query)
            for firmware in update.firmware {
                _ = (firmware.id, firmware.version, firmware.descriptions, firmware.downloadUri, firmware.createTime, firmware.md5)
            }
            _ = update.remind
        case .loginVendor, .loginOAuth2, .loginEither:
            touch(try await client.login())
        case .refreshVendor, .refreshOAuth2:
            try await client.login()
            touch(try await client.refreshAccessToken())
        }
    }
}

/// Reads what a caller reads, so that computed properties and descriptions run too.
private func touch(_ device: Device) {
    _ = (device.macAddr, device.deviceName, device.productName, device.hasusertag, device.supportStore, device.supportRichMedia)
}

private func touch(_ recording: Recording) {
    _ = (recording.duration, recording.type.name, recording.type.description)
}

private func touch(_ grant: Grant) {
    _ = (grant.grantId, grant.ipcMac, grant.grantStatus, grant.initTime, grant.userTag)
}

private func touch(_ session: Session) {
    _ = (session.openId, session.description, session.expiresIn, session.userId)
}

private func describe(_ error: any Error) {
    _ = String(describing: error)
    if let error = error as? CloudAPIError {
        _ = (error.code.name, error.code.meaning, error.code.isAuthentication, error.code.description)
    }
}

/// Which answers are the input. A route is a service name (`record.query`, `authorize`) or
/// `Route.tokenEndpoint`.
struct Plan: Sendable {
    var fuzzed: Set<String>
    /// Requests to a fuzzed route before this many are answered validly (a login before the
    /// refresh that is under test).
    var fuzzedFrom = 0
    /// `/oauth` offers the vendor's login; else it answers `009999` and the client falls back to
    /// the OAuth 2.0 token endpoint.
    var vendorLogin = true
}

enum Route {
    static let tokenEndpoint = "/oauth/token"

    /// The service a request calls: `service=` in the query the client appends last (a URL the
    /// input moved the client to may carry a query of its own before it), or the token endpoint.
    static func of(_ url: String) -> String {
        if url.hasSuffix(tokenEndpoint) { return tokenEndpoint }
        guard let question = url.lastIndex(of: "?") else { return "" }
        return FormEncoding.decode(url[url.index(after: question)...]).first { $0.0 == "service" }?.1 ?? ""
    }
}

/// A cloud that answers the routes under test with the input and every other with a valid
/// answer of the shape the sandbox and NOTES.md give.
final class FakeCloud: HTTPTransport {
    let answer: [UInt8]
    let plan: Plan
    private let requests = Mutex<[String: Int]>([:])

    init(answer: [UInt8], plan: Plan) {
        self.answer = answer
        self.plan = plan
    }

    func execute(_ request: HTTPRequest, maxBodySize: Int) async throws -> HTTPResponse {
        let route = Route.of(request.url)
        let earlier = requests.withLock { counts -> Int in
            let count = counts[route, default: 0]
            counts[route] = count + 1
            return count
        }
        let body = plan.fuzzed.contains(route) && earlier >= plan.fuzzedFrom ? answer : Array(canned(route).utf8)
        guard body.count <= maxBodySize else { throw HTTPError.bodyTooLarge }
        let head = HTTPResponseHead(status: 200, headers: [("Content-Type", "application/json;charset=UTF-8")], url: request.url)
        return HTTPResponse(head: head, body: body)
    }

    /// The client streams nothing but media, which no cloud call reads.
    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        throw HTTPError.couldNotConnect
    }

    private func canned(_ route: String) -> String {
        switch route {
        case "authorize":
            plan.vendorLogin ? Canned.session : Canned.notImplemented
        case "refresh_access_token":
            Canned.session
        case Route.tokenEndpoint:
            Canned.token
        case "cloud_system.current_time":
            Canned.time
        case "center.getServerInfo":
            Canned.serverInfo
        case "record.query":
            Canned.recordList
        case "record.play":
            Canned.playback
        default:
            Canned.success
        }
    }
}

enum Canned {
    static let success = #"{"errorCode":"","failureDetails":""}"#
    static let notImplemented = #"{"errorCode":"009999","failureDetails":"service not implemented"}"#
    static let session = #"{"errorCode":"","failureDetails":"","data":{"openId":"fuzz-open-id","accessToken":"fuzz-access-token","refreshToken":"fuzz-refresh-token","expiresIn":2592000,"userId":1001}}"#
    static let token = #"{"access_token":"fuzz-access-token","token_type":"bearer","refresh_token":"fuzz-refresh-token","expires_in":2592000,"open_id":"fuzz-open-id"}"#
    static let time = #"{"errorCode":"","failureDetails":"","data":1700000000000}"#
    static let serverInfo = #"{"errorCode":"","failureDetails":"","data":{"userId":1001,"subtoken":"fuzz-subtoken","area":"NA","storeUrl":"store.example.com:8443","channelCount":0}}"#
    static let recordList = #"{"errorCode":"","failureDetails":"","recordList":[["1700000000","1700000600","0"],["1700000700","1700000745","2"]]}"#
    static let playback = #"{"errorCode":"","failureDetails":"","recordUrl":"http://store.example.com/hls/rec.m3u8?timerange=1700000000-1700000600&expires=1700004500&sign=abc","secureUrl":"https://store.example.com/hls/rec.m3u8?timerange=1700000000-1700000600&expires=1700004500&sign=abc"}"#
}
