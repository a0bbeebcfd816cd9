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
    func int(_ key: String) -> Int64? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(Int64.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Double.self, forKey: key), value.isFinite { return Int64(value) }
        if let text = try? decodeIfPresent(String.self, forKey: key) {
            return Int64(text.trimmingCharacters(in: " "))
        }
        return nil
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

/// A time the cloud sends as unix seconds or milliseconds: told apart by magnitude, since the
/// document says one and shows the other (NOTES.md). 10^11 s is the year 5138; 10^11 ms is 1973.
enum CloudTime {
    static func seconds(fromSecondsOrMilliseconds value: Int64) -> Int64 {
        value >= 100_000_000_000 ? value / 1000 : value
    }
}
