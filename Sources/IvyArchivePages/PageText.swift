import Foundation
import IvyDomain

/// How the pages write times, lengths and sizes.
enum PageText {
    /// `14:03:12` in `zone`.
    static func clock(_ unix: Double, _ zone: TimeZone) -> String {
        String(RecordingTime(unix: unix).wallClock(in: zone).suffix(8))
    }

    /// `1h02m`, `4m05s`, `12s`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
            : whole >= 60 ? String(format: "%dm%02ds", whole / 60, whole % 60) : "\(whole)s"
    }

    /// `5.1 MB` (1000-based, as `ls` and the progress line).
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// A relative path as a URL path: each component percent-encoded, so a name with `#`, `?`
    /// or a space still links.
    static func href(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#;")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == ".." || $0 == "." ? String($0) : String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }
}
