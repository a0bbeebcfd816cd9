import Foundation
import IvyCloud
import IvySandbox
import IvyTestSupport
import Testing

/// Whatever the cloud answers: no trap, no silent guess. Out-of-range numbers are errors of
/// their request naming the field; unreadable answers are tried again, then reported; an
/// entry that cannot be read is counted, never taken for "no entry".
@Suite struct AnswerTests {
    static func envelope(_ fields: String) -> String {
        #"{"errorCode":"","failureDetails":""\#(fields.isEmpty ? "" : ",")\#(fields)}"#
    }

    static func fault(_ service: String, _ answer: AnswerFault.Answer, times: Int? = nil) -> (inout SandboxConfiguration) -> Void {
        { $0.faults.answers = [AnswerFault(service: service, times: times, answer: answer)] }
    }

    /// Numbers no clock, list or counter holds: each is the request's error, naming the field.
    @Test(arguments: ["1e300", "-5", "9223372036854775807", "-9223372036854775808", "1.5e15", "\"soon\"", "null", "[1]"])
    func serverTimesOutOfRangeAreErrorsNotTraps(_ value: String) async throws {
        try await withSandbox(Self.fault("cloud_system.current_time", .body(Self.envelope(#""data":\#(value)"#)))) { endpoint, client in
            do {
                let time = try await client.serverTime()
                Issue.record("\(value) was taken as \(time)")
            } catch let error as CloudClientError {
                #expect(error == .malformedAnswer, "\(error)")
                #expect(error.description.contains("data"), "\(error)")
            }
            // Retried like a failed exchange before it is believed.
            #expect(endpoint.cloud.stats.calls["cloud_system.current_time"] == 5)
        }
    }

    @Test func recordEntriesOfEveryTypeAreReadAndBadOnesCounted() async throws {
        let list = #"[[1700000000,"1700000060",2],["1700000100",1700000160.0,"7"],["-9223372036854775808","1700000300","2"],"#
            + #"["1700000400","1700000300","2"],["1700000500"],[true,"1700000600",2],["1700000700","1700000760"]]"#
        try await withSandbox(Self.fault("record.query", .body(Self.envelope(#""recordList":\#(list)"#)))) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let listing = try await client.recordingListing(device: mac, from: 1_699_990_000, to: 1_700_100_000)
            #expect(listing.elements.map(\.start) == [1_700_000_000, 1_700_000_100, 1_700_000_700])
            #expect(listing.elements.map(\.type.rawValue) == [2, 7, -1])
            #expect(listing.unreadable.count == 4, "\(listing.unreadable)")
            #expect(listing.unreadable.contains { $0.contains("recordSt") }, "\(listing.unreadable)")
            // The all-or-nothing call refuses to guess.
            await #expect(throws: CloudClientError.malformedAnswer) {
                try await client.recordings(device: mac, from: 1_699_990_000, to: 1_700_100_000)
            }
        }
    }

    @Test func dateListsOfNumbersAndISOTextAreRead() async throws {
        let dates = #"[20231114190000,"2023-11-15T08:00:00Z","2023-11-16 09:00","20231117T100000"]"#
        try await withSandbox(Self.fault("record.date.query", .body(Self.envelope(#""dateList":\#(dates)"#)))) { endpoint, client in
            let hours = try await client.recordingHours(device: endpoint.cloud.configuration.account.devices[0].mac)
            #expect(hours.map(\.description) == ["2023-11-14 19:00", "2023-11-15 08:00", "2023-11-16 09:00", "2023-11-17 10:00"])
        }
    }

    /// An answer without its list, or with an entry of no known form, is no empty list.
    @Test(arguments: [#""dateList":["yesterday"]"#, #""dateList":"20231114T190000""#, #""data":{}"#, ""])
    func unreadableDateListsAreErrors(_ fields: String) async throws {
        try await withSandbox(Self.fault("record.date.query", .body(Self.envelope(fields)))) { endpoint, client in
            await #expect(throws: CloudClientError.malformedAnswer) {
                try await client.recordingHours(device: endpoint.cloud.configuration.account.devices[0].mac)
            }
        }
    }

    @Test func aDeviceEntryWithoutItsMACCostsThatEntryOnly() async throws {
        let rewrite: @Sendable (String) -> String = { $0.replacingOccurrences(of: #""macAddr":"00626E8A1B02""#, with: #""mac":"00626E8A1B02""#) }
        try await withSandbox(Self.fault("user_ipc_setting_v2_0.getOemDeviceByUser", .rewrite(rewrite))) { endpoint, client in
            let all = endpoint.cloud.configuration.account.devices.map(\.mac)
            #expect(all.contains("00626E8A1B02"))
            let listing = try await client.deviceListing()
            #expect(listing.elements.map(\.macAddr) == all.filter { $0 != "00626E8A1B02" })
            #expect(listing.unreadable == ["missing macAddr"])
            await #expect(throws: CloudClientError.malformedAnswer) { try await client.devices() }
        }
    }

    /// HTML, nothing, half an answer, a 404 page: each is a failed try, and the next try counts.
    @Test(arguments: [AnswerFault.Answer.html, .empty, .truncated, .notFound])
    func anUnreadableListingIsTriedAgain(_ answer: AnswerFault.Answer) async throws {
        try await withSandbox(Self.fault("record.query", answer, times: 2)) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            let expected = endpoint.cloud.recordings(mac: mac)
            let now = Int64(Date().timeIntervalSince1970)
            let clips = try await client.recordings(device: mac, from: now - 3 * 86_400, to: now + 3600)
            #expect(clips.map(\.start) == expected.map(\.start))
            #expect(endpoint.cloud.stats.calls["record.query"] == 3)
        }
    }

    @Test func anAnswerThatStaysUnreadableIsReportedAfterTheRetries() async throws {
        try await withSandbox(Self.fault("record.query", .html)) { endpoint, client in
            let mac = endpoint.cloud.configuration.account.devices[0].mac
            do {
                _ = try await client.recordings(device: mac, from: 1_700_000_000, to: 1_700_003_600)
                Issue.record("an HTML page was taken for a listing")
            } catch let error as CloudClientError {
                #expect(error == .malformedAnswer)
                #expect(error.description.contains("not a JSON envelope"), "\(error)")
            }
            #expect(endpoint.cloud.stats.calls["record.query"] == 5)
        }
    }

    @Test func aListOfAbsurdLengthIsRefused() async throws {
        let entry = #"["1700000000","1700000060","2"],"#
        let list = "[" + String(repeating: entry, count: CloudClient.maximumRecordingEntries) + #"["1700000000","1700000060","2"]]"#
        try await withSandbox(Self.fault("record.query", .body(Self.envelope(#""recordList":\#(list)"#)))) { endpoint, client in
            await #expect(throws: CloudClientError.malformedAnswer) {
                try await client.recordingListing(device: endpoint.cloud.configuration.account.devices[0].mac, from: 1_700_000_000, to: 1_700_003_600)
            }
        }
    }
}
