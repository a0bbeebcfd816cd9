import Foundation
import IvyNotify
import Testing

/// The README's Apprise example, run for real where Apprise is installed (`apt install
/// apprise`): its `json://` service posts to the listener on 127.0.0.1 instead of mailing, with
/// Apprise's timeouts (`cto`, `rto`: 4 s by default) raised for a machine loaded by the suite.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/apprise"), "needs apprise (apt install apprise)"))
struct AppriseTests {
    @Test func theReadmeExampleDeliversTheSummaryAndTheEvents() async throws {
        let notice = runNotice(try summary(failures: [clipStart], expiring: [clipStart + 60]))
        try await NoticeListener.withRunning { url, listener in
            let target = Self.service(url)
            let command = #"apprise -vv -t "IvyArchiver: $IVY_NOTIFY_EVENT" -b "$IVY_NOTIFY_SUMMARY" "# + target
            let warnings = await notifier(command: command).send(notice)
            #expect(warnings.isEmpty, "\(warnings)")
            let body = try #require(listener.received.first).body
            let message = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(message["title"] as? String == "IvyArchiver: failure,expiring")
            #expect(message["message"] as? String == notice.summary)
        }
    }

    @Test func theWholeNoticeCanBeTheBody() async throws {
        let notice = runNotice(try summary(lost: [clipStart]))
        try await NoticeListener.withRunning { url, listener in
            let command = #"apprise -vv -t "IvyArchiver" -b "$(cat)" "# + Self.service(url)
            let warnings = await notifier(command: command).send(notice)
            #expect(warnings.isEmpty, "\(warnings)")
            let body = try #require(listener.received.first).body
            let message = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let text = try #require(message["message"] as? String)
            #expect(try JSONDecoder().decode(Notice.self, from: Data(text.utf8)) == notice)
        }
    }

    /// A service Apprise cannot reach: the warning says why, in Apprise's words (which it logs
    /// to its standard output).
    @Test func anUnreachableServiceIsAWarningInAppriseWords() async throws {
        let notice = runNotice(try summary(lost: [clipStart]))
        let command = #"apprise -vv -t "IvyArchiver" -b "$IVY_NOTIFY_SUMMARY" json://127.0.0.1:1/hook"#
        let warnings = await notifier(command: command).send(notice)
        #expect(warnings.count == 1)
        let line = try #require(warnings.first).description
        #expect(line.hasPrefix("notify_command failed with exit status 1: ") && line.contains("error"), "\(line)")
    }

    /// The listener as an Apprise `json://` URL, quoted for the shell.
    static func service(_ url: String) -> String {
        "'" + url.replacingOccurrences(of: "http://", with: "json://") + "?cto=30&rto=30'"
    }
}
