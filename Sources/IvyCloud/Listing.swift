/// The entries of a listing answer (devices, clips) the client could read, and why it could
/// not read the others. An entry that cannot be read is never taken for "no entry": whoever
/// reads a listing sees the count, and a backup that meets one is not complete.
public struct Listing<Element: Sendable>: Sendable {
    public var elements: [Element]
    /// One reason per entry that could not be read ("missing macAddr", "recordSt is ...").
    public var unreadable: [String]

    public init(elements: [Element] = [], unreadable: [String] = []) {
        self.elements = elements
        self.unreadable = unreadable
    }

    /// The elements, or `malformedAnswer` when any entry could not be read.
    func complete(service: String) throws -> [Element] {
        guard unreadable.isEmpty else {
            throw CloudClientError.malformedAnswer(service, "\(unreadable.count) entr\(unreadable.count == 1 ? "y" : "ies") could not be read: \(unreadable[0])")
        }
        return elements
    }
}

/// A JSON array read entry by entry, so that one bad entry costs that entry only.
struct LenientArray<Element: Decodable & Sendable>: Decodable {
    var listing = Listing<Element>()

    init(from decoder: any Decoder) throws {
        var array = try decoder.unkeyedContainer()
        while !array.isAtEnd {
            do {
                listing.elements.append(try array.decode(Element.self))
            } catch {
                listing.unreadable.append(CloudClient.reason(error))
                // A failed decode does not move past the entry.
                _ = try? array.decode(Skip.self)
            }
        }
    }

    private struct Skip: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// The array under `key`, here or inside `data` (the cloud puts lists in both places);
    /// `null` reads as empty. Absent, or not an array, throws: an answer without its list is
    /// unreadable, never "no entries".
    func listing<Element: Decodable & Sendable>(_ key: String, of type: Element.Type) throws -> Listing<Element> {
        let name = AnyKey(key)
        if contains(name) {
            if (try? decodeNil(forKey: name)) == true { return Listing() }
            return try decode(LenientArray<Element>.self, forKey: name).listing
        }
        let data = AnyKey("data")
        if contains(data), (try? decodeNil(forKey: data)) != true, key != "data",
           let nested = try? nestedContainer(keyedBy: AnyKey.self, forKey: data) {
            return try nested.listing(key, of: type)
        }
        throw UnreadableValue(field: key, value: "(absent)", expected: "a list")
    }
}
