import Foundation
import IvyNotify
import Testing

/// `notify_url`: a JSON POST to a listener on 127.0.0.1.
@Suite struct NotifierURLTests {
    @Test func aFailedRunIsPostedAsJSONWithoutItsSecrets() async throws {
        let reason = "https://cdn.example.com/rec/1.m3u8?sign=S3CR3T-SIGNATURE&accessToken=ACCESS-T0KEN-VALUE: HTTP 403"
        let notice = runNotice(try summary(failures: [clipStart], failureReason: reason, expiring: [clipStart + 60]))
        try await NoticeListener.withRunning { url, listener in
            let outcome = await notifier(url: url).notify(run: notice, policy: NotificationPolicy(), digestFolder: nil, now: finished)
            #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
            #expect(outcome.runSent && !outcome.digestSent)
            let request = try #require(listener.received.first)
            #expect(listener.received.count == 1)
            #expect(request.method == "POST" && request.path == "/hook/SECRET-PATH")
            #expect(request.contentType == "application/json")
            for secret in plantedSecrets.filter({ $0 != "SECRET-PATH" }) { #expect(!request.text.contains(secret), "\(secret) in \(request.text)") }
            let received = try request.notice()
            #expect(received == notice)
            #expect(received.version == 1 && received.account == "me@example.com" && received.host == "nas")
            #expect(received.events == [.failure, .expiring])
            #expect(received.failures.first?.reason == "https://cdn.example.com/rec/1.m3u8?sign=REDACTED&accessToken=REDACTED: HTTP 403")
            #expect(received.failures.first?.start == "2026-11-20T22:10:00Z" && received.failures.first?.startUnix == clipStart)
        }
    }

    @Test func aGoodRunIsNotSentUnlessAskedFor() async throws {
        let notice = runNotice(try summary())
        try await NoticeListener.withRunning { url, listener in
            let quiet = await notifier(url: url).notify(run: notice, policy: NotificationPolicy(), digestFolder: nil, now: finished)
            #expect(!quiet.runSent && quiet.warnings.isEmpty)
            #expect(listener.received.isEmpty)
            let told = await notifier(url: url).notify(run: notice, policy: NotificationPolicy(onSuccess: true), digestFolder: nil, now: finished)
            #expect(told.runSent)
            let events = try listener.received.map { try $0.notice().events }
            #expect(events == [[.success]])
        }
    }

    @Test func aURLThatKeepsAnswering500IsAWarningAfterTheRetries() async throws {
        let notice = runNotice(try summary(failures: [clipStart]))
        try await NoticeListener.withRunning(answering: [500]) { url, listener in
            let outcome = await notifier(url: url).notify(run: notice, policy: NotificationPolicy(), digestFolder: nil, now: finished)
            #expect(!outcome.runSent)
            #expect(outcome.warnings == [.urlRejected])
            let line = try #require(outcome.warnings.first).description
            #expect(line == "notify_url (127.0.0.1) answered HTTP 500, after 3 tries")
            #expect(!line.contains("SECRET-PATH"), "a webhook's path is its secret")
            #expect(listener.received.count == 3, "the retry policy's tries")
        }
    }

    @Test func a503ThenA200IsSentOnTheSecondTry() async throws {
        try await NoticeListener.withRunning(answering: [503, 200]) { url, listener in
            let warnings = await notifier(url: url).send(runNotice(try summary(failures: [clipStart])))
            #expect(warnings.isEmpty)
            #expect(listener.received.count == 2)
        }
    }

    @Test func a404IsNotTriedAgain() async throws {
        try await NoticeListener.withRunning(answering: [404]) { url, listener in
            let warnings = await notifier(url: url).send(runNotice(try summary(failures: [clipStart])))
            #expect(warnings.map(\.description) == ["notify_url (127.0.0.1) answered HTTP 404"])
            #expect(listener.received.count == 1)
        }
    }

    @Test func noListenerIsAWarning() async throws {
        // Port 1 on loopback has no listener; nothing leaves the machine.
        let warnings = await notifier(url: "http://127.0.0.1:1/hook").send(runNotice(try summary(failures: [clipStart])))
        #expect(warnings == [.urlUnreachable])
        #expect(warnings.first?.description.hasSuffix("after 3 tries") == true, "\(warnings)")
    }
}
