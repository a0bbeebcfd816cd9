import Foundation
import IvyCloud
import IvyHTTP
@testable import IvySandbox
import IvyTestSupport
import Testing

/// A sandbox that lists a year of clips over many cameras, the same in any process given the
/// same anchor, answering through the real API.
@Suite struct SandboxYearTests {
    /// A fixed end of the most recent day: yesterday's midnight, UTC (the clips must be over to be listed).
    static let anchor = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400 - 86_400

    static func year(cameras: Int = 3, days: Int = 365) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.account = .demo(cameras: cameras, days: days, continuousChunksPerDay: 0, eventsPerDay: 14)
        configuration.anchor = anchor
        return configuration
    }

    @Test func moreCamerasRepeatTheProfilesUnderTheirOwnMACs() {
        let household = SandboxAccount.demo().devices
        let many = SandboxAccount.demo(cameras: 12).devices
        #expect(many.count == 12)
        #expect(Array(many.prefix(5).map(\.mac)) == household.map(\.mac))
        #expect(Set(many.map(\.mac)).count == 12 && Set(many.map(\.name)).count == 12)
        #expect(many[5].mac == "00626E8A0006" && many[5].name == "Camera 6" && many[5].profile == household[0].profile)
        #expect(many.allSatisfy { CameraIDCheck.isMAC($0.mac) })
    }

    @Test func theSameAnchorGivesTheSameClipsInAnyProcess() throws {
        let configuration = Self.year()
        let cloud = try SandboxCloud(configuration: configuration, logger: quietLogger)
        let generated = configuration.recordings(anchor: Self.anchor)
        #expect(generated.count == 3)
        for (device, clips) in zip(configuration.account.devices, generated) {
            #expect(clips.count == 365 * 14)
            #expect(cloud.recordings(mac: device.mac) == clips)
            #expect(clips.allSatisfy { $0.start >= Self.anchor - 365 * 86_400 && $0.end <= Self.anchor + 60 })
        }
    }

    @Test(arguments: [Int64(0), 1_709_164_800, 1_709_251_199, 1_735_689_599, 1_735_689_600, 1_780_272_000, 4_102_444_799])
    func hoursAreSpelledAsACalendarSpellsThem(second: Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: Date(timeIntervalSince1970: Double(second)))
        let expected = String(format: "%04d%02d%02dT%02d0000", parts.year!, parts.month!, parts.day!, parts.hour!)
        #expect(SandboxCloud.hourText(second / 3600) == expected)
    }

    @Test func aYearIsListedThroughTheAPIByWindowAndByDate() async throws {
        try await withSandbox({ $0 = Self.year(cameras: 1) }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let clips = endpoint.cloud.recordings(mac: mac)
            let hours = try await client.recordingHours(device: mac)
            let expected = Set(clips.flatMap { clip in (clip.start / 3600...(clip.end - 1) / 3600).map { $0 } })
            #expect(hours.count == expected.count)
            #expect(Set(hours.map(\.dayNumber)) == Set(expected.map { $0 / 24 }))
            // A window in the middle of the year: exactly the clips that overlap it.
            let from = Self.anchor - 200 * 86_400, to = from + 6 * 3600
            let listed = try await client.recordings(device: mac, from: from, to: to)
            #expect(listed.map(\.start) == clips.filter { $0.end > from && $0.start <= to }.map(\.start))
        }
    }

    @Test func statsAreReadOverHTTPWithoutCountingThemselves() async throws {
        try await withSandbox { endpoint, client in
            _ = try await client.deviceListing()
            let read = { try await sharedTransport.execute(HTTPRequest(url: endpoint.baseURL + "/sandbox/stats")) }
            _ = try await read()
            let answer = try await read()
            #expect(answer.status == 200)
            let stats = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] ?? [:]
            #expect(stats["playlistRequests"] as? Int == 0 && stats["segmentRequests"] as? Int == 0)
            let calls = stats["calls"] as? [String: Int] ?? [:]
            #expect(calls.values.reduce(0, +) == endpoint.cloud.stats.calls.values.reduce(0, +) && !calls.isEmpty, "\(calls)")
        }
    }
}

/// A MAC is twelve hexadecimal digits (the sandbox's own spelling).
enum CameraIDCheck {
    static func isMAC(_ text: String) -> Bool {
        text.count == 12 && text.allSatisfy(\.isHexDigit)
    }
}
