import Foundation

/// How long `backup` may run: `--deadline` as a wall-clock time (`06:30`: the next one to
/// come, in the configured zone) or a length (`90m`, `2h`, `45s`), else `max_run_minutes`.
enum RunLimit {
    static func resolve(_ deadline: Deadline?, maxRunMinutes: Double?, timeZone: TimeZone, now: Date = Date()) throws -> Duration? {
        guard let deadline else {
            guard let minutes = maxRunMinutes else { return nil }
            // Checked above 0 where the config is read.
            return .milliseconds(Int64(minutes * 60_000))
        }
        switch deadline {
        case .after(let length):
            return length
        case .at(let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            // The next such time, today or tomorrow (a time that does not exist today, in a DST
            // spring-forward, is taken as the next that does).
            guard let next = calendar.nextDate(after: now, matching: DateComponents(hour: hour, minute: minute, second: 0),
                                               matchingPolicy: .nextTime) else {
                throw UserError("--deadline \(hour):\(minute): no such time comes")
            }
            return .milliseconds(Int64(next.timeIntervalSince(now) * 1000))
        }
    }
}
