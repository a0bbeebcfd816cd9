import CCurl
import Synchronization

/// One request in flight. Created by the caller's task, then driven only by the loop thread
/// (its C callbacks run there), except `markCancelled`, which is atomic.
///
/// `@unchecked Sendable`: the mutable fields below are touched only on the loop thread.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    private let request: HTTPRequest
    private let cancelled = Atomic<Bool>(false)
    private var headContinuation: CheckedContinuation<HTTPStreamingResponse, any Error>?
    private var headDelivered = false
    private var headerLines: [(name: String, value: String)] = []
    private var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let channel: BodyChannel

    init(id: UInt64, request: HTTPRequest, loop: CurlMultiLoop) {
        self.id = id
        self.request = request
        self.channel = BodyChannel(
            highWater: loop.configuration.bodyHighWater,
            resume: { [loop] in loop.submit(.resume(id)) },
            abandon: { [loop] in loop.submit(.cancel(id)) }
        )
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func markCancelled() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Called by the requesting task before the transfer is submitted.
    func awaitHead(_ continuation: CheckedContinuation<HTTPStreamingResponse, any Error>) {
        headContinuation = continuation
    }

    func configure(_ easy: UnsafeMutableRawPointer, configuration: CurlTransport.Configuration) throws {
        self.easy = easy
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw HTTPError.invalidURL
        }
        var ok = ivy_curl_easy_setopt_string(easy, CURLOPT_URL, request.url) == CURLE_OK
        ok = ok && ivy_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK
        ok = ok && ivy_curl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK
        guard ok else { throw HTTPError.invalidURL }

        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 5)
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, ivy_curl_http_version_2tls())
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ivy_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent)
        // "" offers every coding libcurl can decode, and decodes the body: CDNs gzip playlists
        // and even segments, sometimes unasked (RFC 9110 §12.5.3 allows it).
        if request.decodesContent {
            _ = ivy_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        } else {
            _ = ivy_curl_easy_setopt_long(easy, CURLOPT_HTTP_CONTENT_DECODING, 0)
        }
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        if let timeout = request.timeout ?? configuration.requestTimeout {
            _ = ivy_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.milliseconds)
        }
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, configuration.stallSpeed)
        _ = ivy_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, configuration.stallTime.milliseconds / 1000))
        if let rate = configuration.maxReceiveBytesPerSecond {
            _ = ivy_curl_easy_setopt_off(easy, CURLOPT_MAX_RECV_SPEED_LARGE, curl_off_t(rate))
        }

        switch request.method {
        case .get:
            _ = ivy_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case .head:
            _ = ivy_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .post:
            let body = request.body ?? []
            _ = ivy_curl_easy_setopt_long(easy, CURLOPT_POST, 1)
            _ = ivy_curl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies: the request may go away before the transfer ends.
                _ = ivy_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // An empty Expect header stops curl from waiting for "100 Continue" on POSTs.
        headerList = curl_slist_append(headerList, "Expect:")
        _ = ivy_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = ivy_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        _ = ivy_curl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        _ = ivy_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        _ = ivy_curl_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
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
        return channel.offer(Array(bytes)) ? bytes.count : ivy_curl_writefunc_pause()
    }

    private func deliverHead() {
        guard !headDelivered, let easy else { return }
        headDelivered = true
        var status = 0
        _ = ivy_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutableRawPointer?
        _ = ivy_curl_easy_getinfo_pointer(easy, CURLINFO_EFFECTIVE_URL, &effective)
        let url = effective.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
        let head = HTTPResponseHead(status: status, headers: headerLines, url: url)
        headContinuation?.resume(returning: HTTPStreamingResponse(head: head, body: HTTPBody(channel: channel)))
        headContinuation = nil
    }

    func complete(with result: Result<Void, any Error>) {
        switch result {
        case .success:
            deliverHead()
            channel.finish(.success(()))
        case .failure(let error):
            if let continuation = headContinuation {
                headDelivered = true
                headContinuation = nil
                continuation.resume(throwing: error)
            }
            channel.finish(.failure(error))
        }
        easy = nil
    }
}

extension Duration {
    var milliseconds: Int {
        let parts = components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }
}
