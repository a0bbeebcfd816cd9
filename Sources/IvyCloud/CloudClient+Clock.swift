public import Foundation
import IvyConcurrency

/// The server's clock (`cloud_system.current_time`, §3.4.1). Store calls need timestamps later
/// than the server's now, so the local clock is never trusted for them.
extension CloudClient {
    /// The server's time now, from a fresh `cloud_system.current_time`.
    public func serverTime() async throws -> Date {
        try await synchronizeClock()
        return Date(timeIntervalSince1970: Double(localMilliseconds() + (clockOffsetMilliseconds ?? 0)) / 1000)
    }

    /// Server time minus local time, measured now; callers that ask while a measurement is
    /// under way share it.
    @discardableResult
    func synchronizeClock() async throws -> Int64 {
        if let clockInFlight { return try await clockInFlight.valueCancellingWithCaller }
        let measurement = Task { try await self.measureClock() }
        clockInFlight = measurement
        defer { clockInFlight = nil }
        return try await measurement.valueCancellingWithCaller
    }

    private func measureClock() async throws -> Int64 {
        let before = localMilliseconds()
        let service = "cloud_system.current_time"
        struct Reply: Decodable {
            var milliseconds: Int64
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: AnyKey.self)
                let value = try c.required(try c.integer("data"), "data")
                // Checked as a time first: 2000-2100 in milliseconds is far from overflow.
                let seconds = try CloudTime.seconds(value, field: "data")
                milliseconds = seconds == value ? value * 1000 : value
            }
        }
        let server = try await perform(Call(host: .gateway, service: service, method: .get, parameters: [], authentication: .none)) {
            try decode(Reply.self, from: $0, service: service).milliseconds
        }
        let after = localMilliseconds()
        let offset = server - (before + after) / 2
        clockOffsetMilliseconds = offset
        logger.debug("server clock synchronized", metadata: ["offset_ms": "\(offset)"])
        return offset
    }

    /// The server's now in unix seconds, from the offset measured once per client.
    public func serverNowSeconds() async throws -> Int64 {
        let offset: Int64
        if let known = clockOffsetMilliseconds {
            offset = known
        } else {
            offset = try await synchronizeClock()
        }
        return (localMilliseconds() + offset) / 1000
    }

    private func localMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
