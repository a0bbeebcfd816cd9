import Foundation
import IvyDomain
import Synchronization

/// One line of progress on a terminal, redrawn in place twice a second from what `render`
/// says (so live bytes, rate and ETA move while a clip downloads), cut to the terminal's width
/// so that it never wraps; nothing at all when stderr is not a terminal (cron mails and logs
/// stay free of control characters).
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let state = Mutex<(render: (@Sendable () -> String)?, ticker: Task<Void, Never>?)>((nil, nil))
    private let lastDrawn = Mutex(ContinuousClock.now - .seconds(1))

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Redraws from `render` every `interval` until `clear()`.
    func start(every interval: Duration = .milliseconds(500), _ render: @escaping @Sendable () -> String) {
        guard enabled else { return }
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, let render = self.state.withLock({ $0.render }) else { return }
                self.draw(render())
            }
        }
        state.withLock { state in
            state.ticker?.cancel()
            state = (render, ticker)
        }
    }

    /// Draws `text` now, at most ten times a second.
    func show(_ text: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = lastDrawn.withLock { last in
            guard now - last >= .milliseconds(100) else { return false }
            last = now
            return true
        }
        if due { draw(text) }
    }

    /// Redraws from `render` now, if started.
    func refresh() {
        guard enabled, let render = state.withLock({ $0.render }) else { return }
        draw(render())
    }

    /// Erases the line (a log line goes above it; `refresh` draws it again).
    func erase() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Stops redrawing and erases the line.
    func clear() {
        guard enabled else { return }
        state.withLock { state in
            state.ticker?.cancel()
            state = (nil, nil)
        }
        erase()
    }

    private func draw(_ text: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[K\(Self.fit(text, width: Self.terminalWidth()))".utf8))
    }

    /// `text` cut to `width - 1` characters (the last column would wrap on some terminals),
    /// ending in `…` when cut.
    static func fit(_ text: String, width: Int) -> String {
        let room = max(1, width - 1)
        guard text.count > room else { return text }
        return String(text.prefix(room - 1)) + "…"
    }

    /// The terminal's columns (asked each time: it may be resized), else `$COLUMNS`, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
    }

    static func bytes(_ count: Int) -> String { HumanReadable.bytes(Int64(count)) }

    /// `1h02m`, `4m05s`, `12s`.
    static func duration(_ seconds: Int) -> String { HumanReadable.duration(Double(seconds)) }
}
