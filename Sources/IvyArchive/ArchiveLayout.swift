public import Foundation
public import IvyCloud
public import IvyDomain

/// Where a clip lives in the archive: by default
/// `<name>_<MAC>/<YYYY-MM-DD>/<HHMMSS>-<HHMMSS>_<type>.mp4`, day and times in the device's time
/// zone. The MAC keeps footage apart when a camera is renamed or two share a name; every value
/// from the cloud is made safe, so no name can leave the archive root.
public struct ArchiveLayout: Sendable {
    public static let defaultTemplate = "{device}_{mac}/{date}/{start}-{end}_{type}.mp4"
    /// Placeholders a template may use.
    public static let placeholders: Set<String> = ["device", "mac", "date", "year", "month", "day", "start", "end", "type"]

    public let template: String

    /// Checks `template` once, so that a bad config fails before any download.
    public init(template: String = ArchiveLayout.defaultTemplate) throws {
        guard template.hasSuffix(".mp4") else { throw ArchiveLayoutError("the path template must end in .mp4") }
        guard !template.hasPrefix("/") else { throw ArchiveLayoutError("the path template must be relative to the archive") }
        var rest = Substring(template)
        var names: Set<String> = []
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw ArchiveLayoutError("unclosed { in the path template") }
            let name = String(rest[rest.index(after: open)..<close])
            guard Self.placeholders.contains(name) else { throw ArchiveLayoutError("unknown placeholder {\(name)} in the path template") }
            names.insert(name)
            rest = rest[rest.index(after: close)...]
        }
        guard names.contains("mac") || names.contains("device") else {
            throw ArchiveLayoutError("the path template must name the device ({device} or {mac})")
        }
        guard names.contains("start") else { throw ArchiveLayoutError("the path template must contain {start}, or clips would collide") }
        let components = template.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw ArchiveLayoutError("the path template must not contain empty, . or .. parts")
        }
        self.template = template
    }

    /// The clip's path relative to the archive root.
    public func relativePath(deviceName: String, camera: CameraID, recording: Recording, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(recording.start)))
        let end = calendar.dateComponents([.hour, .minute, .second], from: Date(timeIntervalSince1970: Double(recording.end)))
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let values: [String: String] = [
            "device": Self.safeName(deviceName),
            "mac": camera.mac,
            "date": "\(pad(start.year, 4))-\(pad(start.month))-\(pad(start.day))",
            "year": pad(start.year, 4), "month": pad(start.month), "day": pad(start.day),
            "start": pad(start.hour) + pad(start.minute) + pad(start.second) + Self.offsetIfRepeated(recording.start, in: timeZone),
            "end": pad(end.hour) + pad(end.minute) + pad(end.second) + Self.offsetIfRepeated(recording.end, in: timeZone),
            "type": Self.safeName(recording.type.name),
        ]
        return template.split(separator: "/").map { Self.render(String($0), values) }.joined(separator: "/")
    }

    /// Longest file or folder name, in bytes, that Linux file systems take (`NAME_MAX`).
    static let maximumNameBytes = 255

    /// One path component with its placeholders filled in, within `maximumNameBytes`: when a
    /// long camera name (in a script of four-byte letters, say) would pass it, the name is cut
    /// on a character boundary; the MAC, times and type are always kept whole.
    static func render(_ component: String, _ values: [String: String]) -> String {
        func fill(_ values: [String: String]) -> String {
            var text = component
            for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
            return text
        }
        let full = fill(values)
        let uses = component.components(separatedBy: "{device}").count - 1
        guard full.utf8.count > maximumNameBytes, uses > 0, let name = values["device"] else { return full }
        let others = full.utf8.count - uses * name.utf8.count
        let budget = max(1, (maximumNameBytes - others) / uses)
        var cut = ""
        for character in name {
            guard cut.utf8.count + character.utf8.count <= budget else { break }
            cut.append(character)
        }
        var shortened = values
        shortened["device"] = cut.isEmpty ? "c" : cut
        return fill(shortened)
    }

    /// When clocks go back, an hour of wall-clock times happens twice: two clips at 01:30 would
    /// get one name and one would overwrite the other. The second time round, a time carries
    /// its UTC offset (`013000UTC+0000`), so that names still sort in the order of the clips
    /// (`013000-...` before `013000UTC+0000-...`); every other time stays plain.
    static func offsetIfRepeated(_ instant: Int64, in zone: TimeZone) -> String {
        func offset(_ seconds: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))) }
        let own = offset(instant)
        for other in Set([offset(instant - 3 * 3600), offset(instant + 3 * 3600)]) where other != own {
            // The other instant that shows the same wall-clock time, if the zone has one: when
            // it came first, this is the repeat.
            let twin = instant + own - other
            if offset(twin) == other, twin < instant {
                let minutes = abs(own) / 60
                let digits = String(format: "%02d%02d", Int(minutes / 60), Int(minutes % 60))
                return "UTC" + (own < 0 ? "-" : "+") + digits
            }
        }
        return ""
    }

    /// A camera's name as a folder name: letters, digits, `-` and `_` only, no leading dot,
    /// at most 64 characters; "camera" when nothing is left.
    public static func safeName(_ name: String) -> String {
        var result = ""
        var lastWasSeparator = true
        for character in name {
            if character.isLetter || character.isNumber || character == "_" {
                result.append(character)
                lastWasSeparator = false
            } else if !lastWasSeparator {
                result.append("-")
                lastWasSeparator = true
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        if result.count > 64 { result = String(result.prefix(64)) }
        return result.isEmpty ? "camera" : result
    }
}

public struct ArchiveLayoutError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
