import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// Segments wait on disk (spooled), except AES-128 ones, decrypted whole in memory: those stay
/// within the memory budget, and a budget far smaller than the reorder window never deadlocks:
/// the clip's earlier segments always get their share before its later ones (a hang here is the
/// time limit's to catch; nothing measures time). The limit is generous: two 600 s clips,
/// fetched, remuxed and decoded whole by ffprobe, took 143 s in CI beside the rest of the suite.
@Suite(.timeLimit(.minutes(10))) struct ClipFetcherMemoryTests {
    @Test(arguments: [1, 3])
    func aLongEncryptedClipFitsInABudgetOfAFewSegments(segmentsOfBudget: Int) async throws {
        let seconds: Int64 = 600
        var limiterSnapshot: DownloadLimiter.Snapshot?
        var largest = 0
        try await withSandbox({ $0.account = ClipFetcherTests.account(.encrypted, seconds: seconds) }) { _, client in
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
        #expect(snapshot.peakHeldBytes > 0)
        #expect(snapshot.peakHeldBytes <= snapshot.memoryBudget + largest)
        #expect(snapshot.heldBytes == 0)
    }

    @Test func aPlainClipsSegmentsWaitOnDiskAndLeaveNothingThere() async throws {
        let seconds: Int64 = 200
        try await withSandbox({ $0.account = ClipFetcherTests.account(.h264AAC, seconds: seconds) }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: ClipFetcherTests.mac, start: ClipFetcherTests.start).preferred)
            // A budget of one byte: a segment held in memory would overdraw it.
            let limiter = DownloadLimiter(.fixed(16), memoryBudget: 1)
            let fetcher = ClipFetcher(transport: sharedTransport, limiter: limiter, policy: ClipFetcherTests.fastPolicy, logger: quietLogger)
            let result = try await fetcher.fetch(url: url, to: directory + "/clip.mp4", temporaryDirectory: directory)
            #expect(result.segments == 50)
            try await MP4Judge.check(directory + "/clip.mp4", video: "h264", tag: "avc1", audio: "aac", duration: Double(seconds))
            #expect(limiter.snapshot.peakHeldBytes == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["clip.mp4"])
        }
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
