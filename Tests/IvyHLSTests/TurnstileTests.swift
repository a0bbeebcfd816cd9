@testable import IvyHLS
import Synchronization
import Testing

/// A clip's segments queue for memory in the clip's order, whatever order their tasks run in
/// (by order of events; the time limit only guards against a hang).
@Suite(.timeLimit(.minutes(5)))
struct TurnstileTests {
    final class Order: Sendable {
        private let indexes = Mutex<[Int]>([])
        func add(_ index: Int) { indexes.withLock { $0.append(index) } }
        var all: [Int] { indexes.withLock { $0 } }
    }

    @Test func tasksStartedInReverseOrderPassInIndexOrder() async throws {
        let turnstile = Turnstile()
        let order = Order()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in (0..<20).reversed() {
                group.addTask {
                    try await turnstile.wait(for: index)
                    order.add(index)
                    turnstile.pass(index)
                }
            }
            try await group.waitForAll()
        }
        #expect(order.all == Array(0..<20))
    }

    @Test func aCancelledWaiterIsReleasedAndALaterPassLetsTheRestGo() async throws {
        let turnstile = Turnstile()
        let waiting = Task { try await turnstile.wait(for: 2) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // Index 0 and 1 pass; 2 was cancelled and passes without waiting; 3 may then go.
        turnstile.pass(0)
        turnstile.pass(1)
        turnstile.pass(2)
        try await turnstile.wait(for: 3)
    }
}
