import Foundation

/// Sizes and lengths as the tool writes them for people: in `ls`, the progress line, summaries
/// and the archive's pages, the same way everywhere.
public enum HumanReadable {
    /// `5.1 MB`: 1000-based (SI), one decimal; whole bytes below 1 kB.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `1h02m`, `4m05s`, `12s`, from seconds rounded to the nearest whole one.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
            : whole >= 60 ? String(format: "%dm%02ds", whole / 60, whole % 60) : "\(whole)s"
    }
}
