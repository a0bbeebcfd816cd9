/// Whether a segment's bytes (decrypted) are media at all, judged by the first bytes as every
/// HLS segment format begins: an answer `200` with a login page, an error document or nothing
/// must never reach the demuxer, which would skip it without a word and leave a hole.
///
/// The formats are those RFC 8216 §3 allows: MPEG-2 TS (ISO 13818-1, sync byte 0x47 every 188
/// bytes), fragmented MPEG-4 (ISO 14496-12 boxes), packed audio (ADTS AAC, MP3, AC-3, E-AC-3,
/// each possibly behind an ID3 tag) and WebVTT.
public enum MediaSignature {
    /// `nil` when `bytes` start like media, else why not (for the retry log and the error).
    /// Bytes from the start of a body that `problem(in:)` looks at: give it a prefix this long.
    public static let bytesJudged = 1024

    public static func problem(in bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return "the body is empty" }
        if isTransportStream(bytes) || isISOBMFF(bytes) || isPackedAudio(bytes) || startsWithText(bytes, "WEBVTT") { return nil }
        return "the body is not media (it starts with \(describe(bytes)))"
    }

    /// Whether `bytes` are an fMP4 initialization section (`EXT-X-MAP`).
    public static func initSectionProblem(in bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return "the initialization section is empty" }
        return isISOBMFF(bytes) ? nil : "the initialization section is not MP4 (it starts with \(describe(bytes)))"
    }

    private static func isTransportStream(_ bytes: [UInt8]) -> Bool {
        guard bytes[0] == 0x47 else { return false }
        // Two more sync bytes where they belong, when the body is that long.
        return stride(from: 188, to: min(bytes.count, 3 * 188), by: 188).allSatisfy { bytes[$0] == 0x47 }
    }

    /// Box types a segment or an initialization section starts with.
    private static let leadingBoxes: Set<String> = ["ftyp", "styp", "moof", "moov", "sidx", "emsg", "prft", "mdat", "free", "skip", "uuid"]

    private static func isISOBMFF(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let type = String(decoding: bytes[4..<8], as: UTF8.self)
        let size = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        return leadingBoxes.contains(type) && (size == 0 || size == 1 || size >= 8)
    }

    private static func isPackedAudio(_ bytes: [UInt8]) -> Bool {
        if startsWithText(bytes, "ID3") { return true }
        guard bytes.count >= 2 else { return false }
        if bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0 { return true }  // ADTS or MPEG audio frame sync
        return bytes[0] == 0x0B && bytes[1] == 0x77  // AC-3 / E-AC-3 sync word
    }

    private static func startsWithText(_ bytes: [UInt8], _ text: String) -> Bool {
        bytes.starts(with: Array(text.utf8))
    }

    /// The first bytes, as text when they are printable (an HTML page says what it is), else hex.
    static func describe(_ bytes: [UInt8]) -> String {
        let head = Array(bytes.prefix(24))
        let printable = head.allSatisfy { (0x20..<0x7F).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if printable {
            let text = String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
            return "\"\(text)\(bytes.count > head.count ? "..." : "")\""
        }
        return head.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }
}
