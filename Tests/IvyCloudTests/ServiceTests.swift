import Foundation
import IvyCloud
import IvySandbox
import IvyTestSupport
import Testing

/// Every service of the document, through the client, against the sandbox.
@Suite struct ServiceTests {
    @Test func devicesListsTheAccount() async throws {
        try await withSandbox { endpoint, client in
            let devices = try await client.devices()
            let expected = endpoint.cloud.configuration.account.devices
            #expect(devices.map(\.macAddr) == expected.map(\.mac))
            #expect(devices.map(\.deviceName) == expected.map(\.name))
            #expect(devices.allSatisfy { $0.supportStore && $0.oemCode == "SANDBOX" })
            let one = try await client.device(mac: expected[1].mac)
            #expect(one.deviceName == "Garage")
            #expect(one.productName == "FI9961EP")
        }
    }

    @Test func addUpdateAndRemoveADevice() async throws {
        try await withSandbox { _, client in
            let new = NewDevice(macAddr: "00626E000042", deviceName: "Shed", username: "admin", password: "x", productName: "FI9900P")
            try await client.addDevice(new)
            #expect(try await client.device(mac: "00626E000042").deviceName == "Shed")
            await expectCode(.deviceAlreadyExists) { try await client.addDevice(new) }
            var foreign = new
            foreign.macAddr = "00626EFFFF01"
            await expectCode(.deviceAddedByOthers) { try await client.addDevice(foreign) }

            try await client.updateDevice(DeviceUpdate(macAddr: "00626E000042", deviceName: "Garden shed"))
            #expect(try await client.device(mac: "00626E000042").deviceName == "Garden shed")

            try await client.removeDevice(mac: "00626E000042")
            #expect(try await client.devices().contains { $0.macAddr == "00626E000042" } == false)
            await expectCode(.deviceNotExists) { try await client.removeDevice(mac: "00626E000042") }
            await expectCode(.deviceNotExists) { _ = try await client.device(mac: "00626E000042") }
        }
    }

    @Test func unbindIsSignedWithTheOEMKey() async throws {
        try await withSandbox { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            await expectCode(.invalidParameter) { try await client.unbindDevice(mac: mac, delKey: "wrong-key") }
            try await client.unbindDevice(mac: mac, delKey: endpoint.cloud.configuration.delKey)
            #expect(try await client.devices().contains { $0.macAddr == mac } == false)
        }
    }

    @Test func grantsCanBeListedAndActivated() async throws {
        try await withSandbox { endpoint, client in
            let devices = endpoint.cloud.configuration.account.devices
            let inactive = try await client.inactiveGrants()
            #expect(inactive.count == devices.count)
            #expect(inactive.allSatisfy { $0.grantStatus == 1 })
            let valid = try await client.validGrants()
            #expect(valid.grants.count == devices.count)
            let now = Int64(Date().timeIntervalSince1970)
            // sysDate comes in milliseconds; the client hands out seconds.
            #expect(abs((valid.systemTime ?? 0) - now) < 60)

            let grant = inactive[0]
            await expectCode(.grantNotMatchDevice) { try await client.activateGrant(grantId: grant.grantId, ipcMac: devices[1].mac) }
            await expectCode(.grantNotExists) { try await client.activateGrant(grantId: 1, ipcMac: grant.ipcMac) }
            try await client.activateGrant(grantId: grant.grantId, ipcMac: grant.ipcMac)
            #expect(try await client.validGrants().grants.count == devices.count + 1)
            #expect(try await client.inactiveGrants().count == devices.count - 1)
            await expectCode(.grantCannotActivate) { try await client.activateGrant(grantId: grant.grantId, ipcMac: grant.ipcMac) }
        }
    }

    @Test func currentServiceDescribesThePlan() async throws {
        try await withSandbox { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[2].mac
            let service = try await client.currentService(mac: mac)
            #expect(service.macAddr == mac)
            #expect(service.name == "7 days per year")
            #expect(service.flag == 1)
            let start = try #require(service.startTime), end = try #require(service.endTime)
            #expect(end - start == 365 * 86_400)
        }
    }

    @Test func serverInfoNamesTheStoreAndHidesTheSubtoken() async throws {
        try await withSandbox { endpoint, client in
            let info = try await client.serverInfo()
            #expect(info.storeBaseURL == endpoint.baseURL)
            #expect(!info.subtoken.isEmpty)
            #expect(!"\(info)".contains(info.subtoken))
        }
    }

    @Test func recordingsMatchTheStore() async throws {
        try await withSandbox({ $0.account = .demo(days: 2, continuousChunksPerDay: 2, eventsPerDay: 4) }) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let expected = endpoint.cloud.recordings(mac: mac)
            let now = try await client.serverNowSeconds()
            let recordings = try await client.recordings(device: mac, from: now - 3 * 86_400, to: now)
            #expect(recordings.map(\.start) == expected.map(\.start))
            #expect(recordings.map(\.end) == expected.map(\.end))
            #expect(recordings.map(\.type.rawValue) == expected.map(\.type))
            #expect(recordings.contains { $0.type == .continuous && $0.duration == 600 })
            // An unknown type is kept, with a name that says so.
            if let unknown = recordings.first(where: { $0.type.rawValue == 13 }) { #expect(unknown.type.name == "type13") }

            let hours = try await client.recordingHours(device: mac)
            #expect(hours == hours.sorted())
            #expect(!hours.isEmpty)

            let urls = try await client.playbackURLs(device: mac, start: expected[0].start)
            let url = try #require(urls.preferred)
            #expect(url.contains("sign=") && url.contains("expires="))
            #expect(!"\(urls)".contains(url.components(separatedBy: "sign=")[1].prefix(32)))
            await expectCode(.invalidParameter) { _ = try await client.playbackURLs(device: mac, start: 12345) }
        }
    }

