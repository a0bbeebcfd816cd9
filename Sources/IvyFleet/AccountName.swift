/// The name of one account of a config's `[[accounts]]`: what the summary, the metrics'
/// `account` label, the default archive sub-folder and shard assignment use.
///
/// 1 to 64 characters of ASCII letters, digits, `.`, `_` and `-`, beginning with a letter or a
/// digit: safe as a path component and a Prometheus label value, and the same bytes on every
/// machine (rendezvous hashing hashes them).
public struct AccountName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// `nil` for a name outside the rule above.
    public init?(_ text: String) {
        guard (1...64).contains(text.utf8.count), let first = text.unicodeScalars.first,
              Self.isLetterOrDigit(first),
              text.unicodeScalars.allSatisfy({ Self.isLetterOrDigit($0) || ".-_".unicodeScalars.contains($0) })
        else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: AccountName, rhs: AccountName) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The rule, for messages.
    public static let rule = "1-64 letters, digits, '.', '_' or '-', beginning with a letter or digit"

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }
}
