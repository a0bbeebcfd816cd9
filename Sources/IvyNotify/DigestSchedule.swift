public import Foundation

/// The time of day after which a new day's first run sends the digest: `notify_digest =
/// "07:30"` (24-hour, in the configured time zone), or `true` for midnight (the first run of
/// each day).
public struct DigestSchedule: Sendable, Equatable, CustomStringConvertible {
    /// 0-23 and 0-59.
    public let hour: Int
    public let minute: Int
    public let timeZone: TimeZone

    /// `nil` for an hour or minute out of range.
    public init?(hour: Int, minute: Int, timeZone: TimeZone) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
        self.timeZone = timeZone
    }

    /// `"HH:MM"` or `"H:MM"`, 24-hour; `nil` for anything else (the caller names the key).
    public init?(_ text: String, timeZone: TimeZone) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        self.init(hour: hour, minute: minute, timeZone: timeZone)
    }

    /// The first run of each day.
    public static func midnight(in timeZone: TimeZone) -> DigestSchedule {
        DigestSchedule(hour: 0, minute: 0, timeZone: timeZone)!
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    /// The latest time of day at or before `now` that this schedule names: today's, or
    /// yesterday's when today's is still to come. A time a DST change skips counts as the
    /// first moment after it.
    public func lastOccurrence(atOrBefore now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        func at(_ day: Date) -> Date {
            calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day, matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward) ?? day
        }
        let candidate = at(today)
        if candidate <= now { return candidate }
        let yesterday = calendar.date(byAdding: .day, value: -1, to: today) ?? today.addingTimeInterval(-86_400)
        return at(yesterday)
    }
}
