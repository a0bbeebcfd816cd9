import Foundation
import IvyArchive
import IvyDomain

/// What the CLI prints: aligned tables for people, JSON for programs.
enum Output {
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        rows.forEach { print(line($0)) }
    }

    /// A log line that must show at once, also in a file or a pipe (cron, systemd, `| tee`),
    /// where standard output is block-buffered: each clip appears as it is archived, and
    /// nothing printed is lost if the process is killed.
    /// Without a terminal (cron, a journal, a file), each line starts with the time, ISO 8601
    /// with the local offset.
    static func line(_ text: String) {
        print(stampsLines ? RecordingTime(unix: Date().timeIntervalSince1970).iso8601(in: .current) + " " + text : text)
        fflush(nil)
    }

    static let stampsLines = isatty(STDOUT_FILENO) != 1

    /// One line on stderr, as every failure is reported: `ivy-archiver: <text>`.
    static func error(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data("ivy-archiver: \(text)\n".utf8))
    }

    /// A warning on stderr that does not stop the command: `ivy-archiver: warning: <text>`.
    static func warning(_ text: String) {
        error("warning: " + text)
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Whole days in a time zone, and instants shown in it.
struct CalendarDays {
    let timeZone: TimeZone

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The Unix second `day` starts at in this zone.
    func startOfDay(_ day: CalendarDay) -> Int64 {
        Int64(calendar.startOfDay(for: calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!).timeIntervalSince1970)
    }

    /// The last second of `day`, found as the next day's start minus one (DST-safe).
    func endOfDay(_ day: CalendarDay) -> Int64 {
        let start = Date(timeIntervalSince1970: Double(startOfDay(day)))
        let next = calendar.date(byAdding: .day, value: 1, to: start)!
        return Int64(next.timeIntervalSince1970) - 1
    }

    func format(_ seconds: Int64) -> String {
        RecordingTime(seconds).wallClock(in: timeZone)
    }

    func iso8601(_ seconds: Int64) -> String {
        RecordingTime(seconds).iso8601(in: timeZone)
    }
}