    @Test func firmwareLatestOffersAnUpgradeOnlyWhenThereIsOne() async throws {
        try await withSandbox { endpoint, client in
            let device = endpoint.cloud.configuration.account.devices[0]
            let old = FirmwareQuery(macAddr: device.mac, machineTypeName: device.productName, sysVersion: (1, 4, 12), appVersion: (2, 2, 70))
            let update = try await client.latestFirmware(old)
            #expect(update.firmware.count == 1)
            #expect(update.firmware.first?.version == "2.x.2.77")
            #expect(update.firmware.first?.descriptions["en"]?.contains("2.77") == true)
            #expect(update.remind == 1)
            let current = FirmwareQuery(macAddr: device.mac, machineTypeName: device.productName, sysVersion: (1, 4, 12), appVersion: (2, 2, 77))
            #expect(try await client.latestFirmware(current).firmware.isEmpty)
            let unknown = FirmwareQuery(macAddr: device.mac, machineTypeName: "NOPE", sysVersion: (1, 4, 12), appVersion: (2, 2, 70))
            await expectCode(.firmwareLinkNotExists) { _ = try await client.latestFirmware(unknown) }
        }
    }

    @Test func serverTimeFollowsTheServersClock() async throws {
        try await withSandbox({ $0.clockOffset = .seconds(3 * 3600) }) { _, client in
            // Bracketed by the local clock before and after the call: however long the call
            // takes on a loaded machine, the answer lies three hours past that span, give or take
            // the span again (the client takes the server's time as read at the round trip's
            // midpoint, which is off by at most half of it).
            let before = Date()
            let server = try await client.serverTime()
            let after = Date()
            let span = after.timeIntervalSince(before)
            let shifted = server.addingTimeInterval(-3 * 3600)
            #expect(shifted.timeIntervalSince(before) >= -span - 1 && shifted.timeIntervalSince(after) <= span + 1,
                    "\(server) against \(before)...\(after)")
        }
    }
}

/// Expects `body` to fail with a `CloudAPIError` of `code`.
func expectCode(_ code: CloudErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as CloudAPIError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct RecordingHourTests {
    @Test func hoursParseAndKnowTheirDay() {
        let hour = RecordingHour(cloudText: "20190330T190000")
        #expect(hour == RecordingHour(year: 2019, month: 3, day: 30, hour: 19))
        #expect(hour?.dayNumber == 17_985)  // 2019-03-30 is day 17985 since 1970-01-01
        #expect(RecordingHour(year: 1970, month: 1, day: 1, hour: 0).dayNumber == 0)
        #expect(RecordingHour(cloudText: "20240229T230000")?.dayNumber == 19_782)
        // The forms other servers write: ISO 8601 (a zone is dropped), digits without the T.
        for good in ["2019-03-30T19:00:00", "2019-03-30 19:00", "2019-03-30T19:00:00Z", "2019-03-30T19:00:00-05:00", "20190330190000", "2019033019"] {
            #expect(RecordingHour(cloudText: good) == RecordingHour(year: 2019, month: 3, day: 30, hour: 19), "\(good)")
        }
        #expect(RecordingHour(cloudText: "2019-03-30") == RecordingHour(year: 2019, month: 3, day: 30, hour: 0))
        for bad in ["", "2019033", "20191330T190000", "20190330T250000", "abcdefghijklmno", "19700101T000000", "99990101T000000", "2019-03-30T19:00:00x"] {
            #expect(RecordingHour(cloudText: bad) == nil, "\(bad)")
        }
    }

    /// The cloud's own form is read from its bytes (a year of hours is thousands of entries):
    /// it must read every value as the general reading does, and refuse what it refuses.
    @Test func theCloudsOwnFormReadsAsTheGeneralReadingDoes() {
        for (year, month, day, hour) in [(2000, 1, 1, 0), (2019, 3, 30, 19), (2024, 2, 29, 23), (2100, 12, 31, 23), (2026, 11, 30, 9)] {
            func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: width - String(value).count) + String(value) }
            let compact = pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(hour, 2) + "0000"
            let iso = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(hour, 2) + ":00"
            #expect(RecordingHour(cloudText: compact) == RecordingHour(year: year, month: month, day: day, hour: hour), "\(compact)")
            #expect(RecordingHour(cloudText: compact) == RecordingHour(cloudText: iso), "\(compact)")
        }
        for bad in ["20190330T19000x", "2019033xT190000", "20190332T190000", "20190300T190000", "19991231T230000", "21010101T000000", "20190330T240000"] {
            #expect(RecordingHour(cloudText: bad) == nil, "\(bad)")
        }
    }
}
