/// Rewrites MPEG-TS timestamps in place: PES PTS/DTS and adaptation-field PCR, shifted modulo
/// 2^33, and continuity counters advanced as if the same packets had been sent `n` times before.
/// Enough of ISO 13818-1 for the sandbox's own templates, which it controls.
enum TransportStreamPatcher {
    static let packetSize = 188
    static let wrap: Int64 = 1 << 33

    struct Scan {
        var firstPTS: Int64?
        var packetsPerPID: [UInt16: Int] = [:]
    }

    /// Calls `body` with the offset, PID and adaptation_field_control of every packet.
    private static func forEachPacket(_ bytes: [UInt8], _ body: (Int, UInt16, UInt8) -> Void) {
        var position = 0
        while position + packetSize <= bytes.count {
            defer { position += packetSize }
            guard bytes[position] == 0x47 else { continue }
            body(position, UInt16(bytes[position + 1] & 0x1F) << 8 | UInt16(bytes[position + 2]), (bytes[position + 3] >> 4) & 0x3)
        }
    }

    static func scan(_ bytes: [UInt8]) -> Scan {
        var scan = Scan()
        forEachPacket(bytes) { position, pid, control in
            if control & 0x1 != 0 { scan.packetsPerPID[pid, default: 0] += 1 }
            if let pes = pesHeaderOffset(bytes, packet: position), bytes[pes + 7] & 0x80 != 0 {
                let pts = readTimestamp(bytes, at: pes + 9)
                scan.firstPTS = min(scan.firstPTS ?? pts, pts)
            }
        }
        return scan
    }

    static func shifted(_ template: [UInt8], by offset: Int64, continuityStep: Int, packetsPerPID: [UInt16: Int]) -> [UInt8] {
        var bytes = template
        let shift = ((offset % wrap) + wrap) % wrap
        forEachPacket(template) { position, pid, control in
            if control & 0x1 != 0, let perSegment = packetsPerPID[pid] {
                let counter = (Int(bytes[position + 3] & 0x0F) + continuityStep * perSegment) & 0x0F
                bytes[position + 3] = (bytes[position + 3] & 0xF0) | UInt8(counter)
            }
            if control & 0x2 != 0, bytes[position + 4] >= 7, bytes[position + 5] & 0x10 != 0 {
                let at = position + 6
                let base = Int64(bytes[at]) << 25 | Int64(bytes[at + 1]) << 17 | Int64(bytes[at + 2]) << 9
                    | Int64(bytes[at + 3]) << 1 | Int64(bytes[at + 4]) >> 7
                let moved = (base + shift) % wrap
                bytes[at] = UInt8(truncatingIfNeeded: moved >> 25)
                bytes[at + 1] = UInt8(truncatingIfNeeded: moved >> 17)
                bytes[at + 2] = UInt8(truncatingIfNeeded: moved >> 9)
                bytes[at + 3] = UInt8(truncatingIfNeeded: moved >> 1)
                bytes[at + 4] = (bytes[at + 4] & 0x7F) | UInt8(truncatingIfNeeded: (moved & 1) << 7)
            }
            guard let pes = pesHeaderOffset(bytes, packet: position) else { return }
            let flags = bytes[pes + 7] >> 6
            if flags & 0x2 != 0 { writeTimestamp(&bytes, at: pes + 9, (readTimestamp(bytes, at: pes + 9) + shift) % wrap) }
            if flags == 0x3 { writeTimestamp(&bytes, at: pes + 14, (readTimestamp(bytes, at: pes + 14) + shift) % wrap) }
        }
        return bytes
    }

    /// Where a PES header starts in this packet, if the packet starts one.
    private static func pesHeaderOffset(_ bytes: [UInt8], packet: Int) -> Int? {
        guard bytes[packet + 1] & 0x40 != 0 else { return nil }  // payload_unit_start_indicator
        let control = (bytes[packet + 3] >> 4) & 0x3
        guard control & 0x1 != 0 else { return nil }
        var payload = packet + 4
        if control & 0x2 != 0 { payload += 1 + Int(bytes[packet + 4]) }
        guard payload + 19 <= packet + packetSize,
            bytes[payload] == 0, bytes[payload + 1] == 0, bytes[payload + 2] == 1,
            bytes[payload + 3] >= 0xC0 && bytes[payload + 3] <= 0xEF
        else { return nil }
        return payload
    }

