public import Foundation

/// A date-time as a person types it for an export: `2026-11-25 14:03`, `2026-11-25 14:03:30`,
/// or ISO 8601 (`2026-11-25T14:03:00`, with `Z` or `+01:00`). Without an offset it is a wall
/// clock, read in the camera's time zone once the camera is known.
public struct ExportTime: Sendable, Equatable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public var hour: Int, minute: Int, second: Int
    /// Seconds east of UTC, when the text carried an offset.
    public var offset: Int?
    public let description: String

    public static func parse(_ text: String) throws -> ExportTime {
        let refusal = ExportError.refused("'\(text)' is not a date-time; use YYYY-MM-DD HH:MM[:SS] or 2026-11-25T14:03:00[Z|+01:00]")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 16 else { throw refusal }
        let dateEnd = trimmed.index(trimmed.startIndex, offsetBy: 10)
        let separator = trimmed[dateEnd]
        guard separator == " " || separator == "T" || separator == "t" else { throw refusal }
        let date = trimmed[..<dateEnd].split(separator: "-", omittingEmptySubsequences: false)
        var rest = trimmed[trimmed.index(after: dateEnd)...]
        var offset: Int?
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            offset = 0
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: sign)...].filter { $0 != ":" }
            guard zone.count == 4, zone.allSatisfy(\.isASCII), let value = Int(zone), value % 100 < 60, value / 100 <= 14 else { throw refusal }
            offset = (rest[sign] == "-" ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            rest = rest[..<sign]
        }
        let time = rest.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = (date + time).map { part in part.allSatisfy { $0.isASCII && $0.isNumber } ? Int(part) : nil }
        guard date.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2, (2...3).contains(time.count),
            time.allSatisfy({ $0.count == 2 }), numbers.allSatisfy({ $0 != nil })
        else { throw refusal }
        let values = numbers.map { $0! }
        let parsed = ExportTime(year: values[0], month: values[1], day: values[2], hour: values[3], minute: values[4],
                                second: values.count > 5 ? values[5] : 0, offset: offset, description: text)
        guard (1...12).contains(parsed.month), (1...31).contains(parsed.day), parsed.hour < 24, parsed.minute < 60, parsed.second < 60,
            (try? parsed.resolve(in: TimeZone(identifier: "UTC")!)) != nil
        else { throw refusal }
        return parsed
    }

    /// Unix seconds: with the text's offset if it had one, else as a wall clock in `zone`.
    public func resolve(in zone: TimeZone) throws -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else {
            throw ExportError.refused("'\(description)' is not a date that exists")
        }
        // A wall-clock time skipped when clocks went forward comes back as another time: say
        // so, rather than let the window turn round ("--to is before --from").
        let shown = calendar.dateComponents([.hour, .minute, .second], from: date)
        guard shown.hour == hour, shown.minute == minute, shown.second == second else {
            throw ExportError.refused("'\(description)' does not exist in \(calendar.timeZone.identifier): the clocks skipped it "
                + "(daylight saving time began); give a later time, or a UTC offset")
        }
        return Int64(date.timeIntervalSince1970)
    }
}
