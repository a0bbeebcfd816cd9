import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// `MediaInfo.holes` against Debian's ffmpeg: a file whose pictures stop for 4 s.
@Suite struct HolesProbeTests {
    @Test func aStretchWithoutPicturesIsFound() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/gap.mp4"
        // Frames at 0-8 s and 12-20 s (the timestamps jump), with no sound.
        let made = try await Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=16",
                                                        "-vf", "setpts='if(gte(T,8),PTS+4/TB,PTS)'", "-fps_mode", "passthrough", "-c:v", "libx264", "-g", "15", file],
                                            environment: ["PATH": "/usr/bin:/bin"])
        #expect(made.status == 0, "\(made.stderr)")
        let holes = try await MediaInfo.holes(path: file)
        #expect(holes.count == 1, "\(holes)")
        #expect(holes.first.map { abs($0.start - 8) < 0.2 && abs($0.duration - 4) < 0.2 } == true, "\(holes)")
        let whole = folder + "/whole.mp4"
        _ = try await Subprocess.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=6", "-c:v", "libx264", whole],
                                     environment: ["PATH": "/usr/bin:/bin"])
        #expect(try await MediaInfo.holes(path: whole).isEmpty)
    }
}
