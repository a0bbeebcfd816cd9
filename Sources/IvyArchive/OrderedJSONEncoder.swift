import Foundation

/// JSON whose object keys come in the order `encode(to:)` writes them: for a synthesized
/// conformance, the order the properties are declared in. Foundation's `JSONEncoder` on Linux
/// keeps keys in a dictionary and writes them in hash order unless told to sort them; a
/// document meant to be read by a person (an export's sidecar) needs its own order.
///
/// Pretty-printed with two spaces, `"key" : value`, slashes not escaped; doubles that are whole
/// numbers are written without a fraction (as `JSONEncoder` does), others in Swift's shortest
/// round-trip form. `nil` optionals are left out (`encodeIfPresent`).
enum OrderedJSONEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        var text = ""
        root.render(into: &text, indent: "")
        return Data(text.utf8)
    }
}

/// A JSON value being built; a reference, so that containers handed out fill it in later.
private final class Node {
    enum Value {
        case null
        case literal(String)
        case array([Node])
        case object([(String, Node)])
    }

    var value: Value = .null

    func render(into out: inout String, indent: String) {
        switch value {
        case .null: out += "null"
        case .literal(let text): out += text
        case .array(let items):
            guard !items.isEmpty else { return out += "[]" }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += indent + "  "
                item.render(into: &out, indent: indent + "  ")
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let fields):
            guard !fields.isEmpty else { return out += "{}" }
            out += "{\n"
            for (index, (key, item)) in fields.enumerated() {
                out += indent + "  " + Self.quoted(key) + " : "
                item.render(into: &out, indent: indent + "  ")
                out += index == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func number(_ value: Double, _ codingPath: [any CodingKey]) throws -> Value {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return .literal(String(Int64(value))) }
        return .literal("\(value)")
    }

    /// A node for `value`: primitives directly, anything else through its `encode(to:)`.
    static func make<T: Encodable>(_ value: T, _ codingPath: [any CodingKey]) throws -> Node {
        let node = Node()
        switch value {
        case let text as String: node.value = .literal(quoted(text))
        case let flag as Bool: node.value = .literal(flag ? "true" : "false")
        case let double as Double: node.value = try number(double, codingPath)
        case let float as Float: node.value = try number(Double(float), codingPath)
        case let number as any BinaryInteger: node.value = .literal("\(number)")
        default: try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
        }
        return node
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.value {} else { node.value = .object([]) }
        return KeyedEncodingContainer(Keyed(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.value {} else { node.value = .array([]) }
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func add(_ child: Node, _ key: Key) {
            guard case .object(var fields) = node.value else { return }
            fields.removeAll { $0.0 == key.stringValue }
            fields.append((key.stringValue, child))
            node.value = .object(fields)
        }

        mutating func encodeNil(forKey key: Key) throws { add(Node(), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(try Node.make(value, codingPath + [key]), key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            add(child, key)
            return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            add(child, key)
            return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            add(child, key)
            return NodeEncoder(node: child, codingPath: codingPath + [key])
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int {
            if case .array(let items) = node.value { return items.count }
            return 0
        }

        private func add(_ child: Node) {
            guard case .array(var items) = node.value else { return }
            items.append(child)
            node.value = .array(items)
        }

        private var key: any CodingKey { Index(intValue: count) }

        mutating func encodeNil() throws { add(Node()) }
        mutating func encode<T: Encodable>(_ value: T) throws { add(try Node.make(value, codingPath + [key])) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node(), path = codingPath + [key]
            add(child)
            return NodeEncoder(node: child, codingPath: path).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node(), path = codingPath + [key]
            add(child)
            return NodeEncoder(node: child, codingPath: path).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node(), path = codingPath + [key]
            add(child)
            return NodeEncoder(node: child, codingPath: path)
        }
    }

    private struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.value = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { node.value = try Node.make(value, codingPath).value }
    }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
