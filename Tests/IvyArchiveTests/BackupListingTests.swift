import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Listings the cloud gets wrong: no night is recorded as complete while a listing had a gap,
/// one camera's trouble never stops the others, and a camera listed twice is fetched once.
@Suite struct BackupListingTests {
    static let front = "00626E00BB01"
    static let back = "00626E00BB02"

    static func run(_ client: CloudClient, _ archive: String, overlap: Int64 = 0) async throws -> Backup.Summary {
        var options = try BackupTests.options(archive)
        options.overlap = overlap
        return try await BackupTests.backup(client).run(options)
    }

    static func archived(_ archive: String, _ mac: String) -> [String] {
        BackupTests.files(archive).filter { $0.contains(mac) }
    }

    /// Each `record.query` answer of `mac` has its first entry spoiled (a start that is no time).
    static func spoilFirstEntry(of mac: String) -> AnswerFault {
        AnswerFault(service: "record.query", device: mac, answer: .rewrite { text in
            guard let range = text.range(of: #""recordList":[[""#) else { return text }
            return text.replacingCharacters(in: range, with: #""recordList":[["x"#)
        })
    }

    /// Two nights of listings with unreadable entries, then a clean one: everything the cloud
    /// still holds is archived, though the dirty nights' ends lie after every clip.
    @Test func nightsWithUnreadableListingsAreNotComplete() async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let expected = endpoint.cloud.recordings(mac: Self.back).count
            endpoint.cloud.setAnswerFaults([Self.spoilFirstEntry(of: Self.back)])
            for night in 1...2 {
                let summary = try await Self.run(client, archive)
                let gap = summary.failures.first { $0.device?.mac == Self.back && $0.start == nil }
                #expect(gap?.reason.contains("could not be read") == true, "night \(night): \(summary.failures)")
                #expect(Self.archived(archive, Self.back).count < expected, "night \(night)")
            }
            endpoint.cloud.setAnswerFaults([])
            let clean = try await Self.run(client, archive)
            #expect(clean.failures.isEmpty, "\(clean.failures)")
            #expect(Self.archived(archive, Self.back).count == expected)
            #expect(Self.archived(archive, Self.front).count == endpoint.cloud.recordings(mac: Self.front).count)
        }
    }

    /// A listing answered with HTML, nothing or a 404 a few times is asked again.
    @Test(arguments: [AnswerFault.Answer.html, .empty, .notFound])
    func aFlakyListingIsAskedAgain(_ answer: AnswerFault.Answer) async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            endpoint.cloud.setAnswerFaults([AnswerFault(service: "record.query", device: Self.back, times: 2, answer: answer)])
            let summary = try await Self.run(client, archive)
            #expect(summary.failures.isEmpty, "\(summary.failures)")
            #expect(Self.archived(archive, Self.back).count == endpoint.cloud.recordings(mac: Self.back).count)
        }
    }

    /// One camera whose listing stays broken: the other is archived, the broken one is named,
    /// and the run is no complete one (the next clean run walks from the start again).
    @Test func oneCameraListingFailingStopsNoOther() async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            endpoint.cloud.setAnswerFaults([
                AnswerFault(service: "record.query", device: Self.back, answer: .html),
                AnswerFault(service: "record.date.query", device: Self.back, answer: .notFound),
            ])
            let summary = try await Self.run(client, archive)
            #expect(Self.archived(archive, Self.front).count == endpoint.cloud.recordings(mac: Self.front).count)
            #expect(Self.archived(archive, Self.back).isEmpty)
            #expect(summary.failures.map(\.device?.mac) == [Self.back], "\(summary.failures)")
            endpoint.cloud.setAnswerFaults([])
            let next = try await Self.run(client, archive)
            #expect(next.failures.isEmpty, "\(next.failures)")
            #expect(Self.archived(archive, Self.back).count == endpoint.cloud.recordings(mac: Self.back).count)
        }
    }

    /// A device entry without its MAC: the run says so and is not complete; the other camera goes on.
    @Test func anUnreadableDeviceEntryIsReported() async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            endpoint.cloud.setAnswerFaults([AnswerFault(service: "user_ipc_setting_v2_0.getOemDeviceByUser", answer: .rewrite {
                $0.replacingOccurrences(of: #""macAddr":"\#(Self.back)""#, with: #""macAddr":null"#)
            })])
            let summary = try await Self.run(client, archive)
            #expect(summary.failures.contains { $0.reason.contains("missing macAddr") }, "\(summary.failures)")
            #expect(Self.archived(archive, Self.front).count == endpoint.cloud.recordings(mac: Self.front).count)
            endpoint.cloud.setAnswerFaults([])
            _ = try await Self.run(client, archive)
            #expect(Self.archived(archive, Self.back).count == endpoint.cloud.recordings(mac: Self.back).count)
        }
    }

    /// The same camera twice in the device list (once in another MAC notation): its clips are
    /// fetched once.
    @Test func aDeviceListedTwiceIsFetchedOnce() async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            endpoint.cloud.setAnswerFaults([AnswerFault(service: "user_ipc_setting_v2_0.getOemDeviceByUser", answer: .rewrite { text in
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                      var devices = object["data"] as? [[String: Any]], var twin = devices.first else { return text }
                twin["macAddr"] = "00:62:6e:00:bb:01"
                devices.append(twin)
                var changed = object
                changed["data"] = devices
                return String(decoding: (try? JSONSerialization.data(withJSONObject: changed)) ?? Data(), as: UTF8.self)
            })])
            let summary = try await Self.run(client, archive)
            #expect(summary.failures.isEmpty, "\(summary.failures)")
            let expected = endpoint.cloud.recordings(mac: Self.front).count
            #expect(summary.archived == expected + endpoint.cloud.recordings(mac: Self.back).count)
            #expect(endpoint.cloud.stats.calls["record.play"] == summary.archived, "each clip asked for once")
        }
    }
}
