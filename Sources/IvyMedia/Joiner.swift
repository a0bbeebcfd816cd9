import Foundation
import IvyConcurrency

/// One piece of a join: (part of) an MP4 on disk.
public struct JoinPart: Sendable {
    public var path: String
    /// Seconds after the file's first frame where the piece should start and end; `nil`: the
    /// file's own start or end.
    public var from: Double?
    public var to: Double?
    /// The title of the chapter this piece starts, given where in the file the piece really
    /// starts (seconds after its first frame; with keyframe cuts, before `from`): e.g. the
    /// wall-clock time of that instant.
    public var chapter: @Sendable (_ start: Double) -> String
    /// More chapters inside the piece (seconds after the file's first frame), e.g. where the
    /// recording has a hole and where it resumes; those outside the piece's cut are left out.
    public var marks: [JoinMark]

    public init(path: String, from: Double? = nil, to: Double? = nil, marks: [JoinMark] = [],
                chapter: @escaping @Sendable (_ start: Double) -> String) {
        self.path = path
        self.from = from
        self.to = to
        self.marks = marks
        self.chapter = chapter
    }
}

/// A chapter that starts inside a piece.
public struct JoinMark: Sendable, Equatable {
    /// Seconds after the piece's file's first frame.
    public var at: Double
    public var title: String

    public init(at: Double, title: String) {
        self.at = at
        self.title = title
    }
}

/// What a join made of each piece, for a report a person can check against the file.
public struct JoinedPart: Sendable, Equatable {
    /// What of the source file is in the output, in seconds after its first frame: with cuts on
    /// keyframes, at least what was asked for.
    public var from: Double
    public var to: Double
    /// Where it sits in the output, in seconds.
    public var outputStart: Double
    public var outputEnd: Double
    /// Frames re-encoded for `exact` cuts.
    public var reencodedFrames: Int
}

public struct JoinSummary: Sendable {
    public var parts: [JoinedPart] = []
    public var duration: Double = 0
    public var video: String?
    public var audio: String?
}

/// Joins MP4 pieces into one faststart MP4 on one continuous timeline, a chapter per piece.
///
/// Video is copied. By default each piece is cut on keyframes (at or before its start, at or
/// after its end), so nothing asked for is lost; with `exact`, the frames between a start and
/// the next keyframe are re-encoded, and the end is cut on the frame, so the output starts and
/// ends at the asked instants. On failure the output is removed.
public enum Joiner {
    public static func join(_ parts: [JoinPart], to output: String, metadata: RemuxMetadata = RemuxMetadata(), exact: Bool = false) async throws -> JoinSummary {
        guard !parts.isEmpty else { throw MediaError("join", message: "nothing to join") }
        let worker = JoinWorker(parts: parts, outputPath: output, metadata: metadata, exact: exact)
        return try await BlockingThread.media(name: "ivy-join") { interrupt in
            do {
                return try worker.run(interrupt: interrupt)
            } catch {
                try? FileManager.default.removeItem(atPath: output)
                throw error
            }
        }
    }
}
