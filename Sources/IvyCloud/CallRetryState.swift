import IvyHTTP

/// The rules `CloudClient` follows between a call and its verdict, as a value: each outcome of
/// an exchange goes in, the next action comes out. Kept apart from the I/O so that every rule
/// is tested without a network.
struct CallRetryState {
    enum Outcome {
        case transportFailed(HTTPError)
        case httpStatus(Int, retryAfter: Duration?)
        case cloudError(CloudErrorCode, serverURL: String?, details: String)
        /// An answer that cannot be read: not JSON, empty, cut short, a `404` page, a value out
        /// of range. Tried again like a `503` when the call may be repeated.
        case unreadable(CloudClientError)
        /// A status that is the final word (`400`, `403`, ...).
        case rejected(CloudClientError)
    }

    enum Action {
        /// Wait, then send the call again.
        case backOff(Duration, reason: String)
        /// Renew the token (refresh, or log in again), then send again.
        case reauthenticate(CloudErrorCode)
        /// `000077`: use this gateway from now on, then send again.
        case move(to: String)
        /// `000066`: wait this long, then ask again.
        case waitForUpgrade(Duration)
        /// Resync the server clock and the subtoken, then send again.
        case resynchronize
        case fail(any Error)
    }

    let service: String
    let authentication: CloudClient.Authentication
    /// A `GET`: sending it again changes nothing, so an unreadable answer is worth another try.
    let idempotent: Bool
    let retry: RetryPolicy
    let upgradePollInterval: Duration
    let upgradeMaxWait: Duration
    /// `000077` hops followed at most per call: a cloud pointing in a circle must not loop.
    static let maxMoves = 3

    private var failures = 0
    private var reauthenticated = false
    private var moves = 0
    private var resynced = false
    private var upgradeWaited = Duration.zero

    init(service: String, authentication: CloudClient.Authentication, idempotent: Bool = true, retry: RetryPolicy,
         upgradePollInterval: Duration, upgradeMaxWait: Duration) {
        self.service = service
        self.authentication = authentication
        self.idempotent = idempotent
        self.retry = retry
        self.upgradePollInterval = upgradePollInterval
        self.upgradeMaxWait = upgradeMaxWait
    }

    mutating func next(after outcome: Outcome) -> Action {
        switch outcome {
        case .transportFailed(let error):
            guard error.isTransient else { return .fail(CloudClientError.transport(service, error.description)) }
            return backOff(reason: error.description) ?? .fail(CloudClientError.transport(service, "\(error) (after \(failures) tries)"))
        case .unreadable(let error):
            guard idempotent else { return .fail(error) }
            return backOff(reason: error.detail) ?? .fail(error)
        case .rejected(let error):
            return .fail(error)
        case .httpStatus(let status, let retryAfter):
            return backOff(reason: "HTTP \(status)", retryAfter: retryAfter) ?? .fail(CloudClientError.httpStatus(service, status))
        case .cloudError(let code, let serverURL, let details):
            let verdict = CloudAPIError(code: code, service: service, failureDetails: details)
            switch code {
            case _ where code.isTokenProblem && authentication == .user:
                guard !reauthenticated else { return .fail(verdict) }
                reauthenticated = true
                return .reauthenticate(code)
            case .systemAddressChange:
                guard let serverURL, !serverURL.isEmpty, moves < Self.maxMoves else { return .fail(verdict) }
                moves += 1
                return .move(to: serverURL)
            case .systemUpgrade:
                guard upgradeWaited < upgradeMaxWait else {
                    return .fail(CloudClientError.upgradeTimeout(service, "still upgrading after \(upgradeWaited)"))
                }
                upgradeWaited += upgradePollInterval
                return .waitForUpgrade(upgradePollInterval)
            case .systemError:
                return backOff(reason: "000099") ?? .fail(verdict)
            case .invalidParameter, .parameterEmpty:
                // A rejected sessionToken or timestamp looks like any bad parameter (NOTES.md):
                // resync the clock and the subtoken once before believing it.
                guard case .store = authentication, !resynced else { return .fail(verdict) }
                resynced = true
                return .resynchronize
            default:
                return .fail(verdict)
            }
        }
    }

    /// Counts a failure; `nil` once the policy's tries are used up.
    private mutating func backOff(reason: String, retryAfter: Duration? = nil) -> Action? {
        failures += 1
        guard failures < retry.maxAttempts else { return nil }
        return .backOff(retry.delay(afterAttempt: failures, retryAfter: retryAfter), reason: reason)
    }
}
