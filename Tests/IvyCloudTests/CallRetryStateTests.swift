@testable import IvyCloud
import IvyHTTP
import Testing

/// The retry rules on their own, outcome by outcome.
@Suite struct CallRetryStateTests {
    func state(_ authentication: CloudClient.Authentication = .user, attempts: Int = 3) -> CallRetryState {
        CallRetryState(service: "test.service", authentication: authentication,
                       retry: RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40)),
                       upgradePollInterval: .seconds(300), upgradeMaxWait: .seconds(900))
    }

    @Test func transientFailuresBackOffUntilTheTriesAreUsedUp() {
        var state = state(attempts: 3)
        guard case .backOff = state.next(after: .transportFailed(.timedOut)) else { Issue.record("expected a back-off"); return }
        guard case .backOff = state.next(after: .httpStatus(503, retryAfter: nil)) else { Issue.record("expected a back-off"); return }
        guard case .fail(let error) = state.next(after: .transportFailed(.timedOut)) else { Issue.record("expected failure"); return }
        #expect((error as? CloudClientError) == .transport)
    }

    @Test func aNonTransientFailureFailsAtOnce() {
        var state = state()
        guard case .fail(let error) = state.next(after: .transportFailed(.tls)) else { Issue.record("expected failure"); return }
        #expect((error as? CloudClientError) == .transport)
    }

    @Test func retryAfterSetsTheDelay() {
        var state = CallRetryState(service: "s", authentication: .user, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .seconds(60)),
                                   upgradePollInterval: .seconds(1), upgradeMaxWait: .seconds(1))
        guard case .backOff(let delay, _) = state.next(after: .httpStatus(429, retryAfter: .seconds(7))) else { Issue.record("expected a back-off"); return }
        #expect(delay == .seconds(7))
    }

    @Test func aTokenProblemRenewsOnceThenFails() {
        var state = state()
        guard case .reauthenticate(.accessTokenExpired) = state.next(after: .cloudError(.accessTokenExpired, serverURL: nil, details: "")) else {
            Issue.record("expected a renewal"); return
        }
        guard case .fail(let error) = state.next(after: .cloudError(.tokenNotExists, serverURL: nil, details: "")) else { Issue.record("expected failure"); return }
        #expect((error as? CloudAPIError)?.code == .tokenNotExists)
    }

    @Test func tokenProblemsOfCallsWithoutAUserAreNotRenewed() {
        var state = state(.none)
        guard case .fail = state.next(after: .cloudError(.accessTokenExpired, serverURL: nil, details: "")) else { Issue.record("expected failure"); return }
    }

    @Test func addressChangesAreFollowedAFewTimes() {
        var state = state()
        for _ in 0..<CallRetryState.maxMoves {
            guard case .move(to: "https://next.example.com") = state.next(after: .cloudError(.systemAddressChange, serverURL: "https://next.example.com", details: "")) else {
                Issue.record("expected a move"); return
            }
        }
        guard case .fail = state.next(after: .cloudError(.systemAddressChange, serverURL: "https://next.example.com", details: "")) else {
            Issue.record("a cloud pointing in circles must not loop"); return
        }
        var fresh = self.state()
        guard case .fail = fresh.next(after: .cloudError(.systemAddressChange, serverURL: nil, details: "")) else { Issue.record("no address, no move"); return }
    }

    @Test func anUpgradeIsWaitedForAtMostTheMaximum() {
        var state = state()
        for _ in 0..<3 {
            guard case .waitForUpgrade(.seconds(300)) = state.next(after: .cloudError(.systemUpgrade, serverURL: nil, details: "")) else {
                Issue.record("expected a wait"); return
            }
        }
        guard case .fail(let error) = state.next(after: .cloudError(.systemUpgrade, serverURL: nil, details: "")) else { Issue.record("expected failure"); return }
        #expect((error as? CloudClientError) == .upgradeTimeout)
    }

    @Test func aRejectedStoreCallResyncsOnce() {
        var store = state(.store(device: "X"))
        guard case .resynchronize = store.next(after: .cloudError(.invalidParameter, serverURL: nil, details: "invalid sessionToken")) else {
            Issue.record("expected a resync"); return
        }
        guard case .fail = store.next(after: .cloudError(.invalidParameter, serverURL: nil, details: "")) else { Issue.record("expected failure"); return }
        var gateway = state(.user)
        guard case .fail = gateway.next(after: .cloudError(.invalidParameter, serverURL: nil, details: "")) else { Issue.record("gateway calls do not resync"); return }
    }

    @Test func otherCodesAreTheVerdict() {
        var state = state()
        guard case .fail(let error) = state.next(after: .cloudError(CloudErrorCode(rawValue: "123456"), serverURL: nil, details: "odd")) else {
            Issue.record("expected failure"); return
        }
        let verdict = error as? CloudAPIError
        #expect(verdict?.code.rawValue == "123456")
        #expect(verdict?.code.name == nil)
        #expect(verdict?.description == "test.service failed: 123456: odd")
    }
}
