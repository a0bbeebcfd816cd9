import CCurl
import Foundation
import Logging
import Synchronization

/// The one thread that runs libcurl's multi handle. Other threads talk to it only through
/// `submit`, which queues a command and wakes `curl_multi_poll`.
///
/// `@unchecked Sendable`: `multi`, `active`, `activeByID` and `idle` are touched only by the
/// loop thread; the inbox is behind a `Mutex`, and `curl_multi_wakeup` is documented as
/// callable from any thread.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command: Sendable {
        case start(CurlTransfer)
        case cancel(UInt64)
        case resume(UInt64)
        case shutdown
    }

    let configuration: CurlTransport.Configuration
    private let logger: Logger
    private let multi: UnsafeMutableRawPointer
    /// Commands for the loop, and whether it has ended (after which `multi` is freed).
    private let inbox = Mutex<(commands: [Command], closed: Bool)>(([], false))
    /// Transfers under way with their handles, by the handle's address (what libcurl reports
    /// back) and by the transfer's id (what cancel and resume name).
    private var active: [UnsafeMutableRawPointer: Active] = [:]
    private var activeByID: [UInt64: UnsafeMutableRawPointer] = [:]
    /// Handles kept for the next transfers.
    private var idle: [CurlEasyHandle] = []
    /// Body bytes received by every transfer (any thread reads it).
    let receivedBytes = Atomic<Int64>(0)
    /// The process-wide download cap, and transfers it paused with when to resume them.
    private var budget: RateBudget?
    private var throttled: [(at: ContinuousClock.Instant, id: UInt64)] = []

    private struct Active {
        var handle: CurlEasyHandle
        var transfer: CurlTransfer
    }
    private static let globalInit: Void = { _ = curl_global_init(ivy_curl_global_default()) }()

    init(configuration: CurlTransport.Configuration, logger: Logger) {
        Self.globalInit
        self.configuration = configuration
        self.logger = logger
        self.multi = curl_multi_init()
        self.budget = configuration.maxReceiveBytesPerSecond.map { RateBudget(bytesPerSecond: $0, now: .now) }
        let limited = ivy_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        if limited != CURLM_OK {
            logger.warning("libcurl refused the connection limit per host", metadata: ["reason": "\(String(cString: curl_multi_strerror(limited)))"])
        }
        let thread = Thread { [self] in run() }
        thread.name = "ivy-curl"
        thread.start()
    }

    func submit(_ command: Command) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.closed else { return false }
            inbox.commands.append(command)
            // Under the lock: the loop frees `multi` only after closing the inbox.
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted, case .start(let transfer) = command {
            transfer.complete(with: .failure(HTTPError.shutdown))
        }
    }

    func shutdown() {
        submit(.shutdown)
    }

    // MARK: Loop thread only

    private func run() {
        var running: Int32 = 0
        var stopping = false
        var reportedFailure = false
        while !stopping {
            let commands = inbox.withLock { inbox in
                defer { inbox.commands.removeAll() }
                return inbox.commands
            }
            for command in commands {
                switch command {
                case .start(let transfer): start(transfer)
                case .cancel(let id): cancel(id)
                case .resume(let id): resume(id)
                case .shutdown: stopping = true
                }
            }
            if stopping { break }
            resumeThrottled()
            let performed = curl_multi_perform(multi, &running)
            collectFinished()
            let polled = curl_multi_poll(multi, nil, 0, pollTimeout(), nil)
            if performed != CURLM_OK || polled != CURLM_OK, !reportedFailure {
                // Out of memory or a broken wakeup pipe: said once; the transfers fail by their timeouts.
                reportedFailure = true
                logger.error("libcurl's multi loop failed", metadata: ["reason": "\(String(cString: curl_multi_strerror(performed != CURLM_OK ? performed : polled)))"])
            }
        }
        let late = inbox.withLock { inbox in
            inbox.closed = true
            return inbox.commands
        }
        for case .start(let transfer) in late { transfer.complete(with: .failure(HTTPError.shutdown)) }
        for (easy, entry) in active {
            curl_multi_remove_handle(multi, easy)
            entry.transfer.complete(with: .failure(HTTPError.shutdown))
        }
        // The handles go (curl_easy_cleanup) before the multi handle they belonged to.
        active.removeAll()
        activeByID.removeAll()
        idle.removeAll()
        curl_multi_cleanup(multi)
    }

    private func start(_ transfer: CurlTransfer) {
        if transfer.isCancelled {
            transfer.complete(with: .failure(CancellationError()))
            return
        }
        let handle: CurlEasyHandle
        do {
            handle = try idle.popLast() ?? CurlEasyHandle()
            try transfer.configure(handle, configuration: configuration)
        } catch {
            transfer.complete(with: .failure(error))
            return
        }
        let added = curl_multi_add_handle(multi, handle.pointer)
        guard added == CURLM_OK else {
            transfer.complete(with: .failure(HTTPError.other("libcurl could not start the transfer: \(String(cString: curl_multi_strerror(added)))")))
            return
        }
        active[handle.pointer] = Active(handle: handle, transfer: transfer)
        activeByID[transfer.id] = handle.pointer
    }

    private func cancel(_ id: UInt64) {
        guard let easy = activeByID[id] else { return }
        finish(easy, with: .failure(CancellationError()))
    }

    /// Called by a transfer (on this thread) for `count` body bytes it is about to take:
    /// `false` when the cap says wait; the transfer is then paused and resumed here later.
    func admit(_ count: Int, transfer id: UInt64) -> Bool {
        guard budget != nil, let wait = budget?.take(count, now: .now) else {
            receivedBytes.add(Int64(count), ordering: .relaxed)
            return true
        }
        throttled.append((ContinuousClock.now + wait, id))
        return false
    }

    private func resumeThrottled() {
        guard !throttled.isEmpty else { return }
        let now = ContinuousClock.now
        let due = throttled.filter { $0.at <= now }
        throttled.removeAll { $0.at <= now }
        for entry in due { resume(entry.id) }
    }

    /// Milliseconds `curl_multi_poll` may wait: a second, or until a throttled transfer is due.
    private func pollTimeout() -> Int32 {
        guard let next = throttled.map(\.at).min() else { return 1000 }
        return Int32(clamping: max(1, min(1000, (next - .now).milliseconds)))
    }

    private func resume(_ id: UInt64) {
        guard let easy = activeByID[id] else { return }
        // Fails only for a handle that is not paused or already done: nothing to resume then.
        _ = curl_easy_pause(easy, ivy_curlpause_cont())
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            if code == CURLE_OK {
                finish(easy, with: .success(()))
            } else {
                finish(easy, with: .failure(Self.error(for: code)))
            }
        }
    }

    private func finish(_ easy: UnsafeMutableRawPointer, with result: Result<Void, any Error>) {
        curl_multi_remove_handle(multi, easy)
        guard let entry = active.removeValue(forKey: easy) else { return }
        activeByID[entry.transfer.id] = nil
        entry.transfer.complete(with: result)
        recycle(entry.handle)
    }

    /// Keeping a few handles spares their setup; connections live in the multi handle anyway.
    /// A handle kept is reset now, which frees what the last transfer set on it.
    private func recycle(_ handle: CurlEasyHandle) {
        guard idle.count < 32 else { return }
        handle.reset()
        idle.append(handle)
    }

    private static func error(for code: CURLcode) -> HTTPError {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotResolve
        case CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_PARTIAL_FILE: return .partialBody
        case CURLE_BAD_CONTENT_ENCODING: return .badContentEncoding
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .invalidURL
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER:
            return .tls
        default:
            return .other(String(cString: curl_easy_strerror(code)))
        }
    }
}
