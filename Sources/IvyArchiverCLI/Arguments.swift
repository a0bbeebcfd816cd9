import ArgumentParser
import Foundation
import IvyArchive
import Logging

// Option values typed where they are read (each option's `transform:`): a malformed one is a
// usage error (exit 2) naming the option and what it takes, before any work or cloud call.
// What needs the configured time zone is resolved later.

/// Why an option's value was refused, as ArgumentParser shows it after the value.
struct ArgumentRefusal: Error, CustomStringConvertible {
    let description: String
}

/// `YYYY-MM-DD`: a day of the calendar, in no zone yet.
struct CalendarDay: Comparable, Sendable, CustomStringConvertible {
    let year: Int, month: Int, day: Int

    /// - Throws: `ArgumentRefusal` for anything but a day that exists.
    static func parse(_ text: String) throws -> CalendarDay {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        guard text.count == 10, parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
              let date = utc.date(from: DateComponents(year: year, month: month, day: day)),
              utc.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { throw ArgumentRefusal(description: "'\(text)' is not a date; use YYYY-MM-DD") }
        return CalendarDay(year: year, month: month, day: day)
    }

    var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }
}

/// `--deadline`: a wall-clock time (`06:30`, the next one to come) or a length (`45s`, `90m`,
/// `2h`).
enum Deadline: Sendable, Equatable {
    case at(hour: Int, minute: Int)
    case after(Duration)

    /// - Throws: `ArgumentRefusal` for anything else.
    static func parse(_ text: String) throws -> Deadline {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = value.last, let count = Int(value.dropLast()), count >= 1, let seconds = ["s": 1, "m": 60, "h": 3600][String(unit)] {
            return .after(.seconds(count * seconds))
        }
        let parts = value.split(separator: ":")
        if parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute) {
            return .at(hour: hour, minute: minute)
        }
        throw ArgumentRefusal(description: "--deadline takes a time (06:30) or a length (90m, 2h, 45s)")
    }
}

/// `--log-level`: swift-log's level names; a typo is refused, never taken for the default.
enum LogLevel {
    /// - Throws: `ArgumentRefusal` for anything but a level's name.
    static func parse(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ArgumentRefusal(description: "log levels are " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return level
    }
}

/// Numeric option values, checked where they are read: finite, whole where a count is meant,
/// within the option's range. Options that take them parse `.unconditional`, so that `-5`
/// reaches the check instead of being taken for an option.
enum NumberOption {
    /// A whole number in `range`.
    static func whole(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                throw ArgumentRefusal(description: "takes a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// A finite number above `lowerBound` (or at it, when `including`) and at most `upperBound`.
    static func decimal(above lowerBound: Double, including: Bool = false, atMost upperBound: Double) -> @Sendable (String) throws -> Double {
        { text in
            let phrase = "takes a number \(including ? "from" : "above") \(Settings.format(lowerBound)) \(including ? "to" : "and at most") \(Settings.format(upperBound))"
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite,
                  including ? value >= lowerBound : value > lowerBound, value <= upperBound else {
                throw ArgumentRefusal(description: phrase)
            }
            return value
        }
    }
}

/// `--max-rate`, `max_rate`: bytes per second for all downloads together, with the suffixes
/// curl's `--limit-rate` takes (`K`, `M`, `G`, 1024-based; `2M`, `500K`, `1.5M`).
enum Rate {
    /// - Throws: `ArgumentRefusal` for anything else, or under 1 KiB/s.
    static func parse(_ text: String) throws -> Int {
        let value = text.trimmingCharacters(in: .whitespaces).uppercased()
        let scale: Double = switch value.last {
        case "K": 1024
        case "M": 1024 * 1024
        case "G": 1024 * 1024 * 1024
        default: 1
        }
        let number = scale == 1 ? value : String(value.dropLast())
        guard let amount = Double(number), amount.isFinite, amount * scale >= 1024, amount * scale <= 1e12 else {
            throw ArgumentRefusal(description: "takes bytes per second from 1K up, like 2M, 500K or 1.5M (K, M, G are 1024-based)")
        }
        return Int(amount * scale)
    }
}
