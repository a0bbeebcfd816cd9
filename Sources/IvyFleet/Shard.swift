/// One worker's share of a config's accounts: shard `index` of `count` (`--shard I/N`, or
/// `--shards N` with `$JOB_COMPLETION_INDEX`, which Kubernetes sets for each pod of an
/// Indexed Job, counting from 0).
///
/// Accounts go to shards by rendezvous (highest random weight) hashing of their names
/// (Thaler and Ravishankar, 1998): each worker decides alone, from the names, with no
/// coordination, and going from N to N+1 workers moves only the accounts the new shard wins,
/// about 1/(N+1) of them.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// From 0 to `count - 1`.
    public let index: Int
    public let count: Int

    /// The whole: one worker for every account.
    public static let all = Shard(validIndex: 0, count: 1)

    /// - Throws: `ShardError` when `count` is not 1-10,000 or `index` is not below it.
    public init(index: Int, count: Int) throws(ShardError) {
        guard (1...10_000).contains(count) else { throw ShardError(.badCount(count)) }
        guard (0..<count).contains(index) else { throw ShardError(.indexOutOfRange(index: index, count: count)) }
        self.init(validIndex: index, count: count)
    }

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    /// `I/N`, as `--shard` takes it.
    ///
    /// - Throws: `ShardError` for another shape or numbers out of range.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw ShardError(.notAShard(text)) }
        try self.init(index: index, count: count)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether `account` is this shard's.
    public func owns(_ account: AccountName) -> Bool {
        Rendezvous.owner(of: account.rawValue, among: count) == index
    }

    /// The accounts of `accounts` that are this shard's, in their order.
    public func pick(_ accounts: [AccountName]) -> [AccountName] {
        accounts.filter(owns)
    }
}

/// A shard that cannot be: its message names the rule.
public struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Equatable {
        case notAShard(String)
        case badCount(Int)
        case indexOutOfRange(index: Int, count: Int)
    }

    let code: Code

    init(_ code: Code) {
        self.code = code
    }

    public var description: String {
        switch code {
        case .notAShard(let text): "'\(text)' is not a shard: give INDEX/COUNT, such as 0/4 (the index counts from 0)"
        case .badCount(let count): "the shard count must be 1 to 10000, not \(count)"
        case .indexOutOfRange(let index, let count): "shard index \(index) is not one of 0 to \(count - 1) (of \(count) shards)"
        }
    }
}
