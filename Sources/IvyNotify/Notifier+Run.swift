public import Foundation

extension Notifier {
    /// Notifies one finished run of one account: its notice, if `policy` sends it; with a
    /// digest schedule, the run is added to the account's digest state in `digestFolder`, and
    /// when the schedule's time has passed since the last digest (on a first run: since now,
    /// so the first digest comes a day later at most), the digest of the runs since goes out
    /// and the state starts again. A digest that could not be sent stays pending: the next run
    /// tries again with itself added.
    ///
    /// Not for `--dry-run` runs, which archive nothing worth telling.
    ///
    /// - Parameters:
    ///   - notice: the run's, from `Notice(account:summary:...)` or `Notice(account:failure:...)`.
    ///   - digestFolder: an existing folder for the state file (the tool's state directory,
    ///     which is there even when the archive's disk is not); needed only with a digest.
    ///   - now: the wall clock (injected, so that tests need not wait for a day).
    /// - Returns: what was sent, and a warning for each thing that failed. Never throws: a
    ///   cancelled task gets `NotifyError.cancelled`.
    public func notify(run notice: Notice, policy: NotificationPolicy, digestFolder: String?, now: Date) async -> NotificationOutcome {
        var outcome = NotificationOutcome()
        guard !targets.isEmpty else { return outcome }
        if policy.sends(notice) {
            let warnings = await send(notice)
            outcome.runSent = warnings.isEmpty
            outcome.warnings += warnings
        }
        guard let schedule = policy.digest else { return outcome }
        guard let digestFolder else {
            outcome.warnings.append(.digestState("no folder to keep the runs since the last digest in"))
            return outcome
        }
        let path = DigestState.path(in: digestFolder, account: notice.account)
        var state: DigestState
        do {
            state = try await DigestState.load(from: path) ?? DigestState(account: notice.account, since: now)
        } catch {
            outcome.warnings.append(error as? NotifyError ?? .digestState("\(error)"))
            state = DigestState(account: notice.account, since: now)
        }
        state.pending = state.pending.map { $0.merging(notice) } ?? Notice.digest(of: notice)
        if let digest = state.pending, schedule.lastOccurrence(atOrBefore: now) > state.since {
            let warnings = await send(digest)
            if warnings.isEmpty {
                outcome.digestSent = true
                state = DigestState(account: notice.account, since: now)
            } else {
                outcome.warnings += warnings.map { $0.prefixed("digest not sent (the next run tries again): ") }
            }
        }
        do {
            try await state.save(to: path)
        } catch {
            outcome.warnings.append(error as? NotifyError ?? .digestState("\(error)"))
        }
        return outcome
    }
}