    private static func readTimestamp(_ bytes: [UInt8], at offset: Int) -> Int64 {
        Int64(bytes[offset] & 0x0E) << 29 | Int64(bytes[offset + 1]) << 22 | Int64(bytes[offset + 2] & 0xFE) << 14
            | Int64(bytes[offset + 3]) << 7 | Int64(bytes[offset + 4]) >> 1
    }

    private static func writeTimestamp(_ bytes: inout [UInt8], at offset: Int, _ value: Int64) {
        bytes[offset] = (bytes[offset] & 0xF1) | UInt8(truncatingIfNeeded: (value >> 29) & 0x0E)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 22)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: (value >> 14) & 0xFE) | 1
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value >> 7)
        bytes[offset + 4] = UInt8(truncatingIfNeeded: (value << 1) & 0xFE) | 1
    }

    // MARK: Faults (`MediaFaults`)

    /// The PIDs carrying video (PES stream_id 0xE0-0xEF) and audio (0xC0-0xDF).
    static func elementaryPIDs(_ bytes: [UInt8]) -> (video: Set<UInt16>, audio: Set<UInt16>) {
        var video = Set<UInt16>()
        var audio = Set<UInt16>()
        forEachPacket(bytes) { position, pid, _ in
            guard let pes = pesHeaderOffset(bytes, packet: position) else { return }
            if bytes[pes + 3] >= 0xE0 { video.insert(pid) } else if bytes[pes + 3] <= 0xDF { audio.insert(pid) }
        }
        return (video, audio)
    }

    /// Every packet of `pids` replaced by a null packet (PID 0x1FFF): those streams vanish here.
    static func withoutPackets(of pids: Set<UInt16>, in bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        forEachPacket(bytes) { position, pid, _ in
            if pids.contains(pid) { nullPacket(&result, at: position) }
        }
        return result
    }

    /// The first PES of `pid` (for video, the keyframe a segment starts with) replaced by null
    /// packets: the stream then starts in the middle of a GOP.
    static func withoutFirstPES(of pid: UInt16, in bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        var starts = 0
        forEachPacket(bytes) { position, packetPID, _ in
            guard packetPID == pid else { return }
            if pesHeaderOffset(bytes, packet: position) != nil { starts += 1 }
            if starts == 1 { nullPacket(&result, at: position) }
        }
        return result
    }

    /// PES number `index` of `pid` takes the PTS (and DTS) of the PES before it: a repeated
    /// timestamp, as camera clocks produce.
    static func repeatingTimestamp(of pid: UInt16, atPES index: Int, in bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        var count = 0
        var previous: (pts: Int64, dts: Int64?)?
        forEachPacket(bytes) { position, packetPID, _ in
            guard packetPID == pid, let pes = pesHeaderOffset(bytes, packet: position), bytes[pes + 7] & 0x80 != 0 else { return }
            let flags = bytes[pes + 7] >> 6
            let current = (pts: readTimestamp(bytes, at: pes + 9), dts: flags == 0x3 ? readTimestamp(bytes, at: pes + 14) : nil)
            if count == index, let previous {
                writeTimestamp(&result, at: pes + 9, previous.pts)
                if flags == 0x3 { writeTimestamp(&result, at: pes + 14, previous.dts ?? previous.pts) }
            }
            previous = current
            count += 1
        }
        return result
    }

    /// `count` null packets (PID 0x1FFF), which demuxers skip: padding that keeps a segment
    /// valid MPEG-TS (`SandboxConfiguration.segmentBytes`).
    static func nullPackets(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count * packetSize)
        for packet in 0..<count {
            bytes[packet * packetSize] = 0x47
            nullPacket(&bytes, at: packet * packetSize)
        }
        return bytes
    }

    private static func nullPacket(_ bytes: inout [UInt8], at position: Int) {
        bytes[position + 1] = 0x1F
        bytes[position + 2] = 0xFF
        bytes[position + 3] = 0x10
        for index in (position + 4)..<(position + packetSize) { bytes[index] = 0xFF }
    }
}

