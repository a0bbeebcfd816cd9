/// H.264 and H.265 parameter sets (SPS, PPS, VPS) out of an MP4 track's `avcC`/`hvcC`, as
/// length-prefixed NAL units, and Annex B streams (what an encoder without global headers
/// writes) turned into length-prefixed ones. Pure bytes, so it is tested without FFmpeg.
///
/// Why: frames re-encoded by `--exact` carry their own parameter sets in-band; the copied frames
/// after them need the track's own sets again, in-band, or a decoder would read them with the
/// encoder's.
enum ParameterSets {
    /// The NAL length size and the parameter sets of an `avcC` or `hvcC` record; `nil` for
    /// anything else (Annex B extradata, an unknown codec).
    static func parse(_ extradata: [UInt8], hevc: Bool) -> (lengthSize: Int, units: [[UInt8]])? {
        var reader = ByteReader(extradata)
        var units: [[UInt8]] = []
        if hevc {
            guard extradata.count >= 23, extradata[0] == 1 else { return nil }
            reader.position = 21
            guard let lengthByte = reader.byte(), let arrays = reader.byte() else { return nil }
            for _ in 0..<arrays {
                guard reader.byte() != nil, let count = reader.uint16() else { return nil }
                for _ in 0..<count {
                    guard let length = reader.uint16(), let unit = reader.bytes(Int(length)) else { return nil }
                    units.append(unit)
                }
            }
            return (Int(lengthByte & 3) + 1, units)
        }
        guard extradata.count >= 7, extradata[0] == 1 else { return nil }
        reader.position = 4
        guard let lengthByte = reader.byte(), let spsCount = reader.byte() else { return nil }
        for _ in 0..<(spsCount & 0x1F) {
            guard let length = reader.uint16(), let unit = reader.bytes(Int(length)) else { return nil }
            units.append(unit)
        }
        guard let ppsCount = reader.byte() else { return nil }
        for _ in 0..<ppsCount {
            guard let length = reader.uint16(), let unit = reader.bytes(Int(length)) else { return nil }
            units.append(unit)
        }
        return (Int(lengthByte & 3) + 1, units)
    }

    /// NAL units with a big-endian length of `lengthSize` bytes before each.
    static func lengthPrefixed(_ units: [[UInt8]], lengthSize: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for unit in units {
            for shift in stride(from: (lengthSize - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: unit.count >> shift)) }
            bytes.append(contentsOf: unit)
        }
        return bytes
    }

    /// The NAL units of an Annex B stream (split at `00 00 01` and `00 00 00 01`).
    static func annexBUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var units: [[UInt8]] = []
        var start: Int?
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                if let start { units.append(trimmed(bytes, start, index)) }
                index += 3
                start = index
            } else {
                index += 1
            }
        }
        if let start, start < bytes.count { units.append(trimmed(bytes, start, bytes.count)) }
        return units.filter { !$0.isEmpty }
    }

    /// A unit ends before the zeros of the next start code.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
        var end = end
        while end > start, bytes[end - 1] == 0 { end -= 1 }
        return Array(bytes[start..<end])
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint16() -> UInt16? {
        guard let high = byte(), let low = byte() else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard position + count <= bytes.count else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }
}
