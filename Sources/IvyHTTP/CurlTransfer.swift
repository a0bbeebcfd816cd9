import CCurl
import Synchronization

/// One request in flight. Created by the caller's task, then driven only by the loop thread
/// (its C callbacks run there), except `markCancelled`, which is atomic.
///
/// `@unchecked Sendable`: the mutable fields below are touched only on the loop thread.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    private let request: HTTPRequest
    /// The loop that runs it: the body callback asks it for the process-wide rate budget.
    private let loop: CurlMultiLoop
    private let cancelled = Atomic<Bool>(false)
    private var headContinuation: CheckedContinuation<HTTPStreamingResponse, any Error>?
    private var headDelivered = false
    private var headerLines: [(name: String, value: String)] = []
    /// The handle driving this transfer, from `configure` until `complete`.
    private var easy: CurlEasyHandle?
    private let channel: BodyChannel
    /// Body bytes gathered into one block before they are handed over: libcurl delivers at most
    /// 16 KiB a call, and a few large blocks cost the allocator far less than many small ones.
    private var block: [UInt8] = []
    static let blockSize = 256 << 10

    init(id: UInt64, request: HTTPRequest, loop: CurlMultiLoop) {
        self.id = id
        self.request = request
        self.loop = loop
        self.channel = BodyChannel(
            highWater: loop.configuration.bodyHighWater,
            resume: { [loop] in loop.submit(.resume(id)) },
            abandon: { [loop] in loop.submit(.cancel(id)) }
        )
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func markCancelled() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Called by the requesting task before the transfer is submitted.
    func awaitHead(_ continuation: CheckedContinuation<HTTPStreamingResponse, any Error>) {
        headContinuation = continuation
    }

    /// Sets `easy` up for this request. The handle keeps a pointer to this transfer for its
    /// callbacks: the loop holds both until `complete`.
    ///
    /// - Throws: `HTTPError.invalidURL` for a URL libcurl will not take or a scheme other than
    ///   http/https; `HTTPError` (not transient) for an option this libcurl refuses.
    func configure(_ easy: CurlEasyHandle, configuration: CurlTransport.Configuration) throws {
        self.easy = easy
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw HTTPError.invalidURL
        }
        do {
            try easy.set(CURLOPT_URL, request.url)
            try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
            try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        } catch {
            throw HTTPError.invalidURL
        }

        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_FOLLOWLOCATION, 1)
        try easy.set(CURLOPT_MAXREDIRS, 5)
        // A libcurl built without HTTP/2 speaks HTTP/1.1, which serves as well.
        try? easy.set(CURLOPT_HTTP_VERSION, ivy_curl_http_version_2tls())
        try easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        // "" offers every coding libcurl can decode, and decodes the body: CDNs gzip playlists
        // and even segments, sometimes unasked (RFC 9110 §12.5.3 allows it).
        if request.decodesContent {
            try easy.set(CURLOPT_ACCEPT_ENCODING, "")
        } else {
            try easy.set(CURLOPT_HTTP_CONTENT_DECODING, 0)
        }
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        if let timeout = request.timeout ?? configuration.requestTimeout {
            try easy.set(CURLOPT_TIMEOUT_MS, timeout.milliseconds)
        }
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, configuration.stallSpeed)
        try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, configuration.stallTime.milliseconds / 1000))

        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .head:
            try easy.set(CURLOPT_NOBODY, 1)
        case .post:
            let body = request.body ?? []
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
            try body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies: the request may go away before the transfer ends.
                try easy.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        // An empty Expect header stops curl from waiting for "100 Continue" on POSTs.
        try easy.setHeaders(request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])

        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: me)
        try easy.set(CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        try easy.set(CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        var content = bytes[...]
        while let last = content.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            content = content.dropLast()
        }
        let line = String(decoding: content, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headerLines.removeAll()  // a new response (after a redirect or 100 Continue)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headerLines.append((name, String(value)))
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !bytes.isEmpty else { return 0 }
        deliverHead()
        if let spool = request.spool { return spoolBody(bytes, into: spool) }
        if !block.isEmpty, block.count + bytes.count > Self.blockSize {
            // Refused (the reader is behind): the block stays, and libcurl offers these bytes again.
            guard channel.offer(block) else { return ivy_curl_writefunc_pause() }
            block = []
        }
        // The process-wide cap: refused bytes are offered again when the transfer resumes.
        guard loop.admit(bytes.count, transfer: id) else { return ivy_curl_writefunc_pause() }
        if block.isEmpty { block.reserveCapacity(max(Self.blockSize, bytes.count)) }
        block.append(contentsOf: bytes)
        return bytes.count
    }

    /// Writes straight to the file, as libcurl's own tool does: nothing is gathered in memory
    /// but the prefix, handed to the reader at the end. A failed write (any count but the one
    /// given) makes libcurl end the transfer.
    private func spoolBody(_ bytes: UnsafeRawBufferPointer, into spool: SpoolFile) -> Int {
        guard loop.admit(bytes.count, transfer: id) else { return ivy_curl_writefunc_pause() }
        guard spool.append(bytes) else { return 0 }
        if block.count < spool.prefixLength {
            block.append(contentsOf: bytes.prefix(spool.prefixLength - block.count))
        }
        return bytes.count
    }

    private func deliverHead() {
        guard !headDelivered, let easy else { return }
        headDelivered = true
        let head = HTTPResponseHead(status: easy.info(CURLINFO_RESPONSE_CODE) ?? 0, headers: headerLines, url: easy.infoString(CURLINFO_EFFECTIVE_URL))
        headContinuation?.resume(returning: HTTPStreamingResponse(head: head, body: HTTPBody(channel: channel)))
        headContinuation = nil
    }

    func complete(with result: Result<Void, any Error>) {
        switch result {
        case .success:
            deliverHead()
            channel.finish(.success(()), last: block)
            block = []
        case .failure(let error):
            if let continuation = headContinuation {
                headDelivered = true
                headContinuation = nil
                continuation.resume(throwing: error)
            }
            channel.finish(.failure(error))
        }
        block = []
        easy = nil
    }
}
