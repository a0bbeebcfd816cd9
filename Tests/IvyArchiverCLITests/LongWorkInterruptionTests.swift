import Foundation
import IvyTestSupport
import Synchronization
import Testing

/// Ctrl-C reaches work that runs outside Swift's tasks: FFmpeg reading its input, a file being
/// hashed. The command stops inside that work (its input is not used up, its report never
/// printed), leaves nothing behind and exits 130.
@Suite struct LongWorkInterruptionTests {
    @Test func anInterruptedRemuxStopsInsideFFmpegAndLeavesNothing() async throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/long.ts"
        _ = try await FFprobe.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10", "-t", "120",
                                             "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-f", "mpegts", source])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        // A live input: FFmpeg can only end it once the test has written every byte.
        let fifo = folder + "/live.ts"
        try #require(mkfifo(fifo, 0o600) == 0)
        let fed = Atomic<Int>(0)
        let feeder = Task.detached { try await Self.feed(bytes, to: fifo, counting: fed) }
        defer { feeder.cancel() }
        let output = folder + "/out.mp4"
        let (status, _) = try await InterruptionTests.interrupt(["remux", fifo, "--output", output], environment: [:], signal: SIGINT) { _, pid in
            fed.load(ordering: .relaxed) >= bytes.count / 4 && InterruptionTests.holdsOpen(pid, fifo)
        }
        #expect(status == 130)
        #expect(fed.load(ordering: .relaxed) < bytes.count, "the remux stopped before its input ended")
        #expect(!FileManager.default.fileExists(atPath: output) && !FileManager.default.fileExists(atPath: output + ".partial"))
    }

    @Test func anInterruptedVerifyStopsInsideAClip() async throws {
        try await CatalogRecoveryTests.withArchive { _, env, archive in
            // One clip becomes 64 GiB (of holes), as the catalog says: hashing it takes a minute.
            let clip = try #require(mp4Files(in: archive).first)
            let full = archive + "/" + clip
            let size: Int64 = 64 << 30
            try #require(truncate(full, off_t(size)) == 0)
            let update = try await Subprocess.run("/usr/bin/sqlite3", [CatalogRecoveryTests.catalog(archive),
                                                                        "UPDATE clip SET size = \(size) WHERE file = '\(clip)'"])
            try #require(update.status == 0, "\(update.stderr)")
            let (status, stdout) = try await InterruptionTests.interrupt(["verify"], environment: env, signal: SIGINT) { _, pid in
                InterruptionTests.holdsOpen(pid, full)
            }
            #expect(status == 130)
            #expect(!stdout.contains("clips checked"), "verify stopped before its report: \(stdout)")
        }
    }

    @Test func anInterruptedCatalogRebuildLeavesTheCatalogAsItWas() async throws {
        try await CatalogRecoveryTests.withArchive { _, env, archive in
            let before = try await CLIProcess.run(["verify"], environment: env)
            try #require(before.status == 0, "\(before.stderr)")
            // One clip gains 64 GiB of holes after its media: the rebuild reads it whole to hash it.
            let clip = try #require(mp4Files(in: archive).first)
            let full = archive + "/" + clip
            try #require(truncate(full, off_t(64 << 30)) == 0)
            let (status, _) = try await InterruptionTests.interrupt(["catalog", "rebuild"], environment: env, signal: SIGINT) { _, pid in
                InterruptionTests.holdsOpen(pid, full)
            }
            #expect(status == 130)
            let state = try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver")
            #expect(!state.contains { $0.contains(".old-") || $0.contains("rebuilding") }, "\(state)")
            // The catalog knows every clip it knew: only the enlarged one is a problem now.
            let after = try await CLIProcess.run(["verify"], environment: env)
            let checked = { (output: String) in output.split(separator: "\n").last { $0.contains("clips checked") }.map { String($0.prefix { $0 != "," }) } }
            #expect(checked(after.stdout) == checked(before.stdout), "\(before.stdout) / \(after.stdout)")
        }
    }

    /// Writes a quarter of `bytes` into the FIFO at once, then a little at a time (2 KiB every
    /// 20 ms), until all is written, the reader goes away, or the task is cancelled.
    static func feed(_ bytes: [UInt8], to fifo: String, counting fed: borrowing Atomic<Int>) async throws {
        signal(SIGPIPE, SIG_IGN)
        var descriptor: Int32 = -1
        while descriptor < 0 {
            // Opening a FIFO for writing fails (ENXIO) until a reader has it open.
            descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
            if descriptor < 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let chunk = offset < bytes.count / 4 ? bytes.count / 4 - offset : min(2048, bytes.count - offset)
            let written = bytes[offset..<(offset + chunk)].withUnsafeBytes { write(descriptor, $0.baseAddress, chunk) }
            if written < 0 {
                guard errno == EAGAIN else { return }  // EPIPE: the reader is gone
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            offset += written
            fed.store(offset, ordering: .relaxed)
            if offset >= bytes.count / 4 { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
}
