import IvyConcurrency
import Testing

/// These run in debug and in release builds (`scripts/test.sh`): task-group code like this broke
/// twice in release builds only. The time limits guard against a hang; no test measures time.
@Suite(.timeLimit(.minutes(1)))
struct BoundedConcurrencyTests {
    struct Boom: Error, Equatable { var index: Int }

    @Test func elementsOrderHandsResultsInOrderWhateverOrderTheyFinish() async throws {
        let gate = Gate()
        let log = Log()
        let driver = Task {
            // Finish each window of four backwards: 3, 2, 1, 0, then 7, 6, 5, 4.
            for window in [0..<4, 4..<8] {
                await gate.waitUntilArrived(window.upperBound)
                for index in window.reversed() { await gate.open(index) }
            }
        }
        try await BoundedConcurrency.forEach(Array(0..<8), limit: 4, order: .elements) { index in
            await log.started(index)
            await gate.wait(index)
            return index * 10
        } handle: { index, value in
            #expect(value == index * 10)
            await log.handled(index)
        }
        await driver.value
        #expect(await log.handledOrder == Array(0..<8))
        #expect(await log.maxOutstanding == 4)
    }

    @Test func completionOrderNeverRunsMoreThanTheLimit() async throws {
        let log = Log()
        var seen: [Int] = []
        try await BoundedConcurrency.forEach(Array(0..<60), limit: 3) { index in
            await log.started(index)
            for _ in 0..<(index * 7 % 5) { await Task.yield() }
            try await Task.sleep(for: .milliseconds(index % 3))
            await log.finished(index)
            return index
        } handle: { index, value in
            #expect(value == index)
            seen.append(index)
        }
        #expect(seen.sorted() == Array(0..<60))
        #expect(await log.maxRunning <= 3)
        // Children record their start concurrently: the set, not the order, is what they show.
        #expect(await log.startOrder.sorted() == Array(0..<60))
    }

    @Test(arguments: [BoundedConcurrency.Order.completion, .elements])
    func theLimitIsReached(order: BoundedConcurrency.Order) async throws {
        // Each operation waits until all five have started: only five at once can finish.
        let gate = Gate()
        let opener = Task {
            await gate.waitUntilArrived(5)
            for index in 0..<5 { await gate.open(index) }
        }
        var count = 0
        try await BoundedConcurrency.forEach(Array(0..<5), limit: 5, order: order) { index in
            await gate.wait(index)
        } handle: { _, _ in
            count += 1
        }
        await opener.value
        #expect(count == 5)
    }

