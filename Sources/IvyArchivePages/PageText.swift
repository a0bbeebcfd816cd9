import Foundation
import IvyDomain

/// How the pages write times, lengths and sizes.
enum PageText {
    /// `14:03:12` in `zone`.
    static func clock(_ unix: Double, _ zone: TimeZone) -> String {
        String(RecordingTime(unix: unix).wallClock(in: zone).suffix(8))
    }

    static func duration(_ seconds: Double) -> String { HumanReadable.duration(seconds) }


    /// With a no-break space, so a narrow column never splits `28.5 MB`.
    static func bytes(_ count: Int64) -> String { HumanReadable.bytes(count).replacingOccurrences(of: " ", with: "\u{00A0}") }

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
