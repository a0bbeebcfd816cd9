import Foundation
import Glibc
import IvyArchive
import IvyShip
import IvyTestSupport
import Testing

/// A run stopped mid-upload: rclone is killed, nothing is recorded, and the next run ships
/// each clip exactly once. The uploads are held by a wrapper of rclone that writes the first
/// kilobyte of the file at the remote and then waits (as a slow link would), while a marker
/// file is there; without it, the wrapper is rclone itself. It logs every call.
@Suite struct ShipperResumeTests {
    struct Wrapper {
        let folder: String
        var executable: String { folder + "/rclone" }
        var stallMarker: String { folder + "/stall" }
        var pids: String { folder + "/pids" }

        init() throws {
            folder = try makeTemporaryDirectory()
            try FileManager.default.createDirectory(atPath: folder + "/pids", withIntermediateDirectories: true)
            let script = """
                #!/bin/sh
                echo "$*" >> '\(folder)/calls'
                if [ "$1" = copyto ] && [ -e '\(folder)/stall' ]; then
                    target="${3#:local:}"
                    mkdir -p "$(dirname "$target")"
                    head -c 1000 "$2" > "$target"
                    echo $$ > '\(folder)/pids/'$$
                    exec sleep 600
                fi
                exec rclone "$@"
                """
            try script.write(toFile: executable, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable)
            _ = FileManager.default.createFile(atPath: stallMarker, contents: nil)
        }

        /// The uploads called so far, by the file uploaded (the wrapper's second argument).
        func uploads() -> [String] {
            ((try? String(contentsOfFile: folder + "/calls", encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.hasPrefix("copyto ") }.map { String($0.split(separator: " ")[1]) }
        }

        func stalled() -> [Int32] {
            ((try? FileManager.default.contentsOfDirectory(atPath: pids)) ?? []).compactMap { Int32($0) }
        }
    }

    @Test func aRunStoppedMidUploadKillsRcloneAndTheNextShipsEachClipOnce() async throws {
        let wrapper = try Wrapper()
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 2)
        let destination = try ShipFixture.destination(spec, executable: wrapper.executable)
        let shipper = Shipper(archive: folder, destination: destination, jobs: 4, logger: quietLogger)

        let run = Task { try await shipper.ship() }
        // Both uploads under way (their first kilobyte written): waited for, not timed.
        while wrapper.stalled().count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        let stalled = wrapper.stalled()
        run.cancel()
        let stopped = try await run.value
        #expect(stopped.interrupted && stopped.shipped.isEmpty && stopped.failures.isEmpty && stopped.left == 2)
        // The uploads' processes are gone, not left running.
        for pid in stalled {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "process \(pid) still there")
        }
        // What the stopped uploads left at the remote is not the file, and nothing says shipped.
        let clips = try await ShipFixture.clips(folder)
        for clip in clips {
            let copy = remote + "/" + (clip.file ?? "")
            #expect((try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int64) == 1000)
        }
        let catalog = try Catalog(path: folder.catalogPath)
        #expect(try await catalog.unshipped(to: destination.identity).count == 2)
        #expect(wrapper.uploads().count == 2)

        try FileManager.default.removeItem(atPath: wrapper.stallMarker)
        let resumed = try await shipper.ship()
        #expect(resumed.shipped.count == 2 && resumed.failures.isEmpty && !resumed.interrupted)
        for clip in clips {
            #expect(ShipFixture.sameBytes(folder, try #require(clip.file), remote: remote))
        }
        // One upload per clip in the second run, none in a third.
        let local = clips.compactMap(\.file).map { folder.root + "/" + $0 }.sorted()
        #expect(wrapper.uploads().dropFirst(2).sorted() == local)
        #expect(try await shipper.ship().shipped.isEmpty)
        #expect(wrapper.uploads().count == 4)
        #expect(try await catalog.unshipped(to: destination.identity).isEmpty)
    }
}
