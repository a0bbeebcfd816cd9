import IvyFleet
import Testing

/// `--shard I/N`: every account in exactly one shard, shards about equal, and adding a worker
/// moves about 1/(N+1) of the accounts (rendezvous hashing), never a reshuffle.
@Suite struct ShardTests {
    /// Names as installers write them: customers, numbered sites, e-mail-like handles.
    static func names(_ count: Int, seed: UInt64) -> [AccountName] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let stems = ["smith", "site", "acme-shop", "farm", "office.main", "cust_"]
        return (0..<count).map { index in
            AccountName("\(stems[Int(next() % UInt64(stems.count))])\(index)-\(next() % 1000)")!
        }
    }

    static func shards(_ count: Int) throws -> [Shard] {
        try (0..<count).map { try Shard(index: $0, count: count) }
    }

    @Test(arguments: [1, 2, 3, 4, 7, 10])
    func everyAccountIsInExactlyOneShard(count: Int) throws {
        let accounts = Self.names(500, seed: UInt64(count))
        let owners = try accounts.map { account in try Self.shards(count).filter { $0.owns(account) } }
        #expect(owners.allSatisfy { $0.count == 1 })
        let picked = try Self.shards(count).flatMap { $0.pick(accounts) }
        #expect(Set(picked) == Set(accounts) && picked.count == accounts.count)
    }

    @Test(arguments: [2, 4, 8])
    func shardsAreBalanced(count: Int) throws {
        let accounts = Self.names(4000, seed: 42)
        let sizes = try Self.shards(count).map { $0.pick(accounts).count }
        let even = Double(accounts.count) / Double(count)
        // Binomial spread at 4000 names is a few percent; 15% would be a broken hash.
        #expect(sizes.allSatisfy { abs(Double($0) - even) < even * 0.15 }, "\(sizes)")
    }

    /// The bar: adding a worker moves under 1.5/N of the accounts, and only to the new one.
    @Test(arguments: [1, 2, 3, 4, 8, 16])
    func addingAWorkerMovesFewAccountsAndOnlyToIt(count: Int) throws {
        let accounts = Self.names(2000, seed: 7)
        func owner(_ account: AccountName, _ shards: Int) throws -> Int {
            try Self.shards(shards).first { $0.owns(account) }!.index
        }
        var moved = 0
        for account in accounts {
            let before = try owner(account, count), after = try owner(account, count + 1)
            if before != after {
                moved += 1
                #expect(after == count, "\(account) moved from \(before) to \(after), not to the new shard")
            }
        }
        #expect(Double(moved) < 1.5 / Double(count + 1) * Double(accounts.count), "moved \(moved) of \(accounts.count)")
    }

    /// Workers of one Job may run different builds (a rolling upgrade): the assignment is part
    /// of the format, and changing the hash would move every account. These were computed from
    /// the definition (the bucket whose SHA-256 of "ivy-archiver shard B\0" + name has the
    /// largest first 8 bytes, big-endian) with Python's hashlib, not with this code.
    @Test func theAssignmentIsTheSameOnEveryMachineAndVersion() throws {
        let pinned: [(name: String, count: Int, shard: Int)] = [
            ("smith", 4, 1), ("acme-shop", 4, 0), ("site-12", 7, 3), ("office.main", 2, 1), ("cust_7", 16, 2),
        ]
        for entry in pinned { #expect(Self.owner(entry.name, entry.count) == entry.shard) }
    }

    static func owner(_ name: String, _ count: Int) -> Int {
        (0..<count).first { (try? Shard(index: $0, count: count))!.owns(AccountName(name)!) }!
    }

    @Test func shardsAreParsedAndCheckedWithMessages() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(throws: ShardError.self) { try Shard(parsing: "4/4") }
        #expect(throws: ShardError.self) { try Shard(parsing: "-1/4") }
        #expect(throws: ShardError.self) { try Shard(parsing: "1/0") }
        #expect(throws: ShardError.self) { try Shard(parsing: "1-4") }
        do {
            _ = try Shard(parsing: "4/4")
        } catch {
            #expect(error.description == "shard index 4 is not one of 0 to 3 (of 4 shards)")
        }
    }

    @Test func accountNamesAreSafeAsPathsAndLabels() {
        for good in ["smith", "Site-12", "office.main", "a", "cust_7"] { #expect(AccountName(good) != nil, "\(good)") }
        for bad in ["", ".hidden", "-x", "a/b", "ä", "two words", "a\"b", String(repeating: "x", count: 65)] {
            #expect(AccountName(bad) == nil, "\(bad)")
        }
    }
}
