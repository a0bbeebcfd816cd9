/// How a backup run ended. Stored in the catalog as `ok`, `partial`, `dry-run` or
/// `stopped: <why>`, the strings earlier versions wrote.
public enum RunOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Every planned clip archived whole.
    case ok
    /// Some clip failed, is partial, or was left for the deadline.
    case partial
    /// Nothing was fetched: `--dry-run`.
    case dryRun
    /// The run stopped early (the archive's disk is full or read-only), saying why.
    case stopped(String)

    public init(_ text: String) {
        switch text {
        case "ok": self = .ok
        case "partial": self = .partial
        case "dry-run": self = .dryRun
        default: self = .stopped(text.hasPrefix("stopped: ") ? String(text.dropFirst(9)) : text)
        }
    }

    public var description: String {
        switch self {
        case .ok: "ok"
        case .partial: "partial"
        case .dryRun: "dry-run"
        case .stopped(let reason): "stopped: \(reason)"
        }
    }
}
