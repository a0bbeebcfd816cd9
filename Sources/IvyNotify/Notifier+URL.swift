import Foundation
import IvyHTTP

extension Notifier {
    /// POSTs the notice to `notify_url`, again after the retry policy's pause when the answer
    /// is 5xx or 429 or none came (a timeout, a refused connection): a webhook restarting for a
    /// minute must not lose the night's news.
    ///
    /// - Returns: `nil` for a 2xx answer; else why, naming the URL's host only (a webhook's
    ///   path or query is often its secret).
    func post(to url: String, body: [UInt8]) async -> NotifyError? {
        let host = URLComponents(string: url)?.host.map { "(\($0))" } ?? "(a malformed URL)"
        let request = HTTPRequest(url: url, method: .post, headers: [("Content-Type", "application/json")], body: body, timeout: tuning.urlTimeout)
        var attempt = 0
        while true {
            attempt += 1
            let reason: String
            var answered = false, retryAfter: Duration?
            do {
                let response = try await transport.execute(request, maxBodySize: 1 << 20)
                if (200...299).contains(response.status) { return nil }
                guard response.isRetryableStatus else { return .urlRejected("\(host) answered HTTP \(response.status)") }
                reason = "HTTP \(response.status)"
                answered = true
                retryAfter = response.retryAfter
            } catch let error as HTTPError {
                guard error.isTransient else { return .urlUnreachable("\(host): \(error)") }
                reason = error.description
            } catch is CancellationError {
                return .cancelled("notify_url")
            } catch {
                return .urlUnreachable("\(host): \(error)")
            }
            guard attempt < tuning.retry.maxAttempts else {
                let tries = attempt == 1 ? "" : ", after \(attempt) tries"
                return answered ? .urlRejected("\(host) answered \(reason)\(tries)") : .urlUnreachable("\(host): \(reason)\(tries)")
            }
            let delay = tuning.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            logger.info("a notification was not taken; retrying", metadata: ["host": "\(host)", "reason": "\(reason)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                return .cancelled("notify_url")
            }
        }
    }
}
