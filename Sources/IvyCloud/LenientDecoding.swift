/// The cloud is loose with JSON types: ids and flags come as numbers or strings, times in
/// seconds or milliseconds. These helpers accept every reasonable reading (NOTES.md).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// A whole number sent as a JSON integer, an integral JSON number or decimal text; `nil`
    /// when absent, or when it is no whole number within `Int64` (never a trap).
    func int(_ key: String) -> Int64? {
        (try? integer(key)) ?? nil
    }

    /// Like `int`, but a value that is there and is no whole number within `Int64` throws
    /// `UnreadableValue` naming the field: for the fields whose loss would go unnoticed.
    func integer(_ key: String) throws -> Int64? {
        let key = AnyKey(key)
        guard contains(key), (try? decodeNil(forKey: key)) != true else { return nil }
        if let value = try? decode(Int64.self, forKey: key) { return value }
        if let value = try? decode(Double.self, forKey: key) {
            guard let whole = Int64(exactly: value) else { throw UnreadableValue(field: key.stringValue, value: "\(value)", expected: "a whole number") }
            return whole
        }
        if let text = try? decode(String.self, forKey: key) {
            guard let whole = Int64(text.trimmingCharacters(in: " ")) else {
                throw UnreadableValue(field: key.stringValue, value: text, expected: "a whole number")
            }
            return whole
        }
        throw UnreadableValue(field: key.stringValue, value: "(not a number)", expected: "a whole number")
    }

    /// A Unix time in seconds or milliseconds (`CloudTime`), checked to lie in 2000-2100;
    /// `nil` when absent. Throws `UnreadableValue` otherwise.
    func time(_ key: String) throws -> Int64? {
        try integer(key).map { try CloudTime.seconds($0, field: key) }
    }

    func string(_ key: String) -> String? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(String.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Int64.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Bool.self, forKey: key) { return String(value) }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(Bool.self, forKey: key) { return value }
        if let value = int(key.stringValue) { return value != 0 }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text.lowercased() == "true" }
        return nil
    }

    func required<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else {
            throw DecodingError.keyNotFound(AnyKey(key), .init(codingPath: codingPath, debugDescription: "missing or unreadable \(key)"))
        }
        return value
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}

/// A value the cloud sent that is there but cannot be what its field means: a time outside
/// 2000-2100, a count that is no whole number. `CloudClient` reports it as the request's
/// `malformedAnswer`, naming the field and the value (and retries the request first).
struct UnreadableValue: Error, CustomStringConvertible {
    var field: String
    var value: String
    var expected: String

    var description: String { "\(field) is \(value.prefix(40)), not \(expected)" }
}

/// A time the cloud sends as unix seconds or milliseconds: told apart by magnitude, since the
/// document says one and shows the other (NOTES.md). 10^11 s is the year 5138; 10^11 ms is 1973.
enum CloudTime {
    /// The instants a recording, a grant or the server's clock may name, in Unix seconds:
    /// 2000-01-01 to 2100-01-01. Everything outside is a broken answer, and keeping every time
    /// inside it keeps every sum and difference of times far from `Int64`'s limits.
    static let range: ClosedRange<Int64> = 946_684_800...4_102_444_800

    /// `value` (seconds or milliseconds) in seconds, or `UnreadableValue` naming `field`.
    static func seconds(_ value: Int64, field: String) throws -> Int64 {
        let seconds = value >= 100_000_000_000 || value <= -100_000_000_000 ? value / 1000 : value
        guard range.contains(seconds) else {
            throw UnreadableValue(field: field, value: String(value), expected: "a time between the years 2000 and 2100")
        }
        return seconds
    }

    /// A time as the cloud writes it, a number or decimal text, in seconds.
    static func seconds(text: String, field: String) throws -> Int64 {
        guard let value = Int64(text.trimmingCharacters(in: " ")) else {
            throw UnreadableValue(field: field, value: text, expected: "a time in Unix seconds")
        }
        return try seconds(value, field: field)
    }
}
