import Foundation
import Synchronization

/// Debian's headless Chromium as the pages' independent judge: a screenshot and the DOM after
/// the page's script ran. Every request Chromium makes beyond the page's own files goes to a
/// proxy on 127.0.0.1 that only counts connections, so a test can say the page fetched nothing.
public enum Chromium {
    public struct Visit: Sendable {
        /// The DOM after scripts ran (`--dump-dom`).
        public var dom: String
        /// The hosts of every request Chromium sent to the network during both visits.
        public var requests: [String]

        /// Requests but those Chromium makes for itself whatever the page (Debian's build
        /// checks for component updates and accounts despite the flags that should stop it).
        public var pageRequests: [String] { requests.filter { !Chromium.ownHosts.contains($0) } }
    }

    static let ownHosts: Set<String> = [
        "update.googleapis.com", "accounts.google.com", "clients2.google.com", "redirector.gvt1.com",
        "safebrowsing.googleapis.com", "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com",
    ]

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") }

    /// Opens `page` (a file) twice: once for a PNG screenshot of `width` x `height` pixels at
    /// `screenshot`, once to dump its DOM.
    /// `fragment` (without `#`) is added to the page's URL.
    public static func visit(_ page: String, fragment: String? = nil, screenshot: String, width: Int = 1200, height: Int = 900) async throws -> Visit {
        let proxy = try ConnectionCounter()
        defer { proxy.stop() }
        let profile = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let url = URL(fileURLWithPath: page).absoluteString + (fragment.map { "#" + $0 } ?? "")
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--mute-audio", "--allow-file-access-from-files",
            // Everything that would leave the machine, loopback included, goes to the counter.
            "--proxy-server=http://127.0.0.1:\(proxy.port)", "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=5000", "--window-size=\(width),\(height)",
        ]
        let shot = try await Subprocess.run("/usr/bin/chromium", common + ["--screenshot=\(screenshot)", url], environment: ["PATH": "/usr/bin:/bin"])
        guard FileManager.default.fileExists(atPath: screenshot) else { throw ChromiumError("no screenshot: \(shot.stderr.suffix(2000))") }
        let dump = try await Subprocess.run("/usr/bin/chromium", common + ["--dump-dom", url], environment: ["PATH": "/usr/bin:/bin"])
        guard dump.status == 0, dump.stdout.contains("<html") else { throw ChromiumError("no DOM: \(dump.stderr.suffix(2000))") }
        return Visit(dom: dump.stdout, requests: proxy.hosts)
    }

    public struct ChromiumError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A listener on 127.0.0.1 standing for an HTTP proxy: it notes the host of each request's
/// first line (`GET http://host/...`, `CONNECT host:443`) and closes the connection.
final class ConnectionCounter: Sendable {
    let port: UInt16
    private let listener: Int32
    private let seen = Mutex<[String]>([])

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 64) == 0 && getsockname(listener, raw, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        // Blocking accepts on a thread of its own, not the concurrency pool.
        Thread { [self] in acceptConnections() }.start()
    }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { break }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(connection, &buffer, buffer.count, 0)
            let line = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
            seen.withLock { $0.append(Self.host(ofRequestLine: line)) }
            close(connection)
        }
    }

    var hosts: [String] { seen.withLock { $0 } }

    /// `GET http://host:80/x HTTP/1.1` and `CONNECT host:443 HTTP/1.1` -> `host`; the line
    /// itself when it is neither (still a request).
    static func host(ofRequestLine line: String) -> String {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return line.isEmpty ? "(no request line)" : line }
        var target = Substring(parts[1])
        if let scheme = target.range(of: "://") { target = target[scheme.upperBound...] }
        return String(target.prefix { $0 != "/" && $0 != ":" })
    }

    func stop() {
        // Wakes the blocked accept on Linux.
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
