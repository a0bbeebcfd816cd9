import Crypto
import Foundation
import _CryptoExtras

/// The HLS host: `/hls/<MAC>/<start>/{index.m3u8, <n>.ts, <n>.m4s, init.mp4, key}`, every URL
/// signed and expiring like `record.play`'s.
extension SandboxCloud {
    /// Where each clip's timestamps start (10 s, like a camera that has been up a while).
    static let baseTimestamp90k: Int64 = 10 * 90_000
    /// How far timestamps jump at a discontinuity.
    static let discontinuityJumpSeconds: Int64 = 3600

    struct Clip {
        /// The username of the account that has the camera, for its counters.
        var account: String
        var mac: String
        var recording: SandboxRecording
        var profile: MediaProfile
        var template: MediaTemplate
        var query: String

        var segmentCount: Int { Int((recording.end - recording.start) / MediaTemplate.segmentSeconds) }
        var resource: String { "\(mac)/\(recording.start)" }
        /// The segment that follows the discontinuity, if any.
        var discontinuityIndex: Int? { profile.discontinuity && segmentCount >= 2 ? segmentCount / 2 : nil }
    }

    func hls(_ request: SandboxRequest) -> SandboxResponse {
        let parts = request.path.split(separator: "/").map(String.init)  // hls, MAC, start, file
        guard parts.count == 4, let start = Int64(parts[2]) else { return .notFound }
        let found: (String, SandboxDevice, SandboxRecording)? = state.withLock { state in
            guard let owner = state.owner(of: parts[1]) else { return nil }
            let account = state.accounts[owner.account]
            guard let clip = account.devices[owner.device].recordings.first(where: { $0.start == start }) else { return nil }
            return (account.username, account.devices[owner.device].device, clip)
        }
        guard let (username, device, recording) = found, let template = templates.template(for: device.profile) else { return .notFound }
        let timerange = request.parameter("timerange") ?? ""
        guard timerange == "\(recording.start)-\(recording.end)", let expires = Int64(request.parameter("expires") ?? ""),
            request.parameter("sign") == sign("\(device.mac)/\(start)", timerange: timerange, expires: expires)
        else { return .forbidden }
        guard expires > serverNowSeconds else { return .forbidden }
        if let limit = configuration.urlLifetimeInRequests, let signature = request.parameter("sign") {
            let key = signature + "/" + (request.parameter("issued") ?? "")
            let uses = state.withLock { state -> Int in
                state.signatureUses[key, default: 0] += 1
                return state.signatureUses[key]!
            }
            guard uses <= limit else { return .forbidden }
        }
        if let failure = failureInjected(scope: .media) { return failure }

        let query = "timerange=\(timerange)&expires=\(expires)&urlVersion=&sign=\(request.parameter("sign")!)&storageType=BPI&oemCode=" + (request.parameter("issued").map { "&issued=\($0)" } ?? "")
        let clip = Clip(account: username, mac: device.mac, recording: recording, profile: device.profile, template: template, query: query)
        let file = parts[3]
        switch file {
        case "index.m3u8":
            state.withLock { state in
                state.stats.playlistRequests += 1
                state.stats.account(username) { $0.playlistRequests += 1 }
            }
            var response = SandboxResponse(status: 200, headers: [("Content-Type", "application/vnd.apple.mpegurl")], body: Array(playlist(clip, request: request).utf8))
            response.gzip = configuration.faults.media.gzip
            return response
        case "key":
            state.withLock { $0.stats.keyRequests += 1 }
            guard device.profile.encrypted else { return .notFound }
            return media(key(clip), type: "application/octet-stream")
        case "init.mp4":
            state.withLock { $0.stats.initRequests += 1 }
            guard let initSection = template.initSection else { return .notFound }
            return media(initSection, type: "video/mp4")
        default:
            return segment(clip, file: file)
        }
    }

    private func playlist(_ clip: Clip, request: SandboxRequest) -> String {
        let fragmented = clip.profile.container == .fragmentedMP4
        var lines = [
            "#EXTM3U", "#EXT-X-VERSION:\(fragmented ? 7 : 3)", "#EXT-X-TARGETDURATION:\(MediaTemplate.segmentSeconds)",
            "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD",
        ]
        if fragmented { lines.append("#EXT-X-MAP:URI=\"init.mp4?\(clip.query)\"") }
        if clip.profile.encrypted { lines.append("#EXT-X-KEY:METHOD=AES-128,URI=\"key?\(clip.query)\"") }
        for index in 0..<clip.segmentCount {
            if index == clip.discontinuityIndex { lines.append("#EXT-X-DISCONTINUITY") }
            if configuration.faults.media.gapSegments.contains(index) { lines.append("#EXT-X-GAP") }
            lines.append("#EXTINF:\(MediaTemplate.segmentSeconds).000,")
            let name = "\(index).\(fragmented ? "m4s" : "ts")?\(clip.query)"
            if let host = configuration.faults.media.segmentHost {
                // The same server under another name: a URI a playlist must not be followed to.
                let port = request.baseURL.split(separator: ":").last.map(String.init) ?? "80"
                lines.append("http://\(host):\(port)/hls/\(clip.resource)/\(name)")
            } else {
                lines.append(name)
            }
        }
        lines.append("#EXT-X-ENDLIST")
        return lines.joined(separator: "\n") + "\n"
    }

