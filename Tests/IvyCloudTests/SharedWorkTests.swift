import Foundation
import IvyCloud
import IvySandbox
import IvyTestSupport
import Testing

/// Work many callers need first (login, server info, the server's clock) is done once for all
/// of them, not once each: the sandbox counts the requests.
@Suite struct SharedWorkTests {
    @Test func concurrentFirstCallsShareOneLoginOneServerInfoAndOneClockSync() async throws {
        try await withSandbox { endpoint, client in
            let devices = endpoint.cloud.configuration.account.devices.map(\.mac)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    let mac = devices[index % devices.count]
                    group.addTask { _ = try await client.recordingHours(device: mac) }
                }
                try await group.waitForAll()
            }
            let calls = endpoint.cloud.stats.calls
            #expect(calls["oauth.authorize"] == 1, "\(calls)")
            #expect(calls["center.getServerInfo"] == 1, "\(calls)")
            #expect(calls["cloud_system.current_time"] == 1, "\(calls)")
            #expect(calls["record.date.query"] == 12, "\(calls)")
        }
    }

    @Test func aFailedFirstLoginIsNotKeptForTheNextCaller() async throws {
        try await withSandbox({ $0.faults.answers = [AnswerFault(service: "oauth.authorize", times: 1, answer: .body(
            #"{"errorCode":"030061","failureDetails":"password does not match"}"#))] }) { endpoint, client in
            await #expect(throws: CloudAPIError.self) { try await client.login() }
            _ = try await client.login()
            #expect(endpoint.cloud.stats.calls["oauth.authorize"] == 2)
        }
    }
}
