import Foundation
import HTTPTypes
import Hummingbird
import IvyNotify
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// An HTTP server on 127.0.0.1, port 0, that keeps every request it gets and answers each with
/// the next of `statuses` (the last one again once they run out): a webhook to notify.
final class NoticeListener: Sendable {
    struct Received: Sendable {
        var method: String
        var path: String
        var contentType: String?
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func notice() throws -> Notice { try JSONDecoder().decode(Notice.self, from: Data(body)) }
    }

    private let state: Mutex<(received: [Received], statuses: [Int])>

    private init(statuses: [Int]) {
        state = Mutex(([], statuses))
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Starts a listener, runs `body` with its URL (`/hook/SECRET-PATH`, a webhook's kind of
    /// path), and stops it gracefully (cancelling a NIO server with an open connection traps:
    /// apple/swift-nio#3481).
    static func withRunning<T: Sendable>(answering statuses: [Int] = [200], _ body: (String, NoticeListener) async throws -> T) async throws -> T {
        let listener = NoticeListener(statuses: statuses)
        var logger = Logger(label: "ivy.test.listener")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let status = listener.state.withLock { state -> Int in
                state.received.append(Received(method: request.method.rawValue, path: request.uri.path,
                                               contentType: request.headers[.contentType], body: Array(buffer: bytes)))
                return state.statuses.count > 1 ? state.statuses.removeFirst() : state.statuses.first ?? 200
            }
            return Response(status: .init(code: status), body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "NoticeListener"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body("http://127.0.0.1:\(port)/hook/SECRET-PATH", listener))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
