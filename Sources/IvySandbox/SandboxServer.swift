import Foundation
import IvyHTTP
import Hummingbird
import HTTPTypes
public import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Puts a `SandboxCloud` on a port: gateway, oauth, store and HLS host all on one listener, so
/// that a test or `ivy-archiver sandbox` needs one address. Acts out the network faults
/// (latency, bandwidth, truncated bodies, a limit on concurrent media requests) that
/// `SandboxCloud` asks for.
public enum SandboxServer {
    /// Serves until the surrounding task is cancelled or the process gets SIGINT/SIGTERM.
    /// `onListening` gets the bound port (useful with port 0).
    public static func run(
        cloud: SandboxCloud, host: String = "127.0.0.1", port: Int = 0, logger: Logger = Logger(label: "ivy.sandbox.http"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        do {
            try await application(cloud: cloud, host: host, port: port, logger: logger, onListening: onListening).runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw SandboxServerError(description: "port \(port) is in use on \(host); try --port 0 (a free port)")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw SandboxServerError(description: "cannot listen on port \(port): permission denied (ports below 1024 need root); try --port 0")
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw SandboxServerError(description: "cannot listen on \(host): no such address on this machine")
        }
    }

    /// Starts a sandbox on `127.0.0.1`, port 0, runs `body` against it, and stops it gracefully.
    ///
    /// Graceful, not cancelled: cancelling a NIO server while it holds an accepted connection
    /// traps ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
    public static func withRunning<T: Sendable>(
        cloud: SandboxCloud, logger: Logger = Logger(label: "ivy.sandbox.http"),
        _ body: (SandboxEndpoint) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application(cloud: cloud, host: "127.0.0.1", port: 0, logger: logger) { port in continuation.yield(port) }
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(SandboxEndpoint(port: port, cloud: cloud)))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    private static func application(
        cloud: SandboxCloud, host: String, port: Int, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let throttle = Throttle(configuration: cloud.configuration.faults)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await respond(to: request, cloud: cloud, throttle: throttle)
        }
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "IvySandbox"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    private static func respond(to request: Request, cloud: SandboxCloud, throttle: Throttle) async throws -> Response {
        var request = request
        // A media request counts against `Faults.concurrencyLimit` from its arrival until its
        // body is sent, so the slot is taken before anything else.
        let slot: MediaSlot?
        if request.uri.path.hasPrefix("/hls/") {
            slot = cloud.admitMedia(method: request.method.rawValue, path: request.uri.path)
            if slot == nil {
                if throttle.latency > .zero { try? await Task.sleep(for: throttle.latency) }
                let answer = SandboxResponse.tooManyRequests
                return Response(status: .init(code: answer.status), body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
        } else {
            slot = nil
        }
        let form: [(String, String)]
        if request.method == .post {
            let body = try await request.collectBody(upTo: 1 << 20)
            form = FormEncoding.decode(Substring(String(buffer: body)))
        } else {
            form = []
        }
        let host = request.head.authority ?? "127.0.0.1"
        let sandboxRequest = SandboxRequest(
            method: request.method.rawValue, path: request.uri.path, query: FormEncoding.decode(Substring(request.uri.query ?? "")),
            form: form, baseURL: "http://\(host)")
        let answer = cloud.handle(sandboxRequest)
        // Sleeps here end early at shutdown but never throw: an answer abandoned half-way makes
        // Hummingbird's writer trap ("Deinited NIOAsyncWriter without calling finish()").
        if throttle.latency > .zero { try? await Task.sleep(for: throttle.latency) }

        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let bytes = answer.gzip && answer.status == 200 ? Gzip.compress(answer.body) : answer.body
        if answer.gzip && answer.status == 200 { headers[.contentEncoding] = "gzip" }
        let throttled = answer.isMedia && throttle.isActive
        // Media answers are written here, not handed over whole, so that the slot closes and
        // the bytes are counted when the body is out.
        guard throttled || answer.truncate || slot != nil else {
            return Response(status: .init(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let truncate = answer.truncate, isMedia = answer.isMedia
        let body = ResponseBody(contentLength: bytes.count) { writer in
            let end = truncate ? bytes.count / 2 : bytes.count
            var position = 0
            defer {
                if isMedia { cloud.recordMediaBytes(position) }
                slot?.close()
            }
            while position < end {
                let next = min(end, position + (throttled ? Throttle.chunkSize : end))
                if throttled { await throttle.wait(for: next - position) }
                try await writer.write(ByteBuffer(bytes: bytes[position..<next]))
                position = next
            }
            // Throwing after a short body makes the server drop the connection, which is what a
            // client sees when a real server dies mid-answer.
            if truncate { throw TruncatedBody() }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: answer.status), headers: headers, body: body)
    }

    private struct TruncatedBody: Error {}
}

/// A running sandbox: where it listens, and the cloud behind it (for its counters).
public struct SandboxEndpoint: Sendable {
    public let port: Int
    public let cloud: SandboxCloud

    /// The base for `/gateway` and `/oauth` (what `IVY_API_URL` should be).
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// Bandwidth limits: per response (sleep per chunk) and for all responses together (a shared
/// schedule of when the link is next free).
final class Throttle: Sendable {
    static let chunkSize = 16 * 1024
    let latency: Duration
    private let perConnection: Int?
    private let total: Int?
    private let nextFree = Mutex(ContinuousClock.now)

    init(configuration: SandboxConfiguration.Faults) {
        latency = configuration.latency
        perConnection = configuration.bandwidthPerConnection
        total = configuration.bandwidthTotal
    }

    var isActive: Bool { perConnection != nil || total != nil }

    func wait(for bytes: Int) async {
        var delay = Duration.zero
        if let perConnection, perConnection > 0 {
            delay = .seconds(Double(bytes) / Double(perConnection))
        }
        if let total, total > 0 {
            let cost = Duration.seconds(Double(bytes) / Double(total))
            let now = ContinuousClock.now
            let start = nextFree.withLock { next in
                let start = max(next, now)
                next = start + cost
                return start
            }
            delay = max(delay, start + cost - now)
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}

/// The sandbox could not start listening. Its description is the one line a user needs.
public struct SandboxServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
