/// A `Duration` in the units libcurl, rates and people want (the standard library gives only
/// its components): one conversion, used by the transport, the client and the CLI.
extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int {
        let parts = components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }

    /// Seconds, with their fraction.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
