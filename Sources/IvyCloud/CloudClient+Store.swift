import IvyConcurrency

/// §3.3 Cloud storage: the server info, then the three store services on its `storeUrl`.
extension CloudClient {
    /// `center.getServerInfo`. The answer is fixed per user (§3.3.1), so it is asked once and
    /// kept, until a store call's rejection or `000077` makes it suspect.
    public func serverInfo() async throws -> ServerInfo {
        if let serverInfoCache { return serverInfoCache }
        // Concurrent first callers (every camera's first store call) share one request.
        if let serverInfoInFlight { return try await serverInfoInFlight.valueCancellingWithCaller }
        let service = "center.getServerInfo"
        let call = Call(host: .gateway, service: service, method: .get, parameters: [("oemCode", configuration.oemCode)], authentication: .user)
        let request = Task { try await self.perform(call) { try self.decode(DataReply<ServerInfo>.self, from: $0, service: service).data } }
        serverInfoInFlight = request
        defer { serverInfoInFlight = nil }
        let info = try await request.valueCancellingWithCaller
        serverInfoCache = info
        return info
    }

    /// `record.date.query`: the hours that hold recordings, sorted (the cloud does not sort).
    /// Their time zone is undocumented: use them to skip empty days, never as instants.
    /// Entries come as `20190330T190000`, and as the number `20190330190000` or ISO 8601 text
    /// from some servers. Throws `malformedAnswer` (after retries) when the list is absent or
    /// any entry is none of these: a caller must then not skip any day.
    public func recordingHours(device mac: String) async throws -> [RecordingHour] {
        let service = "record.date.query"
        let call = Call(host: .store, service: service, method: .get, parameters: [], authentication: .store(device: mac))
        return try await perform(call) { body in
            struct Reply: Decodable {
                var dates: Listing<RecordingHour>
                init(from decoder: any Decoder) throws {
                    dates = try decoder.container(keyedBy: AnyKey.self).listing("dateList", of: RecordingHour.self)
                }
            }
            let hours = try decode(Reply.self, from: body, service: service).dates.complete(service: service)
            return Set(hours).sorted()
        }
    }

    /// `record.query`: the clips between two instants (unix seconds), sorted by start. Throws
    /// `malformedAnswer` when any entry cannot be read; `recordingListing` keeps the rest.
    public func recordings(device mac: String, from start: Int64, to end: Int64) async throws -> [Recording] {
        try await recordingListing(device: mac, from: start, to: end).complete(service: "record.query")
    }

    /// `record.query`: the clips between two instants (unix seconds), sorted by start, and
    /// why any entry could not be read (a time outside 2000-2100, an end before its start, a
    /// field that is no number). The list itself missing throws `malformedAnswer`, after
    /// retries. At most `maximumRecordingEntries` entries are taken: a window holds minutes-long clips,
    /// and a list past that is a broken server, not footage (more throws).
    public func recordingListing(device mac: String, from start: Int64, to end: Int64) async throws -> Listing<Recording> {
        let service = "record.query"
        guard start <= end else { throw CloudClientError.invalidInput(service, "the window ends before it starts") }
        let parameters = [("recordSt", String(start)), ("recordEt", String(end)), ("version", configuration.storeVersion)]
        let call = Call(host: .store, service: service, method: .get, parameters: parameters, authentication: .store(device: mac))
        var listing = try await perform(call) { body in
            struct Reply: Decodable {
                var list: Listing<Recording>
                init(from decoder: any Decoder) throws {
                    list = try decoder.container(keyedBy: AnyKey.self).listing("recordList", of: Recording.self)
                }
            }
            let listing = try decode(Reply.self, from: body, service: service).list
            let count = listing.elements.count + listing.unreadable.count
            guard count <= Self.maximumRecordingEntries else {
                throw CloudClientError.malformedAnswer(service, "\(count) entries for one window (at most \(Self.maximumRecordingEntries) make sense)")
            }
            return listing
        }
        if !listing.unreadable.isEmpty {
            logger.warning("unreadable recordList entries", metadata: [
                "service": "\(service)", "count": "\(listing.unreadable.count)", "first": "\(listing.unreadable[0])",
            ])
        }
        listing.elements.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        return listing
    }

    /// Entries one `record.query` answer may hold: one clip a second for six hours is already
    /// past any camera's event rate.
    public static let maximumRecordingEntries = 25_000

    /// `record.play`: the signed playlist URLs of the clip that starts at `start`.
    public func playbackURLs(device mac: String, start: Int64) async throws -> PlaybackURLs {
        let service = "record.play"
        let parameters = [("recordSt", String(start)), ("version", configuration.storeVersion)]
        struct Reply: Decodable {
            var urls: PlaybackURLs
            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: AnyKey.self)
                let c = top.contains(AnyKey("recordUrl")) || top.contains(AnyKey("secureUrl"))
                    ? top : ((try? top.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data"))) ?? top)
                urls = PlaybackURLs(recordURL: c.string("recordUrl"), secureURL: c.string("secureUrl"))
            }
        }
        let call = Call(host: .store, service: service, method: .get, parameters: parameters, authentication: .store(device: mac))
        let urls = try await perform(call) { body in
            let urls = try decode(Reply.self, from: body, service: service).urls
            guard urls.preferred != nil else { throw CloudClientError.malformedAnswer(service, "no recordUrl or secureUrl") }
            return urls
        }
        return urls
    }
}
