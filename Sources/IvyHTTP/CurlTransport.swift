public import Logging
import Synchronization

/// HTTP over libcurl's multi interface: one thread drives every transfer of the process, which
/// keeps connections alive across requests and costs the least CPU per byte (see
/// `../shared/notes/c-libraries-from-swift.md`). Proxies come from the usual environment
/// variables (`http_proxy`, `https_proxy`, `no_proxy`), which libcurl reads itself.
public final class CurlTransport: HTTPTransport {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration = .seconds(15)
        /// Whole exchange, unless the request sets its own. `nil`: no limit (stall detection only).
        public var requestTimeout: Duration? = .seconds(300)
        /// A transfer slower than this many bytes per second for `stallTime` is abandoned as
        /// stalled (`HTTPError.timedOut`, transient: retried like any network failure). A
        /// trickle is no progress; a transfer paused by its reader is not measured.
        public var stallSpeed = 1024
        public var stallTime: Duration = .seconds(30)
        /// Download cap for all transfers together, in bytes per second (`--max-rate`);
        /// `nil` for none.
        public var maxReceiveBytesPerSecond: Int?
        public var maxConnectionsPerHost = 16
        /// Bytes that may wait unread before a streaming transfer is paused.
        public var bodyHighWater = 1 << 20
        public var userAgent = "IvyArchiver/0.1"

        public init() {}

        /// Caps all downloads together at `bytesPerSecond`. A capped transfer may take longer
        /// than any fixed limit, so only stall detection (which does not count the time a
        /// transfer waits for the cap) ends one; a request's own timeout still applies.
        public mutating func limitRate(to bytesPerSecond: Int) {
            maxReceiveBytesPerSecond = bytesPerSecond
            requestTimeout = nil
        }
    }

    private let loop: CurlMultiLoop
    private let nextID = Atomic<UInt64>(1)

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "ivy.http")) {
        self.loop = CurlMultiLoop(configuration: configuration, logger: logger)
    }

    deinit {
        loop.shutdown()
    }

    /// Body bytes received by every transfer so far: what a progress display shows while
    /// a download is under way.
    public var receivedBytes: Int64 { loop.receivedBytes.load(ordering: .relaxed) }

    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let transfer = CurlTransfer(id: id, request: request, loop: loop)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.awaitHead(continuation)
                loop.submit(.start(transfer))
            }
        } onCancel: {
            transfer.markCancelled()
            loop.submit(.cancel(id))
        }
    }

    public func execute(_ request: HTTPRequest, maxBodySize: Int) async throws -> HTTPResponse {
        let response = try await stream(request)
        let body = try await response.collect(upTo: maxBodySize)
        return HTTPResponse(head: response.head, body: body)
    }
}
