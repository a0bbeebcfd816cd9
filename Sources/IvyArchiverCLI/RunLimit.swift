import Foundation

/// How long `backup` may run: `--deadline` as a wall-clock time (`06:30`: the next one to
/// come, in the configured zone) or a length (`90m`, `2h`, `45s`), else `max_run_minutes`.
enum RunLimit {
    static func parse(_ text: String?, maxRunMinutes: Int?, timeZone: TimeZone, now: Date = Date()) throws -> Duration? {
        guard let text else {
            guard let minutes = maxRunMinutes else { return nil }
            guard minutes >= 1 else { throw UserError("max_run_minutes in the config must be 1 or more") }
            return .seconds(minutes * 60)
        }
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = value.last, let count = Int(value.dropLast()), count >= 1, let seconds = ["s": 1, "m": 60, "h": 3600][String(unit)] {
            return .seconds(count * seconds)
        }
        let parts = value.split(separator: ":")
        if parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            // The next such time, today or tomorrow (a time that does not exist today, in a DST
            // spring-forward, is taken as the next that does).
            guard let next = calendar.nextDate(after: now, matching: DateComponents(hour: hour, minute: minute, second: 0),
                                               matchingPolicy: .nextTime) else {
                throw UserError("--deadline \(text): no such time comes")
            }
            return .milliseconds(Int64(next.timeIntervalSince(now) * 1000))
        }
        throw UserError("--deadline takes a time (06:30) or a length (90m, 2h, 45s), not '\(text)'")
    }
}
