/// §3.3 Cloud storage: the server info, then the three store services on its `storeUrl`.
extension CloudClient {
    /// `center.getServerInfo`. The answer is fixed per user (§3.3.1), so it is asked once and
    /// kept, until a store call's rejection or `000077` makes it suspect.
    public func serverInfo() async throws -> ServerInfo {
        if let serverInfoCache { return serverInfoCache }
        let service = "center.getServerInfo"
        let body = try await perform(
            Call(host: .gateway, service: service, method: .get, parameters: [("oemCode", configuration.oemCode)], authentication: .user))
        let info = try decode(DataReply<ServerInfo>.self, from: body, service: service).data
        serverInfoCache = info
        return info
    }

    /// `record.date.query`: the hours that hold recordings, sorted (the cloud does not sort).
    /// Their time zone is undocumented: use them to skip empty days, never as instants.
    public func recordingHours(device mac: String) async throws -> [RecordingHour] {
        let service = "record.date.query"
        let body = try await perform(Call(host: .store, service: service, method: .get, parameters: [], authentication: .store(device: mac)))
        struct Reply: Decodable {
            var dates: [String]
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: AnyKey.self)
                dates = (try? c.decodeIfPresent([String].self, forKey: AnyKey("dateList")))
                    ?? (try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data")).decodeIfPresent([String].self, forKey: AnyKey("dateList")))
                    ?? []
            }
        }
        let texts = try decode(Reply.self, from: body, service: service).dates
        return Set(texts.compactMap(RecordingHour.init(cloudText:))).sorted()
    }

    /// `record.query`: the clips between two instants (unix seconds), sorted by start.
    public func recordings(device mac: String, from start: Int64, to end: Int64) async throws -> [Recording] {
        let service = "record.query"
        guard start <= end else { throw CloudClientError.invalidInput(service, "the window ends before it starts") }
        let parameters = [("recordSt", String(start)), ("recordEt", String(end)), ("version", configuration.storeVersion)]
        let body = try await perform(Call(host: .store, service: service, method: .get, parameters: parameters, authentication: .store(device: mac)))
        struct Reply: Decodable {
            var list: [[String]]
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: AnyKey.self)
                let key = AnyKey("recordList")
                if let strings = try? c.decodeIfPresent([[String]].self, forKey: key) {
                    list = strings
                } else if let numbers = try? c.decodeIfPresent([[Int64]].self, forKey: key) {
                    list = numbers.map { $0.map(String.init) }
                } else {
                    list = (try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data")).decodeIfPresent([[String]].self, forKey: key)) ?? []
                }
            }
        }
        let rows = try decode(Reply.self, from: body, service: service).list
        var recordings: [Recording] = []
        for row in rows {
            guard row.count >= 2, let clipStart = Int64(row[0]), let clipEnd = Int64(row[1]), clipEnd >= clipStart else {
                logger.warning("skipping an unreadable recordList entry", metadata: ["service": "\(service)", "entry": "\(row)"])
                continue
            }
            let type = row.count > 2 ? Int(row[2]) ?? -1 : -1
            recordings.append(Recording(start: clipStart, end: clipEnd, type: RecordType(rawValue: type)))
        }
        return recordings.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// `record.play`: the signed playlist URLs of the clip that starts at `start`.
    public func playbackURLs(device mac: String, start: Int64) async throws -> PlaybackURLs {
        let service = "record.play"
        let parameters = [("recordSt", String(start)), ("version", configuration.storeVersion)]
        let body = try await perform(Call(host: .store, service: service, method: .get, parameters: parameters, authentication: .store(device: mac)))
        struct Reply: Decodable {
            var urls: PlaybackURLs
            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: AnyKey.self)
                let c = top.contains(AnyKey("recordUrl")) || top.contains(AnyKey("secureUrl"))
                    ? top : ((try? top.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data"))) ?? top)
                urls = PlaybackURLs(recordURL: c.string("recordUrl"), secureURL: c.string("secureUrl"))
            }
        }
        let urls = try decode(Reply.self, from: body, service: service).urls
        guard urls.preferred != nil else { throw CloudClientError.malformedAnswer(service, "no recordUrl or secureUrl") }
        return urls
    }
}
