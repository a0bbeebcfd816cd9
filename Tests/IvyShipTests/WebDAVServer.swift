import Foundation
import IvyTestSupport

/// `rclone serve webdav` on 127.0.0.1, a port the system picks (rclone logs it), serving a
/// new folder: a remote that reports no hash, as most WebDAV servers.
final class WebDAVServer {
    let folder: String
    let url: String
    private let process: Process

    init() throws {
        let scratch = try makeTemporaryDirectory()
        folder = scratch + "/served"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = scratch + "/serve.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["rclone", "serve", "webdav", "--addr", "127.0.0.1:0", folder]
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // "WebDav Server started on http://127.0.0.1:41555/": waited for, not timed.
        var found: String?
        for _ in 0..<1200 where found == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            found = text.firstMatch(of: #/started on (http://127\.0\.0\.1:\d+)/#).map { String($0.1) }
            if found == nil { usleep(50_000) }
        }
        guard let found else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "rclone serve webdav did not start"])
        }
        url = found
    }

    /// An on-the-fly rclone remote of the served folder's `path`.
    func remote(_ path: String) -> String {
        ":webdav,url='\(url)':\(path)"
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
