/// `GET /sandbox/accounts`: who may log in and what each account's cameras hold, so that a
/// fleet simulation can check that every clip was fetched, by its own account, once. No
/// password, token or signature: the fleet's password is documented (`SandboxAccount+Fleet`).
extension SandboxCloud {
    func accountsJSON() -> JSONValue {
        let now = serverNowSeconds
        let accounts = state.withLock { $0.accounts }
        return .object([("accounts", .array(accounts.map { account in
            // What `record.query` lists now: clips that are over.
            let clips = account.devices.flatMap { device in
                device.recordings.filter { $0.end <= now }.map { clip in (device.device.mac, clip) }
            }
            return .object([
                ("username", .string(account.username)),
                ("devices", .array(account.devices.map { device in
                    .object([("mac", .string(device.device.mac)), ("name", .string(device.device.name))])
                })),
                ("clips", .int(clips.count)),
                // Each clip's segments, keyed `MAC/start` like the per-clip counters.
                ("segmentsByClip", .object(clips.map { mac, clip in
                    ("\(mac)/\(clip.start)", .int((clip.end - clip.start) / MediaTemplate.segmentSeconds))
                })),
            ])
        }))])
    }
}