    @Test func theFirstErrorOfAnOperationCancelsTheRest() async throws {
        let gate = Gate()
        let log = Log()
        var handled = 0
        await #expect(throws: Boom(index: 1)) {
            try await BoundedConcurrency.forEach(Array(0..<10), limit: 3) { index in
                await log.started(index)
                await gate.arrive()
                if index == 1 {
                    await gate.waitUntilArrived(3)
                    throw Boom(index: 1)
                }
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    await log.cancelled(index)
                    throw error
                }
            } handle: { _, _ in
                handled += 1
            }
        }
        #expect(handled == 0)
        #expect(await log.startOrder.sorted() == [0, 1, 2])
        #expect(await log.cancelledIndices.sorted() == [0, 2])
    }

    @Test func anErrorOfTheHandlerCancelsTheRest() async throws {
        let log = Log()
        await #expect(throws: Boom(index: 0)) {
            try await BoundedConcurrency.forEach(Array(0..<10), limit: 2, order: .elements) { index in
                await log.started(index)
                if index == 0 { return index }
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    await log.cancelled(index)
                    throw error
                }
                return index
            } handle: { index, _ in
                throw Boom(index: index)
            }
        }
        #expect(await log.startOrder.sorted() == [0, 1])
        #expect(await log.cancelledIndices == [1])
    }

    @Test(arguments: [BoundedConcurrency.Order.completion, .elements])
    func handlingUnderWayAfterAnErrorHandlesWhatTheRunningOperationsStillReturn(order: BoundedConcurrency.Order) async throws {
        // Element 2 fails once 0 and 1 are running; they finish only when cancelled by it, and
        // what they return must still be handled (a clip whose file is in place by then).
        let gate = Gate()
        let log = Log()
        var handled: [Int: String] = [:]
        await #expect(throws: Boom(index: 2)) {
            try await BoundedConcurrency.forEach(Array(0..<6), limit: 3, order: order, afterError: .handleUnderWay) { index in
                await log.started(index)
                if index == 2 {
                    await gate.waitUntilArrived(2)
                    throw Boom(index: index)
                }
                await gate.arrive()
                do {
                    try await Task.sleep(for: .seconds(3600))
                    return "finished \(index)"
                } catch {
                    return "stopped \(index)"
                }
            } handle: { index, value in
                handled[index] = value
            }
        }
        #expect(handled == [0: "stopped 0", 1: "stopped 1"])
        #expect(await log.startOrder.sorted() == [0, 1, 2])
    }

    @Test func cancellingTheCallerStartsNothingMoreAndHandlesWhatRunningOperationsReturn() async throws {
        let gate = Gate()
        let log = Log()
        let run = Task {
            var results: [String] = []
            do {
                try await BoundedConcurrency.forEach(Array(0..<10), limit: 2) { index in
                    await log.started(index)
                    await gate.arrive()
                    do {
                        try await Task.sleep(for: .seconds(3600))
                        return "finished \(index)"
                    } catch {
                        return "stopped \(index)"
                    }
                } handle: { _, value in
                    results.append(value)
                }
            } catch {
                return (results, error is CancellationError)
            }
            return (results, false)
        }
        await gate.waitUntilArrived(2)
        run.cancel()
        let (results, threwCancellation) = await run.value
        #expect(threwCancellation)
        #expect(results.sorted() == ["stopped 0", "stopped 1"])
        #expect(await log.startOrder.sorted() == [0, 1])
    }

    @Test func aCallerCancelledBeforehandStartsNothing() async throws {
        let log = Log()
        let run = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                try await BoundedConcurrency.forEach(Array(0..<3), limit: 2) { index in await log.started(index) } handle: { _, _ in }
                return false
            } catch {
                return error is CancellationError
            }
        }
        #expect(await run.value)
        #expect(await log.startOrder.isEmpty)
    }

    @Test(arguments: [BoundedConcurrency.Order.completion, .elements])
    func resultsHoldingExistentialsArriveWhole(order: BoundedConcurrency.Order) async throws {
        // The shape that came back garbled from a task group in a release build: an error
        // existential inside what a child task returns.
        struct Odd: Error, CustomStringConvertible { var index: Int; var description: String { "odd \(index)" } }
        var seen: [Int: String] = [:]
        try await BoundedConcurrency.forEach(Array(0..<40), limit: 4, order: order) { index -> Result<String, any Error> in
            await Task.yield()
            return index % 2 == 0 ? .success("even \(index)") : .failure(Odd(index: index))
        } handle: { index, result in
            switch result {
            case .success(let text): seen[index] = text
            case .failure(let error): seen[index] = (error as? Odd)?.description ?? "garbled"
            }
        }
        #expect(seen == Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, $0 % 2 == 0 ? "even \($0)" : "odd \($0)") }))
    }

    @Test func noElementsAndALimitBelowOne() async throws {
        var handled = 0
        try await BoundedConcurrency.forEach([Int](), limit: 4) { $0 } handle: { _, _ in handled += 1 }
        #expect(handled == 0)

        let log = Log()
        try await BoundedConcurrency.forEach(Array(0..<6), limit: 0) { index in
            await log.started(index)
            await Task.yield()
            await log.finished(index)
        } handle: { _, _ in handled += 1 }
        #expect(handled == 6)
        #expect(await log.maxRunning == 1)
    }
}

/// Records what operations and the handler did, and the most outstanding at once.
actor Log {
    private(set) var startOrder: [Int] = []
    private(set) var handledOrder: [Int] = []
    private(set) var cancelledIndices: [Int] = []
    private(set) var maxRunning = 0
    private(set) var maxOutstanding = 0
    private var running = 0

    func started(_ index: Int) {
        startOrder.append(index)
        running += 1
        maxRunning = max(maxRunning, running)
        maxOutstanding = max(maxOutstanding, startOrder.count - handledOrder.count)
    }

    func finished(_ index: Int) { running -= 1 }
    func handled(_ index: Int) { handledOrder.append(index) }
    func cancelled(_ index: Int) { cancelledIndices.append(index) }
}

/// Lets a test decide when each operation may finish, and wait for operations to arrive.
actor Gate {
    private var opened: Set<Int> = []
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var arrivals = 0
    private var arrivalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Counts an arrival, then waits until `index` is opened.
    func wait(_ index: Int) async {
        arrive()
        if opened.contains(index) { return }
        await withCheckedContinuation { waiters[index] = $0 }
    }

    func arrive() {
        arrivals += 1
        let ready = arrivalWaiters.filter { $0.count <= arrivals }
        arrivalWaiters.removeAll { $0.count <= arrivals }
        ready.forEach { $0.continuation.resume() }
    }

    func open(_ index: Int) {
        opened.insert(index)
        waiters.removeValue(forKey: index)?.resume()
    }

    func waitUntilArrived(_ count: Int) async {
        if arrivals >= count { return }
        await withCheckedContinuation { arrivalWaiters.append((count, $0)) }
    }
}

@Suite struct ValueUnlessCancelledTests {
    struct Broken: Error {}

    @Test func aFailureIsNilAndCancellationIsThrown() async throws {
        #expect(try await valueUnlessCancelled({ 7 }) == 7)
        #expect(try await valueUnlessCancelled({ () throws -> Int in throw Broken() }) == nil)
        await #expect(throws: CancellationError.self) {
            _ = try await valueUnlessCancelled({ () throws -> Int in throw CancellationError() })
        }
    }
}
