/// What a recording was triggered by. The vendor SDK's codes are named; any other code is kept
/// as is and shown as `type<N>`, so that no recording is dropped for an unknown type.
public struct RecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let continuous = RecordType(rawValue: 0)
    public static let timer = RecordType(rawValue: 1)
    public static let motion = RecordType(rawValue: 2)
    public static let sound = RecordType(rawValue: 3)
    public static let temperature = RecordType(rawValue: 4)
    public static let humidity = RecordType(rawValue: 5)
    public static let ioAlarm = RecordType(rawValue: 6)
    public static let human = RecordType(rawValue: 7)
    public static let lineCrossing = RecordType(rawValue: 9)
    public static let doorbellMessage = RecordType(rawValue: 10)
    public static let face = RecordType(rawValue: 11)
    public static let doorbellAlarm = RecordType(rawValue: 12)

    private static let names: [Int: String] = [
        0: "continuous", 1: "timer", 2: "motion", 3: "sound", 4: "temperature", 5: "humidity",
        6: "io-alarm", 7: "human", 9: "line-crossing", 10: "doorbell-message", 11: "face", 12: "doorbell-alarm",
    ]

    /// The type a `name` stands for (`motion`, `type42`), or `nil`.
    public init?(name: String) {
        if let known = Self.names.first(where: { $0.value == name }) {
            self.init(rawValue: known.key)
        } else if name.hasPrefix("type"), let value = Int(name.dropFirst(4)) {
            self.init(rawValue: value)
        } else {
            return nil
        }
    }

    /// A file-name-safe name: `motion`, `continuous`, ... or `type<N>`.
    public var name: String { Self.names[rawValue] ?? "type\(rawValue)" }
    public var description: String { name }
}

/// One clip of `record.query`. Its identity is device + start (a clip may be listed again,
/// across query windows, with the same start).
public struct Recording: Sendable, Hashable {
    /// Unix seconds, from `recordList`: never derived from URLs (NOTES.md).
    public var start: Int64
    public var end: Int64
    public var type: RecordType

    public init(start: Int64, end: Int64, type: RecordType) {
        self.start = start
        self.end = end
        self.type = type
    }

    public var duration: Int64 { end - start }
}

extension Recording: Decodable {
    /// One `recordList` entry: `[start, end, type]`, each a string or a number (NOTES.md).
    /// Times must lie in 2000-2100 and the end not before the start; a missing or unreadable
    /// type is kept as `type-1`, never a reason to drop the clip.
    public init(from decoder: any Decoder) throws {
        var row = try decoder.unkeyedContainer()
        func next(_ field: String) throws -> String? {
            guard !row.isAtEnd else { return nil }
            if let text = try? row.decode(String.self) { return text }
            if let number = try? row.decode(Int64.self) { return String(number) }
            if let number = try? row.decode(Double.self) { return "\(number)" }
            _ = try? row.decode(Skip.self)
            throw UnreadableValue(field: field, value: "(not a number)", expected: "a number")
        }
        guard let startText = try next("recordSt"), let endText = try next("recordEt") else {
            throw UnreadableValue(field: "recordList entry", value: "(too short)", expected: "[start, end, type]")
        }
        start = try CloudTime.seconds(text: startText, field: "recordSt")
        end = try CloudTime.seconds(text: endText, field: "recordEt")
        guard end >= start else {
            throw UnreadableValue(field: "recordEt", value: endText, expected: "a time after its start \(startText)")
        }
        let typeText = (try? next("type")) ?? nil
        type = RecordType(rawValue: typeText.flatMap { Int($0.trimmingCharacters(in: " ")) }.flatMap { Int32(exactly: $0) }.map(Int.init) ?? -1)
    }

    private struct Skip: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

/// An hour that has recordings, from `record.date.query` (`20190330T190000`). Its time zone is
/// undocumented, so it is kept as the fields the cloud sent and never turned into an instant here.
public struct RecordingHour: Sendable, Hashable, Comparable, CustomStringConvertible, Decodable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int

    public init(year: Int, month: Int, day: Int, hour: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
    }

    /// Parses `YYYYMMDDTHHMMSS`; also `YYYYMMDD` (the document calls them dates), and the
    /// ISO 8601 forms `2019-03-30T19:00:00`, `2019-03-30 19:00`, `2019-03-30` (a zone suffix
    /// is dropped: these hours have no known zone anyway). Years outside 2000-2100 are refused.
    public init?(cloudText text: String) {
        if let hour = Self.compact(text) {
            self = hour
            return
        }
        var text = Substring(text.trimmingCharacters(in: " "))
        // After the date, `Z`, `+hh:mm` or `-hh:mm` can only be a zone.
        if text.count > 10, let zone = text.dropFirst(10).firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            text = text[..<zone]
        }
        let separators: Set<Character> = ["T", "-", ":", " "]
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || separators.contains($0)) }) else { return nil }
        let digits = Array(text.filter(\.isNumber))
        guard [8, 10, 12, 14].contains(digits.count) else { return nil }
        func number(_ range: Range<Int>) -> Int { Int(String(digits[range])) ?? -1 }
        self.init(year: number(0..<4), month: number(4..<6), day: number(6..<8), hour: digits.count >= 10 ? number(8..<10) : 0)
        guard (2000...2100).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour) else { return nil }
    }

    /// `YYYYMMDDTHHMMSS`, the form the cloud sends, read straight from its bytes: a date list
    /// of a camera with a long history holds thousands of entries, and the general reading
    /// above costs microseconds a character. `nil` for any other form (or a value out of
    /// range), which the general reading then judges.
    private static func compact(_ text: String) -> RecordingHour? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> RecordingHour? in
            guard bytes.count == 15, bytes[8] == UInt8(ascii: "T") else { return nil }
            var digits = true
            func number(_ range: Range<Int>) -> Int {
                range.reduce(0) { value, index in
                    let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                    if !(0...9).contains(digit) { digits = false }
                    return value * 10 + digit
                }
            }
            let hour = RecordingHour(year: number(0..<4), month: number(4..<6), day: number(6..<8), hour: number(9..<11))
            _ = number(11..<15)  // Minutes and seconds: digits, never read.
            guard digits, (2000...2100).contains(hour.year), (1...12).contains(hour.month), (1...31).contains(hour.day),
                  (0...23).contains(hour.hour) else { return nil }
            return hour
        } ?? nil
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour) < (rhs.year, rhs.month, rhs.day, rhs.hour)
    }

    /// A `dateList` entry: text, or the same digits as a number (`20190330190000`).
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        let text = (try? value.decode(String.self)) ?? (try? value.decode(Int64.self)).map(String.init)
        guard let text, let hour = RecordingHour(cloudText: text) else {
            throw UnreadableValue(field: "dateList entry", value: text ?? "(not text)", expected: "an hour like 20190330T190000")
        }
        self = hour
    }

    /// Days since 1970-01-01 of this hour's date, read as if in UTC (the cloud does not say
    /// which zone it means; callers allow a day either way).
    public var dayNumber: Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):00"
    }
}

/// `record.play`: the signed, expiring playlist URLs of one clip. Both carry a `sign`:
/// `description` redacts it.
public struct PlaybackURLs: Sendable, CustomStringConvertible {
    public var recordURL: String?
    public var secureURL: String?

    /// The one to use: https when offered.
    public var preferred: String? { secureURL ?? recordURL }

    public var description: String {
        "PlaybackURLs(recordURL: \(recordURL.map(Redaction.url) ?? "-"), secureURL: \(secureURL.map(Redaction.url) ?? "-"))"
    }
}
