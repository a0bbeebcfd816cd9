import Foundation
import IvyArchive
import IvyNotify
import Testing

/// What a notice says of a run: its events, counts and lists, its JSON, and no secret.
@Suite struct NoticeTests {
    @Test func aRunWithFailuresPartialExpiringAndLostClipsReportsEachWithItsCounts() throws {
        let notice = runNotice(try summary(archived: 4, failures: [clipStart], partial: [clipStart + 60], expiring: [clipStart + 120], lost: [clipStart + 180]))
        #expect(notice.kind == .run)
        #expect(notice.events == [.failure, .partial, .expiring, .lost])
        #expect(notice.counts.archived == 3, "whole clips only; the partial one is counted apart")
        #expect(notice.counts.partial == 1)
        #expect(notice.counts.failed == 1)
        #expect(notice.counts.alreadyThere == 10)
        #expect(notice.counts.bytes == 4000)
        #expect(notice.counts.expiring == 1)
        #expect(notice.counts.lost == 1)
        let failure = try #require(notice.failures.first)
        #expect(notice.failures.count == 1)
        #expect(failure.camera == frontDoor && failure.cameraName == "Front door")
        #expect(failure.start == "2026-11-20T22:10:00Z" && failure.startUnix == clipStart)
        #expect(failure.reason == "HTTP 503, after 5 tries")
        #expect(notice.expiring.map(\.startUnix) == [clipStart + 120])
        #expect(notice.lost.map(\.startUnix) == [clipStart + 180])
        #expect(notice.partial.first?.holes.count == 1)
        #expect(notice.exitCode == 1)
        #expect(notice.runs == 1 && notice.failedRuns == 1)
        #expect(notice.started == "2026-11-21T03:15:00Z" && notice.startedUnix == 1_795_230_900)
        #expect(notice.host == "nas")
        #expect(notice.summary.hasPrefix("me@example.com: 3 archived, 1 failed, 1 partial, 1 about to expire unarchived, 1 lost"), "\(notice.summary)")
    }

    @Test func aGoodRunIsASuccessAndOnlyThat() throws {
        let notice = runNotice(try summary())
        #expect(notice.events == [.success])
        #expect(notice.exitCode == 0 && notice.failedRuns == 0)
        #expect(!NotificationPolicy().sends(notice))
        #expect(NotificationPolicy(onSuccess: true).sends(notice))
    }

    @Test func expiringClipsAloneAreSentWithoutFailingTheRun() throws {
        let notice = runNotice(try summary(expiring: [clipStart]))
        #expect(notice.events == [.expiring])
        #expect(notice.exitCode == 0)
        #expect(NotificationPolicy().sends(notice))
    }

    @Test func aDeadlineOrAnInterruptionIsAFailure() throws {
        #expect(runNotice(try summary(unfinished: 5)).events == [.failure])
        #expect(runNotice(try summary(interrupted: true), exitCode: 130).events == [.failure])
    }

    @Test func aRunThatFailedBeforeItsClipsCarriesItsErrorLine() throws {
        let notice = Notice(account: "me@example.com", failure: "authentication failed: wrong password (030061)", exitCode: 2,
                            started: started, finished: finished, host: "nas")
        #expect(notice.events == [.failure])
        #expect(notice.error == "authentication failed: wrong password (030061)")
        #expect(notice.counts == Notice.Counts())
        #expect(notice.summary == "me@example.com: backup failed: authentication failed: wrong password (030061)")
    }

    @Test func noSecretOfAReasonOrAnErrorLineIsInTheJSON() throws {
        let reason = "playlist https://cdn.example.com/rec/1.m3u8?expires=1795212600&sign=S3CR3T-SIGNATURE&accessToken=ACCESS-T0KEN-VALUE answered HTTP 403"
        let run = runNotice(try summary(failures: [clipStart], failureReason: reason))
        let early = Notice(account: "me@example.com", failure: "cloud unavailable: refreshToken=R3FRESH-T0KEN rejected by https://me:hunter2-password@api.example.com/oauth",
                           exitCode: 3, started: started, finished: finished, host: "nas")
        for notice in [run, early, Notice.digest(of: run).merging(early)] {
            let text = String(decoding: notice.json, as: UTF8.self)
            for secret in plantedSecrets { #expect(!text.contains(secret), "\(secret) in \(text)") }
            #expect(text.contains("REDACTED"))
        }
        // What is not secret stays readable.
        #expect(run.failures.first?.reason == "playlist https://cdn.example.com/rec/1.m3u8?expires=1795212600&sign=REDACTED&accessToken=REDACTED answered HTTP 403")
    }

    @Test func theJSONHasTheDocumentedFields() throws {
        let notice = runNotice(try summary(failures: [clipStart], lost: [clipStart + 60]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(notice.json)) as? [String: Any])
        #expect(Set(object.keys) == ["version", "kind", "account", "host", "events", "summary", "exitCode", "started", "startedUnix",
                                     "finished", "finishedUnix", "runs", "failedRuns", "counts", "failures", "partial", "expiring", "lost", "truncated"])
        #expect(object["version"] as? Int == 1)
        #expect(object["events"] as? [String] == ["failure", "lost"])
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(Set(counts.keys) == ["archived", "alreadyThere", "failed", "partial", "unfinished", "pruned", "bytes", "expiring", "lost"])
        let failure = try #require((object["failures"] as? [[String: Any]])?.first)
        #expect(Set(failure.keys) == ["camera", "cameraName", "start", "startUnix", "reason"])
        // Decodes back as it was: a digest's state keeps notices as this JSON.
        #expect(try JSONDecoder().decode(Notice.self, from: Data(notice.json)) == notice)
    }

    @Test func listsAreCutButCountsStayWhole() throws {
        let starts = (0..<(Notice.listLimit + 20)).map { clipStart + Int64($0) * 60 }
        let notice = runNotice(try summary(failures: starts))
        #expect(notice.failures.count == Notice.listLimit)
        #expect(notice.counts.failed == starts.count)
        #expect(notice.truncated)
    }

    @Test func aDigestSumsItsRunsAndNamesEachClipOnce() throws {
        let first = runNotice(try summary(archived: 2, expiring: [clipStart]))
        let second = runNotice(try summary(archived: 1, expiring: [clipStart]))
        let third = Notice(account: "me@example.com", failure: "cloud unavailable", exitCode: 3, started: started, finished: finished, host: "nas")
        let digest = Notice.digest(of: first).merging(second).merging(third)
        #expect(digest.kind == .digest)
        #expect(digest.runs == 3 && digest.failedRuns == 1)
        #expect(digest.counts.archived == 3)
        #expect(digest.expiring.count == 1, "the same clip warned of twice")
        #expect(digest.failures.map(\.reason) == ["run of 2026-11-21T03:15:00Z: cloud unavailable"])
        #expect(digest.events == [.failure, .expiring])
        #expect(digest.error == nil)
        #expect(Notice.digest(of: runNotice(try summary())).events == [.success])
    }

    @Test func aWarningWithoutAKindReadsAsExpiring() throws {
        let json = #"{"device":"00626E00AB01","start":1,"message":"m"}"#
        let warning = try JSONDecoder().decode(Backup.Summary.Warning.self, from: Data(json.utf8))
        #expect(warning.kind == .expiring)
    }
}
