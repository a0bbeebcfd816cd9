import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// A cloud that limits concurrent media requests answers `429` above the limit, and the
/// counters a benchmark reads over HTTP say so. Every assertion counts; none times.
@Suite struct SandboxConcurrencyTests {
    static let mac = "00626E00AA01"
    static let start: Int64 = 1_700_000_000

    /// Status and body size of a GET.
    static func get(_ url: String) async throws -> (status: Int, bytes: Int) {
        let response = try await sharedTransport.execute(HTTPRequest(url: url), maxBodySize: 1 << 24)
        return (response.status, response.body.count)
    }

    static func json(_ request: HTTPRequest) async throws -> (status: Int, text: String, object: [String: Any]) {
        let response = try await sharedTransport.execute(request)
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, text, (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:])
    }

    /// Polls (no deadline of its own: a bounded number of looks) until `condition` holds.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<6000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func mediaRequestsAboveTheLimitAreAnswered429() async throws {
        try await withSandbox({ configuration in
            configuration.account = SandboxMediaTests.account(.h264AAC)
            configuration.faults.concurrencyLimit = 2
            // A 100 KB segment then takes about 5 s: the first two are held open while the
            // test asks for more.
            configuration.faults.bandwidthPerConnection = 20_000
        }) { endpoint, client in
            let playlist = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            let segments = (0..<3).map { playlist.replacingOccurrences(of: "index.m3u8", with: "\($0).ts") }
            let held = try await withThrowingTaskGroup(of: (status: Int, bytes: Int).self) { group in
                for url in segments.prefix(2) {
                    group.addTask { try await Self.get(url) }
                }
                try await Self.waitUntil { endpoint.cloud.stats.peakConcurrentMedia == 2 }
                #expect(try await Self.get(segments[2]).status == 429)
                #expect(try await Self.get(playlist).status == 429, "playlists count as media requests too")
                var answers: [(status: Int, bytes: Int)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(held.map(\.status) == [200, 200])
            // The held answers are done: their slots are free again.
            #expect(try await Self.get(playlist).status == 200)

            let stats = endpoint.cloud.stats
            #expect(stats.tooManyRequests == 2)
            #expect(stats.statuses[429] == 2)
            #expect(stats.peakConcurrentMedia == 2)
            #expect(stats.segmentRequests == 2, "a 429 is not a segment the cloud answered")
            #expect(stats.playlistRequests == 1)
            #expect(stats.mediaBytesSent == Int64(held.map(\.bytes).reduce(0, +)))
        }
    }

    @Test func withoutALimitThePeakIsCountedAndNothingIsRefused() async throws {
        try await withSandbox({ $0.account = SandboxMediaTests.account(.h264AAC) }) { endpoint, client in
            let playlist = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<10 {
                    group.addTask { try await Self.get(playlist.replacingOccurrences(of: "index.m3u8", with: "\(index).ts")).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let stats = endpoint.cloud.stats
            #expect(stats.tooManyRequests == 0 && stats.statuses[429] == nil)
            #expect((1...10).contains(stats.peakConcurrentMedia))
            #expect(stats.segmentRequests == 10)
        }
    }

    @Test func theStatsEndpointCountsWithoutSecretsAndResets() async throws {
        try await withSandbox({ $0.account = SandboxMediaTests.account(.h264AAC) }) { endpoint, client in
            let session = try await client.login()
            let playlist = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            let signature = try #require(URLComponents(string: playlist)?.queryItems?.first { $0.name == "sign" }?.value)
            #expect(try await Self.get(playlist).status == 200)
            let segment = try await Self.get(playlist.replacingOccurrences(of: "index.m3u8", with: "0.ts"))
            #expect(segment.status == 200)
            #expect(try await Self.get(playlist.replacingOccurrences(of: "index.m3u8", with: "99.ts")).status == 404)

            let stats = endpoint.baseURL + "/sandbox/stats"
            let answer = try await Self.json(HTTPRequest(url: stats))
            #expect(answer.status == 200)
            let counts = answer.object
            #expect(counts["playlistRequests"] as? Int == 1)
            #expect(counts["segmentRequests"] as? Int == 1, "a segment the playlist does not list is a 404, not a segment")
            #expect(counts["tooManyRequests"] as? Int == 0)
            #expect(counts["peakConcurrentMedia"] as? Int == 1)
            #expect(counts["mediaBytesSent"] as? Int == segment.bytes)
            #expect((counts["statuses"] as? [String: Int])?["404"] == 1)
            #expect((counts["calls"] as? [String: Int])?["record.play"] == 1)
            #expect((counts["segmentRequestsByClip"] as? [String: Int])?["\(Self.mac)/\(Self.start)"] == 1)
            #expect(counts["requests"] as? Int == endpoint.cloud.stats.statuses.values.reduce(0, +))
            for secret in [session.accessToken, signature, "sandbox-password", "sign="] {
                #expect(!answer.text.contains(secret))
            }

            let reset = try await Self.json(HTTPRequest.form(url: stats + "/reset", fields: []))
            #expect(reset.status == 200)
            #expect(reset.object["segmentRequests"] as? Int == 1, "the reset answers the counters it cleared")
            let after = try await Self.json(HTTPRequest(url: stats))
            #expect(after.object["segmentRequests"] as? Int == 0)
            #expect(after.object["requests"] as? Int == 0, "asking for the counters is not counted")
            #expect(try await Self.json(HTTPRequest.form(url: stats, fields: [])).status == 405)
        }
    }
}
