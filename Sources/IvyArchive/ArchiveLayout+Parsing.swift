import Foundation
import IvyCloud
import IvyDomain

extension ArchiveLayout {
    /// The recording a path of this layout names, read back through the template: needs
    /// `{mac}`, the date (`{date}`, or `{year}` `{month}` `{day}`) and `{start}`; `{end}` and
    /// `{type}` when the template has them (else the clip is taken to end where it starts,
    /// and its type is unknown). Times are read in `timeZone(camera)`, a repeated hour by its
    /// `UTC±hhmm` suffix. `nil` when the path does not fit.
    func identity(of relativePath: String, timeZone: (CameraID) -> TimeZone) -> ClipIdentity? {
        var pattern = "^"
        var order: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            let name = String(rest[rest.index(after: open)..<close])
            order.append(name)
            switch name {
            case "mac": pattern += "([0-9A-F]{12})"
            case "date": pattern += "([0-9]{4}-[0-9]{2}-[0-9]{2})"
            case "year": pattern += "([0-9]{4})"
            case "month", "day": pattern += "([0-9]{2})"
            case "start", "end": pattern += "([0-9]{6}(?:UTC[+-][0-9]{4})?)"
            case "type": pattern += "([A-Za-z0-9_-]+)"
            default: pattern += "([^/]+?)"
            }
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        guard let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: relativePath, range: NSRange(relativePath.startIndex..., in: relativePath)) else { return nil }
        var values: [String: String] = [:]
        for (index, name) in order.enumerated() {
            guard let range = Range(match.range(at: index + 1), in: relativePath) else { continue }
            let value = String(relativePath[range])
            // A placeholder used twice must read the same both times.
            if let earlier = values[name], earlier != value { return nil }
            values[name] = value
        }
        guard let camera = values["mac"].flatMap(CameraID.init), let startText = values["start"] else { return nil }
        let date = values["date"]?.split(separator: "-").map(String.init) ?? [values["year"], values["month"], values["day"]].compactMap { $0 }
        guard date.count == 3, let year = Int(date[0]), let month = Int(date[1]), let day = Int(date[2]) else { return nil }
        let zone = timeZone(camera)
        guard let start = Self.instant(year: year, month: month, day: day, time: startText, zone: zone) else { return nil }
        var end = start
        if let endText = values["end"], var instant = Self.instant(year: year, month: month, day: day, time: endText, zone: zone) {
            if instant < start { instant += 86_400 }  // past midnight
            end = instant
        }
        let type = values["type"].flatMap(RecordType.init(name:)) ?? RecordType(rawValue: -1)
        return ClipIdentity(camera: camera, deviceName: values["device"] ?? "", recording: Recording(start: start, end: end, type: type))
    }

    /// `HHMMSS` or `HHMMSSUTC±hhmm` on a day, in `zone` unless the offset says otherwise.
    private static func instant(year: Int, month: Int, day: Int, time: String, zone: TimeZone) -> Int64? {
        let digits = Array(time.prefix(6))
        guard digits.count == 6, let hour = Int(String(digits[0..<2])), let minute = Int(String(digits[2..<4])),
              let second = Int(String(digits[4..<6])) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        if time.count == 15, let sign = time.dropFirst(9).first, let hh = Int(time.dropFirst(10).prefix(2)), let mm = Int(time.suffix(2)) {
            calendar.timeZone = TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (hh * 3600 + mm * 60)) ?? zone
        }
        return calendar.date(from: components).map { Int64($0.timeIntervalSince1970) }
    }
}
