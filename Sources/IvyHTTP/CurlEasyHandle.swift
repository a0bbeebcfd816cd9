import CCurl

/// One libcurl easy handle, and the header list set on it: the list lives exactly as long as
/// the handle may read it (until `reset` or `deinit`). Every option set is checked; a refused
/// one throws instead of leaving the transfer half configured.
///
/// Confined to the loop thread that drives it, like the transfer it serves: not `Sendable`.
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?

    /// - Throws: `HTTPError` when libcurl cannot make a handle (out of memory).
    init() throws {
        guard let pointer = curl_easy_init() else { throw HTTPError.other("libcurl could not create a handle") }
        self.pointer = pointer
    }

    deinit {
        // The handle first: it may read its header list until it is gone.
        curl_easy_cleanup(pointer)
        curl_slist_free_all(headers)
    }

    /// Back to libcurl's defaults for the next transfer (its connections and caches stay), and
    /// the header list of the last one freed.
    func reset() {
        curl_easy_reset(pointer)
        curl_slist_free_all(headers)
        headers = nil
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(ivy_curl_easy_setopt_long(pointer, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws {
        try check(ivy_curl_easy_setopt_string(pointer, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws {
        try check(ivy_curl_easy_setopt_off(pointer, option, curl_off_t(value)), option)
    }

    /// `value` must stay valid as long as the transfer runs (libcurl keeps the pointer).
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer) throws {
        try check(ivy_curl_easy_setopt_pointer(pointer, option, value), option)
    }

    func set(_ option: CURLoption, callback: ivy_curl_data_callback) throws {
        try check(ivy_curl_easy_setopt_callback(pointer, option, callback), option)
    }

    /// `CURLOPT_HTTPHEADER`: these lines (`Name: value`), in a list the handle owns.
    func setHeaders(_ lines: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw HTTPError.other("libcurl could not hold the request's headers")
            }
            list = longer
        }
        do {
            try check(ivy_curl_easy_setopt_slist(pointer, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        curl_slist_free_all(headers)
        headers = list
    }

    /// A `long` the transfer reports (`CURLINFO_RESPONSE_CODE`, ...), or nil.
    func info(_ info: CURLINFO) -> Int? {
        var value = 0
        return ivy_curl_easy_getinfo_long(pointer, info, &value) == CURLE_OK ? value : nil
    }

    /// A string the transfer reports (`CURLINFO_EFFECTIVE_URL`, ...), or nil.
    func infoString(_ info: CURLINFO) -> String? {
        var value: UnsafeMutableRawPointer?
        guard ivy_curl_easy_getinfo_pointer(pointer, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value.assumingMemoryBound(to: CChar.self))
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code != CURLE_OK else { return }
        let name = curl_easy_option_by_id(option).map { String(cString: $0.pointee.name) } ?? "option \(option.rawValue)"
        throw HTTPError.unsupported("libcurl refused CURLOPT_\(name): \(String(cString: curl_easy_strerror(code)))")
    }
}
