import Foundation
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// The libcurl transport against the in-process sandbox on loopback.
@Suite struct CurlTransportTests {
    let transport = sharedTransport

    @Test func getReturnsStatusHeadersAndBody() async throws {
        try await withSandbox { endpoint, _ in
            let response = try await transport.execute(HTTPRequest(url: endpoint.baseURL + "/gateway?service=cloud_system.current_time"))
            #expect(response.status == 200)
            #expect(response.header("content-type")?.hasPrefix("application/json") == true)
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(json?["errorCode"] as? String == "")
            #expect((json?["data"] as? Int ?? 0) > 1_700_000_000_000)
        }
    }

    @Test func postSendsAPercentEncodedForm() async throws {
        try await withSandbox { endpoint, _ in
            let request = HTTPRequest.form(url: endpoint.baseURL + "/oauth?service=authorize", fields: [
                ("grantType", "password"), ("username", "demo@example.com"),
                ("password", "9a35f0f4cc7c6c10b0b9fb7d0a27d3f6"), ("clientId", "oemkey"),
                ("clientSecret", "397ff5985bb7437198a9ef51b4815caf"),
            ])
            let response = try await transport.execute(request)
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            // The username arrived intact (else 030060); the password is wrong on purpose.
            #expect(json?["errorCode"] as? String == "030061")
        }
    }

    @Test func aSlowReaderGetsTheSameBytesAsAFastOne() async throws {
        let small = CurlTransport(configuration: { var c = CurlTransport.Configuration(); c.bodyHighWater = 8 * 1024; return c }(), logger: quietLogger)
        try await withSandbox { endpoint, client in
            let url = try await firstSegmentURL(endpoint, client)
            let fast = try await transport.execute(HTTPRequest(url: url), maxBodySize: 1 << 24).body
            let streaming = try await small.stream(HTTPRequest(url: url))
            var slow: [UInt8] = []
            var chunks = 0
            for try await chunk in streaming.body {
                slow += chunk
                chunks += 1
                if chunks % 4 == 0 { try await Task.sleep(for: .milliseconds(2)) }
            }
            #expect(streaming.head.status == 200)
            #expect(fast.count > 50_000)
            #expect(slow == fast)
            #expect(Int(streaming.head.header("Content-Length") ?? "") == fast.count)
        }
    }

    @Test func aBodyShorterThanItsContentLengthIsAnError() async throws {
        try await withSandbox({ $0.faults.truncationRate = 1 }) { endpoint, client in
            let url = try await firstSegmentURL(endpoint, client)
            await #expect(throws: HTTPError.partialBody) {
                _ = try await transport.execute(HTTPRequest(url: url), maxBodySize: 1 << 24)
            }
        }
    }

    @Test func aBodyOverTheLimitIsRefused() async throws {
        try await withSandbox { endpoint, client in
            let url = try await firstSegmentURL(endpoint, client)
            await #expect(throws: HTTPError.bodyTooLarge) {
                _ = try await transport.execute(HTTPRequest(url: url), maxBodySize: 1000)
            }
        }
    }

    @Test func aRefusedConnectionIsATransientError() async throws {
        // Port 1 on loopback has no listener here; nothing leaves the machine.
        do {
            _ = try await transport.execute(HTTPRequest(url: "http://127.0.0.1:1/gateway"))
            Issue.record("expected an error")
        } catch let error as HTTPError {
            #expect(error == .couldNotConnect)
            #expect(error.isTransient)
        }
    }

    @Test func schemesOtherThanHTTPAreRefused() async throws {
        await #expect(throws: HTTPError.invalidURL) {
            _ = try await transport.execute(HTTPRequest(url: "file:///etc/passwd"))
        }
    }

    // The sandbox would answer in 20 s: only the timeout, or the cancellation, can end these
    // requests, whatever the machine's load (no test here measures time).
    @Test func aTimeoutEndsASlowRequest() async throws {
        try await withSandbox({ $0.faults.latency = .seconds(20) }) { endpoint, _ in
            let request = HTTPRequest(url: endpoint.baseURL + "/gateway?service=cloud_system.current_time", timeout: .milliseconds(300))
            await #expect(throws: HTTPError.timedOut) { _ = try await transport.execute(request) }
        }
    }

    /// A server that trickles (here 2 KB/s against a floor of 64 KB/s over one second) is
    /// judged stalled, with a transient error that the callers retry; no overall timeout set.
    @Test func aTrickleIsAStall() async throws {
        var configuration = CurlTransport.Configuration()
        configuration.requestTimeout = nil
        configuration.stallSpeed = 64 * 1024
        configuration.stallTime = .seconds(1)
        let strict = CurlTransport(configuration: configuration, logger: quietLogger)
        try await withSandbox({ $0.faults.bandwidthPerConnection = 2048 }) { endpoint, client in
            let url = try await firstSegmentURL(endpoint, client)
            do {
                let body = try await strict.execute(HTTPRequest(url: url), maxBodySize: 1 << 24).body
                Issue.record("a trickle of \(body.count) bytes was waited out")
            } catch let error as HTTPError {
                #expect(error == .timedOut, "\(error)")
                #expect(error.isTransient)
            }
        }
    }

    @Test func theDefaultFloorIsAKilobytePerSecond() {
        let defaults = CurlTransport.Configuration()
        #expect(defaults.stallSpeed == 1024 && defaults.stallTime == .seconds(30))
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        try await withSandbox({ $0.faults.latency = .seconds(20) }) { endpoint, _ in
            // Without cancellation this would end in the transport's own timeout, not CancellationError.
            let task = Task {
                try await transport.execute(HTTPRequest(url: endpoint.baseURL + "/gateway?service=cloud_system.current_time", timeout: .seconds(120)))
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
        }
    }

    @Test func manyConcurrentRequestsShareTheLoop() async throws {
        try await withSandbox { endpoint, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        try await transport.execute(HTTPRequest(url: endpoint.baseURL + "/gateway?service=cloud_system.current_time")).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func formEncodingRoundTrips() {
        let fields = [("a b", "x&y=z"), ("e-mail", "demo@example.com"), ("ü", "100%"), ("empty", "")]
        let encoded = FormEncoding.encode(fields)
        #expect(!encoded.contains(" ") && !encoded.contains("@"))
        let decoded = FormEncoding.decode(Substring(encoded))
        #expect(decoded.map(\.0) == fields.map(\.0))
        #expect(decoded.map(\.1) == fields.map(\.1))
    }
}
