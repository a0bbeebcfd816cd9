import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// The memory budget bounds the bytes a clip holds, and a budget far smaller than the reorder
/// window never deadlocks: the clip's earlier segments always get their share before its later
/// ones (a hang here is the time limit's to catch; nothing measures time).
@Suite(.timeLimit(.minutes(2))) struct ClipFetcherMemoryTests {
    @Test(arguments: [1, 3])
    func aLongClipFitsInABudgetOfAFewSegments(segmentsOfBudget: Int) async throws {
        let seconds: Int64 = 600
        var limiterSnapshot: DownloadLimiter.Snapshot?
        var largest = 0
        try await withSandbox({ $0.account = ClipFetcherTests.account(.h264AAC, seconds: seconds) }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: ClipFetcherTests.mac, start: ClipFetcherTests.start).preferred)
            // The sandbox's segments are about 100 KB: the budget holds one or three.
            let budget = 110_000 * segmentsOfBudget
            let limiter = DownloadLimiter(.fixed(16), memoryBudget: budget)
            var policy = ClipFetcherTests.fastPolicy
            policy.reorderWindow = 32
            let fetcher = ClipFetcher(transport: sharedTransport, limiter: limiter, policy: policy, logger: quietLogger)
            let output = directory + "/clip.mp4"
            let result = try await fetcher.fetch(url: url, to: output)
            #expect(result.segments == 150)
            try await MP4Judge.check(output, video: "h264", tag: "avc1", audio: "aac", duration: Double(seconds))
            limiterSnapshot = limiter.snapshot
            largest = try await Self.largestSegment(client: client)
        }
        let snapshot = try #require(limiterSnapshot)
        // One segment may overdraw the budget by what its estimate missed, never more.
        #expect(snapshot.peakHeldBytes <= snapshot.memoryBudget + largest)
        #expect(snapshot.heldBytes == 0)
    }

    /// The largest segment of the test clip, in bytes, as the sandbox serves it.
    static func largestSegment(client: CloudClient) async throws -> Int {
        let url = try #require(try await client.playbackURLs(device: ClipFetcherTests.mac, start: ClipFetcherTests.start).preferred)
        let text = String(decoding: try await sharedTransport.execute(HTTPRequest(url: url)).body, as: UTF8.self)
        var largest = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let segment = URL(string: String(line), relativeTo: URL(string: url)!)!.absoluteString
            largest = max(largest, try await sharedTransport.execute(HTTPRequest(url: segment)).body.count)
        }
        return largest
    }
}
