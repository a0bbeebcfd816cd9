import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// Bytes handed to the remuxer as sources it reads itself (spooled segments), judged by ffprobe:
/// the same output as bytes in memory, and a source that falls short or fails to read fails the
/// remux with its own error, never a shorter file.
@Suite struct ByteSourceRemuxTests {
    /// A file as a source; `claimed` bytes announced (its size unless given), `failsAt` an
    /// offset from which reads throw.
    struct FileSource: ByteSource {
        let bytes: [UInt8]
        var claimed: Int?
        var failsAt: Int?

        var count: Int { claimed ?? bytes.count }

        struct ReadFailed: Error, CustomStringConvertible {
            var description: String { "the disk is gone" }
        }

        func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
            if let failsAt, offset + buffer.count > failsAt { throw ReadFailed() }
            let take = max(0, min(buffer.count, bytes.count - offset))
            bytes.withUnsafeBytes { source in
                if take > 0 { buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: take) }
            }
            return take
        }
    }

    /// A 12 s recording in three pieces of about a third each, cut at TS packet boundaries.
    static func pieces(in directory: String) async throws -> [[UInt8]] {
        try await MessyStreamRemuxTests.makeTS(directory + "/in.ts", seconds: 12)
        let all = try MessyStreamRemuxTests.bytes(directory + "/in.ts")
        let third = all.count / 188 / 3 * 188
        return [Array(all[..<third]), Array(all[third..<(2 * third)]), Array(all[(2 * third)...])]
    }

    @Test func sourcesAndBytesInMemoryMakeTheSameRecording() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pieces = try await Self.pieces(in: directory)
        // Sources between bytes in memory, with a buffer smaller than a piece.
        _ = try await Remuxer.remux(to: directory + "/out.mp4", bufferBytes: 64 << 10) { feed in
            try await feed.append(FileSource(bytes: pieces[0]))
            try await feed.append(pieces[1])
            try await feed.append(FileSource(bytes: pieces[2]))
        }
        let report = try await FFprobe.probe(directory + "/out.mp4")
        #expect(abs(report.duration - 12) < 0.3)
        let frames = try await FFprobe.videoFrames(directory + "/out.mp4")
        #expect(frames.count == 120)
        #expect(try await FFprobe.decodeErrors(directory + "/out.mp4").isEmpty)
    }

    @Test(arguments: ["short", "unreadable"])
    func aSourceThatFallsShortFailsTheRemux(kind: String) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pieces = try await Self.pieces(in: directory)
        let broken = kind == "short"
            ? FileSource(bytes: pieces[1], claimed: pieces[1].count + 188)
            : FileSource(bytes: pieces[1], failsAt: pieces[1].count / 2)
        let error = await #expect(throws: (any Error).self) {
            _ = try await Remuxer.remux(to: directory + "/out.mp4", bufferBytes: 64 << 10) { feed in
                try await feed.append(FileSource(bytes: pieces[0]))
                try await feed.append(broken)
                try await feed.append(FileSource(bytes: pieces[2]))
            }
        }
        let said = "\(error.map { String(describing: $0) } ?? "")"
        #expect(said.contains(kind == "short" ? "ended after" : "the disk is gone"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/out.mp4"))
    }
}
