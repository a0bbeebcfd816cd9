import Foundation

/// `/stream`: the store services, signed with `sessionToken = md5(subtoken + timestamp)`.
extension SandboxCloud {
    /// How far ahead of the server's clock a store `timestamp` may be.
    static let timestampWindow: Int64 = 3600

    func store(_ request: SandboxRequest) -> SandboxResponse {
        guard let service = request.parameter("service"), ["record.date.query", "record.query", "record.play"].contains(service) else {
            return Self.envelope("009999", "service not implemented")
        }
        guard request.method == "GET" else { return Self.envelope("000006", "wrong http method: use GET") }
        var required = ["devId", "sessionToken", "timestamp"]
        if service == "record.query" { required += ["recordSt", "recordEt", "version"] }
        if service == "record.play" { required += ["recordSt", "version"] }
        for name in required where (request.parameter(name) ?? "").isEmpty {
            return Self.envelope("000006", "missing parameter \(name)")
        }
        let now = serverNowSeconds
        guard let timestamp = Int64(request.parameter("timestamp")!) else { return Self.envelope("000006", "timestamp is not a number") }
        guard timestamp > now else { return Self.envelope("000006", "timestamp must be later than the server time") }
        guard timestamp <= now + Self.timestampWindow else { return Self.envelope("000006", "timestamp is too far ahead of the server time") }
        let (subtokens, rejected) = state.withLock { state in
            defer { state.storeTokenRejectionsLeft = max(0, state.storeTokenRejectionsLeft - 1) }
            return (state.accounts.map(\.subtoken), state.storeTokenRejectionsLeft > 0)
        }
        // The signature says whose call this is: the account whose subtoken made it. A fleet of
        // 40 costs 40 MD5s of a few dozen bytes, nothing next to the answer.
        let sessionToken = request.parameter("sessionToken")?.lowercased()
        guard !rejected, let account = subtokens.firstIndex(where: { sessionToken == Self.md5Hex($0 + String(timestamp)) }) else {
            return Self.envelope("000006", "invalid sessionToken")
        }
        let mac = request.parameter("devId")!
        let found = state.withLock { state -> (username: String, device: SandboxState.DeviceRecord?) in
            let record = state.accounts[account]
            state.stats.account(record.username) { $0.calls[service, default: 0] += 1 }
            return (record.username, record.deviceIndex(mac).map { record.devices[$0] })
        }
        // Another account's camera is as unknown as one of no account.
        guard let device = found.device else { return Self.envelope("000006", "unknown devId") }
        let clips = device.recordings
        let available = clips.filter { $0.end <= now }
        switch service {
        case "record.date.query":
            return dateList(available)
        case "record.query":
            guard let start = Int64(request.parameter("recordSt")!), let end = Int64(request.parameter("recordEt")!), start <= end else {
                return Self.envelope("000006", "recordSt and recordEt must be unix seconds, recordSt first")
            }
            let rows = available.filter { $0.end > start && $0.start <= end }.map { clip -> JSONValue in
                .array([.string(String(clip.start)), .string(String(clip.end)), .string(String(clip.type))])
            }
            return SandboxResponse.json(.object([("errorCode", .string("")), ("failureDetails", .string("")), ("recordList", .array(rows))]))
        default:
            guard let start = Int64(request.parameter("recordSt")!), let clip = available.first(where: { $0.start == start }) else {
                return Self.envelope("000006", "no recording starts at recordSt")
            }
            let url = playlistURL(request.baseURL, mac: mac.uppercased(), clip: clip, now: now)
            // Keyed as the HLS host keys its segment counts (the camera's own spelling of its MAC).
            let key = "\(device.device.mac)/\(clip.start)"
            state.withLock { $0.stats.account(found.username) { $0.recordPlaysByClip[key, default: 0] += 1 } }
            return SandboxResponse.json(.object([
                ("errorCode", .string("")), ("failureDetails", .string("")),
                ("recordUrl", .string(url)), ("secureUrl", .string(url + "&se=1")),
            ]))
        }
    }

    /// Hours with recordings, in UTC (the sandbox's reading of an undocumented zone), unsorted
    /// like the real cloud's. A year of clips lists thousands of hours: each is spelled by
    /// arithmetic, not by a calendar, so that the answer stays fast.
    private func dateList(_ clips: [SandboxRecording]) -> SandboxResponse {
        var hours = Set<Int64>()
        for clip in clips {
            var hour = clip.start / 3600
            while hour * 3600 < clip.end {
                hours.insert(hour)
                hour += 1
            }
        }
        let texts = hours.sorted(by: >).map { JSONValue.string(Self.hourText($0)) }
        return SandboxResponse.json(.object([("dateList", .array(texts)), ("errorCode", .string("")), ("failureDetails", .string(""))]))
    }

    /// `YYYYMMDDTHH0000` of the hour `hour` (hours since 1970, UTC), by Howard Hinnant's
    /// civil_from_days.
    static func hourText(_ hour: Int64) -> String {
        let days = (hour >= 0 ? hour : hour - 23) / 24 + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let hourOfDay = hour - (hour >= 0 ? hour : hour - 23) / 24 * 24
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(hourOfDay, 2) + "0000"
    }

    private func playlistURL(_ base: String, mac: String, clip: SandboxRecording, now: Int64) -> String {
        let expires = now + Int64(configuration.urlLifetime.components.seconds)
        let timerange = "\(clip.start)-\(clip.end)"
        let resource = "\(mac)/\(clip.start)"
        let sign = sign(resource, timerange: timerange, expires: expires)
        let folder = configuration.faults.media.redirect ? "play" : "hls"
        // With a lifetime in requests, each URL handed out counts its own uses, even when two
        // in one second share a signature.
        let issued = configuration.urlLifetimeInRequests == nil ? "" : "&issued=\(state.withLock { $0.nextIssue() })"
        return "\(base)/\(folder)/\(resource)/index.m3u8?timerange=\(timerange)&expires=\(expires)&urlVersion=&sign=\(sign)&storageType=BPI&oemCode=" + issued
    }
}
