/// Reads and rewrites the few ISO BMFF fields the sandbox needs: track timescales (`mdhd`) from
/// the init section, and per-track decode times (`tfdt`) and the fragment number (`mfhd`) of
/// a media segment.
enum FragmentedMP4Patcher {
    struct Box {
        var type: String
        /// Where the box starts, and where its content (after the header) starts and ends.
        var start: Int
        var content: Int
        var end: Int
    }

    static func boxes(_ bytes: [UInt8], in range: Range<Int>) -> [Box] {
        var result: [Box] = []
        var position = range.lowerBound
        while position + 8 <= range.upperBound {
            var size = Int(readUInt32(bytes, position))
            let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
            var header = 8
            if size == 1, position + 16 <= range.upperBound {
                size = Int(readUInt64(bytes, position + 8))
                header = 16
            } else if size == 0 {
                size = range.upperBound - position
            }
            guard size >= header, position + size <= range.upperBound else { break }
            result.append(Box(type: type, start: position, content: position + header, end: position + size))
            position += size
        }
        return result
    }

    static func child(_ bytes: [UInt8], _ parent: Box, _ type: String) -> Box? {
        boxes(bytes, in: parent.content..<parent.end).first { $0.type == type }
    }

    /// track_ID -> timescale, from `moov/trak/{tkhd,mdia/mdhd}`.
    static func timescales(initSection bytes: [UInt8]) -> [UInt32: Int64] {
        var result: [UInt32: Int64] = [:]
        guard let moov = boxes(bytes, in: 0..<bytes.count).first(where: { $0.type == "moov" }) else { return result }
        for trak in boxes(bytes, in: moov.content..<moov.end) where trak.type == "trak" {
            guard let tkhd = child(bytes, trak, "tkhd"), let mdia = child(bytes, trak, "mdia"),
                let mdhd = child(bytes, mdia, "mdhd")
            else { continue }
            let tkhdVersion = bytes[tkhd.content]
            let trackID = readUInt32(bytes, tkhd.content + 4 + (tkhdVersion == 1 ? 16 : 8))
            let mdhdVersion = bytes[mdhd.content]
            let timescale = readUInt32(bytes, mdhd.content + 4 + (mdhdVersion == 1 ? 16 : 8))
            result[trackID] = Int64(timescale)
        }
        return result
    }

    /// track_ID -> `baseMediaDecodeTime` of the first fragment that names it.
    static func decodeTimes(segment bytes: [UInt8]) -> [UInt32: Int64] {
        var result: [UInt32: Int64] = [:]
        visitFragments(bytes) { trackID, tfdt in
            if result[trackID] == nil { result[trackID] = readDecodeTime(bytes, tfdt) }
        } mfhd: { _ in }
        return result
    }

    static func shifted(_ template: [UInt8], decodeTimeOffsets: [UInt32: Int64], sequenceNumber: UInt32) -> [UInt8] {
        var bytes = template
        var patches: [(Box, Int64)] = []
        var headers: [Box] = []
        visitFragments(template) { trackID, tfdt in
            patches.append((tfdt, decodeTimeOffsets[trackID] ?? 0))
        } mfhd: { headers.append($0) }
        for (tfdt, offset) in patches {
            let value = readDecodeTime(template, tfdt) + offset
            if template[tfdt.content] == 1 {
                writeUInt64(&bytes, tfdt.content + 4, UInt64(max(0, value)))
            } else {
                writeUInt32(&bytes, tfdt.content + 4, UInt32(truncatingIfNeeded: max(0, value)))
            }
        }
        for mfhd in headers { writeUInt32(&bytes, mfhd.content + 4, sequenceNumber) }
        return bytes
    }

    private static func visitFragments(_ bytes: [UInt8], tfdt: (UInt32, Box) -> Void, mfhd: (Box) -> Void) {
        for moof in boxes(bytes, in: 0..<bytes.count) where moof.type == "moof" {
            for box in boxes(bytes, in: moof.content..<moof.end) {
                if box.type == "mfhd" { mfhd(box) }
                guard box.type == "traf", let tfhd = child(bytes, box, "tfhd"), let decode = child(bytes, box, "tfdt") else { continue }
                tfdt(readUInt32(bytes, tfhd.content + 4), decode)
            }
        }
    }

    private static func readDecodeTime(_ bytes: [UInt8], _ tfdt: Box) -> Int64 {
        bytes[tfdt.content] == 1 ? Int64(readUInt64(bytes, tfdt.content + 4)) : Int64(readUInt32(bytes, tfdt.content + 4))
    }

    static func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    static func readUInt64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(readUInt32(bytes, at)) << 32 | UInt64(readUInt32(bytes, at + 4))
    }

    static func writeUInt32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
    }

    static func writeUInt64(_ bytes: inout [UInt8], _ at: Int, _ value: UInt64) {
        writeUInt32(&bytes, at, UInt32(truncatingIfNeeded: value >> 32))
        writeUInt32(&bytes, at + 4, UInt32(truncatingIfNeeded: value))
    }
}
