/// A fleet of demo accounts on one cloud (issue #15: one ivy-archiver process backs up many
/// accounts, and a fleet simulation checks that each clip is fetched once, by the right one).
///
/// Account 1 is `demo@example.com` exactly as a one-account sandbox has it; account N (2, 3,
/// ...) is `demoN@example.com`, user id `622258 + N - 1`, the same household of cameras
/// under MACs of its own (`00626EC` + the account number in three hexadecimal digits + the
/// camera number in two). Every account's password is `sandbox-password`.
extension SandboxAccount {
    /// The most accounts a fleet may have: the account number must fit the MAC's three digits.
    public static let maximumFleet = 4095

    /// Account `number` (1-based) of a fleet, shaped like `demo(...)`.
    public static func fleetMember(_ number: Int, cameras: Int = 5, days: Int = 2, continuousChunksPerDay: Int = 1, eventsPerDay: Int = 3,
                                   chunkSeconds: Int64 = 600) -> SandboxAccount {
        var account = demo(cameras: cameras, days: days, continuousChunksPerDay: continuousChunksPerDay, eventsPerDay: eventsPerDay,
                           chunkSeconds: chunkSeconds)
        guard number > 1 else { return account }
        precondition(number <= maximumFleet, "a fleet has at most \(maximumFleet) accounts")
        account.username = fleetUsername(number)
        account.userId += Int64(number - 1)
        for index in account.devices.indices {
            account.devices[index].mac = "00626EC" + hex(number, digits: 3) + hex(index + 1, digits: 2)
        }
        return account
    }

    /// `demo@example.com` for account 1, `demoN@example.com` for account N.
    public static func fleetUsername(_ number: Int) -> String {
        number <= 1 ? "demo@example.com" : "demo\(number)@example.com"
    }

    /// `count` accounts, numbered from 1.
    public static func fleet(_ count: Int, cameras: Int = 5, days: Int = 2, continuousChunksPerDay: Int = 1, eventsPerDay: Int = 3,
                             chunkSeconds: Int64 = 600) -> [SandboxAccount] {
        (1...max(1, count)).map { number in
            fleetMember(number, cameras: cameras, days: days, continuousChunksPerDay: continuousChunksPerDay, eventsPerDay: eventsPerDay,
                        chunkSeconds: chunkSeconds)
        }
    }
}
