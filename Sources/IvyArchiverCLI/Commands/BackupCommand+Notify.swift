import Foundation
import IvyHTTP
import IvyNotify
import Logging

// Telling someone how a night went: `notify_command` and `notify_url`, with a JSON notice
// (IvyNotify) when a run failed, left clips partial, or clips expire or were lost unarchived;
// on success too with `notify_on_success`; and a daily digest with `notify_digest`.
extension BackupCommand {
    /// Sends one account's notice when its settings ask for one. A notification that fails is
    /// a warning: the run's exit code stays the run's.
    ///
    /// - Parameters:
    ///   - done: the run, when it got to the clips.
    ///   - failure: why it stopped, when it did.
    ///   - started: when the account's run began.
    func notify(_ settings: Settings, done: Done?, failure: (any Error)?, exitCode: Int32, started: Date) async {
        guard !dryRun, settings.notifyCommand != nil || settings.notifyURL != nil else { return }
        let account = settings.account?.rawValue ?? settings.username ?? settings.openId ?? "unknown"
        var reason = failure.map { ExitStatus.classify($0)?.message ?? "\($0)" }
        if reason == nil, let shipping = done?.shipping {
            if let failure = shipping.failure {
                reason = "shipping: " + (ExitStatus.classify(failure)?.message ?? "\(failure)")
            } else if let summary = shipping.summary, let first = summary.failures.first {
                reason = "shipping: \(summary.failures.count) clips not copied to \(summary.destination) (first: \(first.path): \(first.reason))"
            }
        }
        let notice = if let done {
            Notice(account: account, summary: done.summary, exitCode: exitCode, error: reason, started: started, finished: Date())
        } else {
            Notice(account: account, failure: reason ?? "the run stopped", exitCode: exitCode, started: started, finished: Date())
        }
        // The level was checked when the run began.
        let logger = (try? global.makeLogger()) ?? Logger(label: "ivy-archiver")
        let notifier = Notifier(targets: .init(command: settings.notifyCommand, url: settings.notifyURL),
                                transport: CurlTransport(logger: logger), logger: logger)
        let policy = NotificationPolicy(onSuccess: settings.notifyOnSuccess, digest: settings.notifyDigest)
        let folder = settings.stateDirectory
        if let folder { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        // Detached: an interrupted run (its task cancelled) is still told.
        let outcome = await Task.detached { await notifier.notify(run: notice, policy: policy, digestFolder: folder, now: Date()) }.value
        let prefix = settings.account.map { "account \($0): " } ?? ""
        outcome.warnings.forEach { Output.warning(prefix + "notification: \($0.description)") }
    }
}
