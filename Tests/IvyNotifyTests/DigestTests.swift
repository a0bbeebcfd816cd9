import Foundation
import IvyNotify
import Testing

/// `notify_digest`: one digest a day, on the first run after its time, with an injected clock.
@Suite struct DigestTests {
    let utc = TimeZone(identifier: "UTC")!

    /// 2026-11-21 at `hour`:`minute` UTC, `days` later.
    func at(_ hour: Int, _ minute: Int = 0, day days: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_795_219_200 + Double(days * 86_400 + hour * 3600 + minute * 60))
    }

    @Test func theDigestGoesOutOnceADayOnTheFirstRunAfterItsTime() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let policy = NotificationPolicy(digest: DigestSchedule("07:00", timeZone: utc))
        let good = runNotice(try summary())
        try await NoticeListener.withRunning { url, listener in
            let notifier = notifier(url: url)
            func run(_ now: Date, _ notice: Notice) async -> NotificationOutcome {
                await notifier.notify(run: notice, policy: policy, digestFolder: folder, now: now)
            }
            // The first run starts the state: no digest of one run at once.
            #expect(await run(at(3), good).digestSent == false)
            #expect(await run(at(6, 59), good).digestSent == false)
            // 07:00 has passed since: the digest of the three runs.
            let first = await run(at(9), good)
            #expect(first.digestSent && first.warnings.isEmpty)
            #expect(await run(at(15), good).digestSent == false)
            #expect(await run(at(23, 59), runNotice(try summary(expiring: [clipStart]))).digestSent == false, "a new day, but before 07:00")
            #expect(await run(at(6, 30, day: 1), good).digestSent == false)
            #expect(await run(at(7, 0, day: 1), good).digestSent == true)
            #expect(await run(at(8, day: 1), good).digestSent == false)

            let notices = try listener.received.map { try $0.notice() }
            #expect(notices.map(\.kind) == [.digest, .run, .digest],
                    "the digests, and the run with a warning, sent as it happened")
            #expect(notices.map(\.runs) == [3, 1, 4])
            #expect(notices[0].events == [.success])
            #expect(notices[2].events == [.expiring])
            #expect(notices[0].started == "2026-11-21T03:15:00Z")
        }
    }

    @Test func aDigestThatCouldNotBeSentWaitsForTheNextRun() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let policy = NotificationPolicy(digest: .midnight(in: utc))
        let good = runNotice(try summary())
        try await NoticeListener.withRunning(answering: [500, 500, 500, 200]) { url, listener in
            let notifier = notifier(url: url)
            _ = await notifier.notify(run: good, policy: policy, digestFolder: folder, now: at(1))
            let failed = await notifier.notify(run: good, policy: policy, digestFolder: folder, now: at(1, day: 1))
            #expect(!failed.digestSent)
            #expect(failed.warnings.map(\.description) == ["digest not sent (the next run tries again): notify_url (127.0.0.1) answered HTTP 500, after 3 tries"])
            let retried = await notifier.notify(run: good, policy: policy, digestFolder: folder, now: at(2, day: 1))
            #expect(retried.digestSent && retried.warnings.isEmpty)
            let last = try #require(listener.received.last).notice()
            #expect(last.runs == 3)
        }
    }

    @Test func eachAccountHasItsOwnDigest() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let policy = NotificationPolicy(digest: .midnight(in: utc))
        try await NoticeListener.withRunning { url, listener in
            let notifier = notifier(url: url)
            for account in ["home", "office/../x"] {
                _ = await notifier.notify(run: runNotice(try summary(), account: account), policy: policy, digestFolder: folder, now: at(1))
            }
            _ = await notifier.notify(run: runNotice(try summary(), account: "home"), policy: policy, digestFolder: folder, now: at(1, day: 1))
            let accounts = try listener.received.map { try $0.notice().account }
            #expect(accounts == ["home"])
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(files == ["notify-digest-home.json", "notify-digest-office_.._x.json"])
        }
    }

    @Test func theScheduleReadsHHMM() {
        #expect(DigestSchedule("07:30", timeZone: utc)?.description == "07:30")
        #expect(DigestSchedule("7:05", timeZone: utc)?.description == "07:05")
        for wrong in ["24:00", "07:60", "0730", "07:3", "", "a7:00", "07:00:00", "-1:00"] {
            #expect(DigestSchedule(wrong, timeZone: utc) == nil, "\(wrong)")
        }
        let schedule = DigestSchedule("07:00", timeZone: utc)!
        #expect(schedule.lastOccurrence(atOrBefore: at(9)) == at(7))
        #expect(schedule.lastOccurrence(atOrBefore: at(6)) == at(7, day: -1))
        #expect(schedule.lastOccurrence(atOrBefore: at(7)) == at(7))
    }
}
