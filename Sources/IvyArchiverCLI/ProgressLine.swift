import Foundation
import Synchronization

/// One line of progress on a terminal, rewritten in place; nothing at all when stderr is not a
/// terminal (cron mails and logs stay free of control characters).
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let lastDrawn = Mutex(ContinuousClock.now - .seconds(1))

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Redraws at most ten times a second.
    func show(_ text: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = lastDrawn.withLock { last in
            guard now - last >= .milliseconds(100) else { return false }
            last = now
            return true
        }
        if due { FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8)) }
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
