public import Foundation

/// An instant of a recording, in Unix seconds as the cloud counts them (its server clock), and
/// the one way each use writes it.
public struct RecordingTime: Hashable, Comparable, Sendable {
    /// Unix seconds; fractions where a frame sits between seconds (an export's ends).
    public var unix: Double

    public init(_ seconds: Int64) {
        unix = Double(seconds)
    }

    public init(unix: Double) {
        self.unix = unix
    }

    public var date: Date { Date(timeIntervalSince1970: unix) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.unix < rhs.unix }

    /// ISO 8601 (RFC 3339) with the zone's offset: `2026-11-25T15:03:00+01:00`, in UTC
    /// `2026-11-25T14:03:00Z` (an MP4's `creation_time`); with `milliseconds`,
    /// `2026-11-25T15:03:00.040+01:00` (an export record, whose ends fall on frames).
    public func iso8601(in zone: TimeZone = TimeZone(identifier: "UTC")!, milliseconds: Bool = false) -> String {
        let style = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .standard, timeSeparator: .colon,
                                            timeZoneSeparator: .colon, includingFractionalSeconds: milliseconds, timeZone: zone)
        // The style truncates: half a millisecond on the rounded value writes it as rounded.
        let shown = milliseconds ? Date(timeIntervalSince1970: ((unix * 1000).rounded() + 0.5) / 1000) : date
        return shown.formatted(style)
    }

    /// `2026-11-25 15:03:00` in `zone`: for a person (progress lines, messages).
    public func wallClock(in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
