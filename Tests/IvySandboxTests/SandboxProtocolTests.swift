import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// The sandbox validates like the real cloud: raw requests that the client would never send.
@Suite struct SandboxProtocolTests {
    func answer(_ url: String, form: [(String, String)]? = nil) async throws -> [String: Any] {
        let request = form.map { HTTPRequest.form(url: url, fields: $0) } ?? HTTPRequest(url: url)
        let body = try await sharedTransport.execute(request).body
        return try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }

    @Test func unknownServicesMissingParametersAndWrongMethodsAreRefused() async throws {
        try await withSandbox { endpoint, client in
            let session = try await client.login()
            let identity = "clientId=oemkey&openId=\(session.openId)&accessToken=\(session.accessToken)"
            let gateway = endpoint.baseURL + "/gateway?"
            #expect(try await answer(gateway + "service=no.such.service&" + identity)["errorCode"] as? String == "009999")
            let missing = try await answer(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUserAndMac&" + identity)
            #expect(missing["errorCode"] as? String == "000006")
            #expect((missing["failureDetails"] as? String)?.contains("macAddr") == true)
            let wrongMethod = try await answer(gateway + "service=user_ipc_setting_v2_0.delOemDeviceByMac&macAddr=X&" + identity)
            #expect(wrongMethod["errorCode"] as? String == "000006")
            let oauthByGet = try await answer(endpoint.baseURL + "/oauth?service=authorize")
            #expect(oauthByGet["errorCode"] as? String == "001002")
            let badClient = try await answer(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUser&clientId=x&openId=\(session.openId)&accessToken=\(session.accessToken)")
            #expect(badClient["errorCode"] as? String == "030010")
            let badToken = try await answer(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUser&clientId=oemkey&openId=\(session.openId)&accessToken=nope")
            #expect(badToken["errorCode"] as? String == "030091")
            let badOpenId = try await answer(gateway + "service=user_ipc_setting_v2_0.getOemDeviceByUser&clientId=oemkey&openId=x&accessToken=\(session.accessToken)")
            #expect(badOpenId["errorCode"] as? String == "030030")
        }
    }

    @Test func storeCallsNeedAValidSessionTokenAndAFutureTimestamp() async throws {
        try await withSandbox { endpoint, client in
            let info = try await client.serverInfo()
            let now = try await client.serverNowSeconds()
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            func store(_ timestamp: Int64, token: String) async throws -> [String: Any] {
                try await answer(endpoint.baseURL + "/stream?service=record.date.query&devId=\(mac)&timestamp=\(timestamp)&sessionToken=\(token)")
            }
            func md5(_ text: String) async throws -> String {
                try await FFprobe.run("sh", ["-c", "printf %s '\(text)' | md5sum | cut -c1-32"]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let good = try await store(now + 60, token: try await md5(info.subtoken + String(now + 60)))
            #expect(good["errorCode"] as? String == "")
            #expect((good["dateList"] as? [String])?.isEmpty == false)
            let past = try await store(now - 60, token: try await md5(info.subtoken + String(now - 60)))
            #expect(past["errorCode"] as? String == "000006")
            let forged = try await store(now + 60, token: try await md5("guess" + String(now + 60)))
            #expect(forged["errorCode"] as? String == "000006")
            #expect(forged["failureDetails"] as? String == "invalid sessionToken")
        }
    }

    @Test func playlistURLsAreSignedAndExpire() async throws {
        try await withSandbox { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let clip = endpoint.cloud.recordings(mac: mac)[0]
            let url = try #require(try await client.playbackURLs(device: mac, start: clip.start).preferred)
            #expect(try await sharedTransport.execute(HTTPRequest(url: url)).status == 200)
            let tampered = url.replacingOccurrences(of: "sign=", with: "sign=0")
            #expect(try await sharedTransport.execute(HTTPRequest(url: tampered)).status == 403)
            let stretched = url.replacingOccurrences(of: "expires=", with: "expires=9")
            #expect(try await sharedTransport.execute(HTTPRequest(url: stretched)).status == 403)
        }
        try await withSandbox({ $0.urlLifetime = .zero }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let clip = endpoint.cloud.recordings(mac: mac)[0]
            let url = try #require(try await client.playbackURLs(device: mac, start: clip.start).preferred)
            #expect(try await sharedTransport.execute(HTTPRequest(url: url)).status == 403)
        }
    }

    @Test func oneShotNotFoundAnswersOnceThenServes() async throws {
        try await withSandbox({ $0.faults.oneShotNotFoundRate = 1 }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let clip = endpoint.cloud.recordings(mac: mac)[0]
            let url = try #require(try await client.playbackURLs(device: mac, start: clip.start).preferred)
            let segment = url.replacingOccurrences(of: "index.m3u8", with: "0.ts")
            #expect(try await sharedTransport.execute(HTTPRequest(url: segment), maxBodySize: 1 << 24).status == 404)
            #expect(try await sharedTransport.execute(HTTPRequest(url: segment), maxBodySize: 1 << 24).status == 200)
        }
    }

    @Test func theSameSeedGivesTheSameAccount() throws {
        var configuration = SandboxConfiguration()
        configuration.account = .demo(days: 3, continuousChunksPerDay: 2, eventsPerDay: 5)
        let first = try SandboxCloud(configuration: configuration, logger: quietLogger)
        let second = try SandboxCloud(configuration: configuration, logger: quietLogger)
        configuration.seed = 2
        let other = try SandboxCloud(configuration: configuration, logger: quietLogger)
        for device in configuration.account.devices {
            let clips = first.recordings(mac: device.mac)
            #expect(clips.count == 3 * (2 + 5))
            #expect(clips == second.recordings(mac: device.mac))
            #expect(clips != other.recordings(mac: device.mac))
            #expect(clips.allSatisfy { ($0.end - $0.start) % 4 == 0 && $0.end > $0.start })
            #expect(Set(clips.map(\.start)).count == clips.count)
        }
    }
}
