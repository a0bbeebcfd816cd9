import IvyHTTP
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))

    /// Between half the exponential ceiling and the ceiling: the tries are spread over time.
    @Test func delaysStayBetweenHalfTheCeilingAndTheCeiling() {
        for attempt in 1...8 {
            let ceiling = min(Duration.seconds(1), .milliseconds(100) * (1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt)
                #expect(delay >= ceiling / 2 && delay <= ceiling)
            }
        }
    }

    /// The default policy's five tries take at least 7.5 s: a cloud overloaded for a few seconds
    /// is not asked five times in under one.
    @Test func theDefaultTriesSpanSeconds() {
        let policy = RetryPolicy()
        for _ in 0..<20 {
            let total = (1..<policy.maxAttempts).map { policy.delay(afterAttempt: $0) }.reduce(Duration.zero, +)
            #expect(total >= .milliseconds(7500) && total <= .seconds(15), "\(total)")
        }
    }

    @Test func jitterSpreadsTheDelays() {
        let delays = Set((0..<50).map { _ in policy.delay(afterAttempt: 4) })
        #expect(delays.count > 10)
    }

    @Test func retryAfterWinsButIsCapped() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(700)) == .milliseconds(700))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600)) == .seconds(1))
    }
}

@Suite struct RetryableResponseTests {
    func response(_ status: Int, _ headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: [])
    }

    @Test func onlyTimeoutsOverloadAndServerErrorsAreRetried() {
        #expect([408, 429, 500, 503, 599].allSatisfy { response($0).isRetryableStatus })
        #expect(![200, 206, 301, 400, 403, 404].contains { response($0).isRetryableStatus })
    }

    @Test func retryAfterIsReadInSeconds() {
        #expect(response(503, [("retry-after", " 7 ")]).retryAfter == .seconds(7))
        #expect(response(503, [("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]).retryAfter == nil)
        #expect(response(503).retryAfter == nil)
    }
}
