import Foundation
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Synchronization
import Testing

/// Bodies written to a spool file by the transport as they arrive, against the sandbox on
/// loopback: the same bytes as in memory, only the prefix in memory, nothing left in the folder,
/// and every way a spool can fail ends the transfer with a reason, never a shorter body.
@Suite struct SpoolFileTests {
    let transport = sharedTransport

    static func contents(_ spool: SpoolFile) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: spool.count)
        var offset = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while offset < buffer.count {
                let read = try spool.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), at: offset)
                if read == 0 { break }
                offset += read
            }
        }
        return Array(bytes[..<offset])
    }

    @Test func aSpooledBodyHoldsTheBytesServedAndOnlyItsPrefixIsInMemory() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withSandbox { endpoint, client in
            let url = try await firstSegmentURL(endpoint, client)
            let whole = try await transport.execute(HTTPRequest(url: url), maxBodySize: 1 << 24).body
            let heard = Mutex(0)
            var request = HTTPRequest(url: url)
            let spool = SpoolFile(directory: directory, prefixLength: 1000) { count in heard.withLock { $0 += count } }
            request.spool = spool
            let response = try await transport.stream(request)
            let prefix = try await response.collect(upTo: 1 << 24)
            #expect(response.head.status == 200)
            #expect(whole.count > 50_000)
            #expect(spool.count == whole.count)
            #expect(heard.withLock { $0 } == whole.count)
            #expect(try Self.contents(spool) == whole)
            #expect(prefix == Array(whole.prefix(1000)))
            try spool.checkWrites()
            // Unnamed: nothing to clean up, even after a crash.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test func aBodyPastTheSpoolsLimitEndsTheTransfer() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withSandbox { endpoint, client in
            var request = HTTPRequest(url: try await firstSegmentURL(endpoint, client))
            let spool = SpoolFile(directory: directory, limit: 10_000)
            request.spool = spool
            await #expect(throws: HTTPError.self) {
                _ = try await transport.stream(request).collect(upTo: 1 << 24)
            }
            #expect(spool.count <= 10_000)
            let failure = #expect(throws: SpoolFile.Failure.self) { try spool.checkWrites() }
            #expect(failure?.isTooLarge == true)
        }
    }

    @Test func aSpoolThatCannotBeMadeEndsTheTransferWithItsReason() async throws {
        try await withSandbox { endpoint, client in
            var request = HTTPRequest(url: try await firstSegmentURL(endpoint, client))
            let spool = SpoolFile(directory: "/nonexistent/ivy-spool-test")
            request.spool = spool
            await #expect(throws: HTTPError.self) {
                _ = try await transport.stream(request).collect(upTo: 1 << 24)
            }
            let failure = #expect(throws: SpoolFile.Failure.self) { try spool.checkWrites() }
            #expect(failure?.isTooLarge == false)
            #expect(failure?.description.contains("No such file or directory") == true, "\(String(describing: failure))")
        }
    }

    @Test func aSpooledBodyShorterThanItsContentLengthIsAnError() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withSandbox({ $0.faults.truncationRate = 1 }) { endpoint, client in
            var request = HTTPRequest(url: try await firstSegmentURL(endpoint, client))
            request.spool = SpoolFile(directory: directory)
            await #expect(throws: HTTPError.partialBody) {
                _ = try await transport.stream(request).collect(upTo: 1 << 24)
            }
        }
    }
}