    private func segment(_ clip: Clip, file: String) -> SandboxResponse {
        let fragmented = clip.profile.container == .fragmentedMP4
        let name = file.split(separator: ".")
        guard name.count == 2, name[1] == (fragmented ? "m4s" : "ts"), let index = Int(name[0]), (0..<clip.segmentCount).contains(index) else {
            return .notFound
        }
        let faults = configuration.faults
        let segmentKey = "\(clip.resource)/\(index)"
        let (missing, truncate, html) = state.withLock { state -> (Bool, Bool, Bool) in
            state.stats.segmentRequests += 1
            state.stats.segmentRequestsByClip[clip.resource, default: 0] += 1
            state.stats.account(clip.account) { account in
                account.segmentRequests += 1
                account.segmentRequestsByClip[clip.resource, default: 0] += 1
            }
            if faults.missingSegments.contains(index) || faults.brokenClips.contains(clip.recording.start) { return (true, false, false) }
            if faults.media.gapSegments.contains(index) {
                state.stats.gapSegmentRequests += 1
                return (true, false, false)
            }
            if faults.oneShotNotFoundRate > 0, !state.notFoundOnce.contains(segmentKey), state.random.chance(faults.oneShotNotFoundRate) {
                state.notFoundOnce.insert(segmentKey)
                return (true, false, false)
            }
            if faults.media.htmlOnceRate > 0, !state.htmlOnce.contains(segmentKey), state.random.chance(faults.media.htmlOnceRate) {
                state.htmlOnce.insert(segmentKey)
                state.stats.htmlAnswers += 1
                return (false, false, true)
            }
            return (false, state.random.chance(faults.truncationRate), false)
        }
        if missing { return .notFound }
        if html {
            let page = "<!DOCTYPE html><html><head><title>Service temporarily busy</title></head><body>Please retry.</body></html>"
            return SandboxResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
        }

        var base = Self.baseTimestamp90k
        if clip.profile.timestampWrap {
            // Wrap 2^33 half-way through the clip.
            base = (1 << 33) - Int64(clip.segmentCount / 2) * MediaTemplate.segmentSeconds * MediaTemplate.ticks90k - 45_000
        }
        var jump: Int64 = 0
        if let discontinuity = clip.discontinuityIndex, index >= discontinuity {
            // An encoder restart starts its timestamps over; otherwise they jump an hour ahead.
            jump = faults.media.restartAtDiscontinuity ? -Int64(discontinuity) * MediaTemplate.segmentSeconds : Self.discontinuityJumpSeconds
        }
        var bytes = clip.template.segment(index: index, base90k: base, jumpSeconds: jump, sequence: index)
        if !fragmented {
            bytes = Self.applyMediaFaults(faults.media, to: bytes, index: index)
            // Null packets at the end: as big as a camera's segment, the same media.
            if let target = configuration.segmentBytes, target > bytes.count {
                bytes += padding.prefix((target - bytes.count) / TransportStreamPatcher.packetSize * TransportStreamPatcher.packetSize)
            }
        }
        if clip.profile.encrypted {
            var iv = [UInt8](repeating: 0, count: 16)
            for byte in 0..<8 { iv[15 - byte] = UInt8(truncatingIfNeeded: index >> (8 * byte)) }
            // A valid key and a 16-byte IV cannot fail to encrypt.
            bytes = Array(try! AES._CBC.encrypt(bytes, using: SymmetricKey(data: key(clip)), iv: AES._CBC.IV(ivBytes: iv)))
        }
        var response = media(bytes, type: fragmented ? "video/iso.segment" : "video/mp2t")
        response.truncate = truncate
        response.gzip = faults.media.gzip
        return response
    }

    /// The MPEG-TS faults of `MediaFaults`, on segment `index` of a clip.
    static func applyMediaFaults(_ faults: MediaFaults, to segment: [UInt8], index: Int) -> [UInt8] {
        guard faults.repeatedAudioTimestamp || faults.midGOPStart || faults.silentSegments.contains(index) else { return segment }
        var bytes = segment
        let pids = TransportStreamPatcher.elementaryPIDs(bytes)
        if faults.repeatedAudioTimestamp, let audio = pids.audio.first {
            bytes = TransportStreamPatcher.repeatingTimestamp(of: audio, atPES: 5, in: bytes)
        }
        if faults.midGOPStart, index == 0, let video = pids.video.first {
            bytes = TransportStreamPatcher.withoutFirstPES(of: video, in: bytes)
        }
        if faults.silentSegments.contains(index) {
            bytes = TransportStreamPatcher.withoutPackets(of: pids.audio, in: bytes)
        }
        return bytes
    }

    /// `/play/...`: what `record.play` hands out with `MediaFaults.redirect`, a `302` to the
    /// playlist under `/hls/` with the same query.
    func playRedirect(_ request: SandboxRequest) -> SandboxResponse {
        let query = request.query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }.joined(separator: "&")
        let location = "/hls/" + request.path.dropFirst("/play/".count) + (query.isEmpty ? "" : "?" + query)
        return SandboxResponse(status: 302, headers: [("Location", location)], body: [])
    }

    private func media(_ bytes: [UInt8], type: String) -> SandboxResponse {
        SandboxResponse(status: 200, headers: [("Content-Type", type)], body: bytes, isMedia: true)
    }

    /// The clip's AES-128 key, derived from the seed so that it is stable across requests.
    private func key(_ clip: Clip) -> [UInt8] {
        Array(SHA256.hash(data: Array("key|\(configuration.seed)|\(clip.resource)".utf8))).prefix(16).map { $0 }
    }
}
