import Foundation
import IvyFleet
import TOMLKit

/// The config file (TOML), checked against the keys it may hold: an unknown key is refused
/// with the nearest known one, a value of the wrong type names its key, file and line. A
/// mistake never passes silently as a default.
struct ConfigFile {
    /// What a key holds.
    enum Kind {
        case string
        /// A whole number (`90`, or `90.0`).
        case wholeNumber
        /// An integer or a decimal (`1.5`).
        case number
        case stringList
        /// A table of strings (`[device_timezones]`).
        case stringTable
        /// A string (`"2M"`) or a number (bytes per second).
        case rate
        case boolean
        /// A string (`"07:30"`) or `true` (`notify_digest`).
        case stringOrTrue
        /// `[[accounts]]`: a list of tables, each checked against `accountKeys`.
        case accounts

        var phrase: String {
            switch self {
            case .string: "a string in quotes"
            case .wholeNumber: "a whole number"
            case .number: "a number"
            case .stringList: "a list of strings ([\"a\", \"b\"])"
            case .stringTable: "a table of strings (a [section] of key = \"value\" lines)"
            case .rate: "a rate such as \"2M\" (bytes per second, suffixes K, M, G)"
            case .boolean: "true or false"
            case .stringOrTrue: "a time such as \"07:30\", or true"
            case .accounts: "a list of [[accounts]] tables"
            }
        }
    }

    /// Every key the file may hold.
    static let keys: [String: Kind] = [
        "api_url": .string, "client_id": .string, "client_secret": .string, "oem_code": .string,
        "username": .string, "password": .string, "password_file": .string, "password_command": .string,
        "open_id": .string, "access_token": .string, "refresh_token": .string, "del_key": .string,
        "timezone": .string, "archive": .string, "path_template": .string, "device_timezones": .stringTable,
        "keep_days": .wholeNumber, "retention_days": .wholeNumber, "export_max_hours": .number, "max_run_minutes": .number, "retry_pause_seconds": .number, "max_rate": .rate,
        "login_url": .string, "state_dir": .string, "allowed_media_hosts": .stringList,
        "destination": .string, "keep_local_days": .wholeNumber,
        "notify_command": .string, "notify_url": .string, "notify_on_success": .boolean, "notify_digest": .stringOrTrue,
        "accounts": .accounts,
    ]

    /// The keys an `[[accounts]]` entry may set, besides its `name`: what differs between
    /// accounts. The rest (`max_rate`, `state_dir`, ...) is the run's, set above the entries.
    static let accountKeys: Set<String> = [
        "api_url", "client_id", "client_secret", "oem_code", "login_url",
        "username", "password", "password_file", "password_command", "open_id", "access_token", "refresh_token", "del_key",
        "timezone", "archive", "path_template", "device_timezones", "keep_days", "retention_days", "allowed_media_hosts",
        "destination", "keep_local_days", "notify_command", "notify_url", "notify_on_success", "notify_digest",
    ]

    /// Keys whose values are secrets: never printed, and a file holding one should be private.
    static let secretKeys = ["password", "client_secret", "access_token", "refresh_token", "del_key"]

    /// A value of a checked file.
    enum Value {
        case string(String)
        case number(Double)
        case strings([String])
        case table([(key: String, value: String)])
        case boolean(Bool)
    }

    /// The file's path, as given (expanded).
    let path: String
    var values: [String: Value] = [:]
    /// The `[[accounts]]` entries, in the file's order (empty: the file is one account).
    var accounts: [Account] = []
    /// Where each key is set, for messages.
    private let text: String
    /// For an account's view (`view(of:)`): which `[[accounts]]` entry, counting from 0, and
    /// the keys it sets itself (found in its block, the others above the entries).
    var entry: (index: Int, name: AccountName, keys: Set<String>)?
    /// For an account's view: the values set above the entries.
    var base: [String: Value]?

    /// An empty file: no key set.
    init(path: String) {
        self.path = path
        self.text = ""
    }

    /// - Throws: `UserError` naming the file and line for a syntax error, an unknown key (with
    ///   the nearest known one) or a value of the wrong type.
    init(path: String, text: String) throws {
        self.path = path
        self.text = text
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw UserError("\(path):\(error.source.begin.line): \(error.description)")
        }
        values = try check(table, allowed: Self.keys, section: nil)
        if let raw = table["accounts"] {
            accounts = try readAccounts(raw)
        }
    }

    /// A warning when the file holds a secret and users other than its owner and group can
    /// read it (the packaged service's config is 640, group ivy-archiver).
    func exposedSecrets() -> [String] {
        let held = Self.secretKeys.filter { key in values[key] != nil || accounts.contains { $0.values[key] != nil } }
        guard let first = held.first, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o004 != 0 else { return [] }
        return ["\(path) holds \(first == "password" ? "a password" : first) and every user of this machine can read it "
            + "(mode \(String(mode & 0o777, radix: 8))); run 'chmod 600 \(path)'"]
    }

    func string(_ key: String) -> String? {
        if case .string(let value) = values[key] { return value }
        return nil
    }

    func number(_ key: String) -> Double? {
        if case .number(let value) = values[key] { return value }
        return nil
    }

    func strings(_ key: String) -> [String]? {
        if case .strings(let value) = values[key] { return value }
        return nil
    }

    func table(_ key: String) -> [(key: String, value: String)]? {
        if case .table(let value) = values[key] { return value }
        return nil
    }

    func boolean(_ key: String) -> Bool? {
        if case .boolean(let value) = values[key] { return value }
        return nil
    }

    /// `FILE:LINE` where `key` is set (a key of `table` when given), or `FILE` when no line says.
    func location(of key: String, in table: String? = nil) -> String {
        let place = whereSet(key, in: table)
        return line(of: place.key, in: place.table).map { "\(path):\($0)" } ?? path
    }

    /// The line that sets `key`: the first `key =` (bare or quoted) under the table's header,
    /// or before any header for a top-level key. `[[accounts]]` entries are told apart by
    /// their order: the n-th is section `accounts#n`, its tables `accounts#n.NAME`. TOMLKit
    /// keeps no positions, so this reads the lines; a key it cannot place gets no line, never
    /// a wrong one.
    func line(of key: String, in table: String?) -> Int? {
        var current: String?
        var entries = -1
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") {
                let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                if name == "accounts" { entries += 1 }
                current = "\(name)#\(entries)"
                if table == nil, current == key { return index + 1 }
                continue
            }
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                if entries >= 0, let name = current, name.hasPrefix("accounts.") {
                    current = "accounts#\(entries)" + name.dropFirst("accounts".count)
                }
                // A table's own key is where its header is.
                if table == nil, current == key { return index + 1 }
                continue
            }
            guard current == table else { continue }
            for spelling in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(spelling) {
                if line.dropFirst(spelling.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") { return index + 1 }
            }
        }
        return nil
    }

    static func value(_ raw: any TOMLValueConvertible, kind: Kind) -> Value? {
        switch kind {
        case .string:
            return raw.string.map(Value.string)
        case .wholeNumber:
            guard let number = raw.int.map(Double.init) ?? raw.double, number.rounded() == number, number.isFinite else { return nil }
            return .number(number)
        case .number:
            guard let number = raw.int.map(Double.init) ?? raw.double, number.isFinite else { return nil }
            return .number(number)
        case .rate:
            if let text = raw.string { return .string(text) }
            return (raw.int.map(Double.init) ?? raw.double).map(Value.number)
        case .stringList:
            guard let array = raw.array else { return nil }
            let strings = array.compactMap(\.string)
            return strings.count == array.count ? .strings(strings) : nil
        case .stringTable:
            guard let table = raw.table else { return nil }
            return .table(table.keys.sorted().compactMap { key in table[key]?.string.map { (key, $0) } })
        case .boolean:
            return raw.bool.map(Value.boolean)
        case .stringOrTrue:
            if let text = raw.string { return .string(text) }
            return raw.bool == true ? .boolean(true) : nil
        case .accounts:
            // Checked entry by entry (`readAccounts`), kept apart from the values.
            return nil
        }
    }

    static func describe(_ raw: (any TOMLValueConvertible)?) -> String {
        guard let raw else { return "nothing" }
        switch raw.type {
        case .string: return "a string (\"\(raw.string ?? "")\")"
        case .int: return "a whole number (\(raw.int ?? 0))"
        case .double:
            let value = raw.double ?? 0
            return value.isFinite ? "a decimal (\(value))" : "\(value), which is no finite number"
        case .bool: return "true or false"
        case .array: return "a list"
        case .table: return "a table"
        default: return "a \(raw.type)"
        }
    }

    /// The known key nearest in spelling (Levenshtein distance at most a third of its length,
    /// and at least 2), or `nil` when none is near enough to be the one meant.
    static func nearest(to key: String, among known: [String] = Array(keys.keys)) -> String? {
        let scored = known.map { ($0, distance(key.lowercased(), $0)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let (best, score) = scored, score <= max(2, key.count / 3) else { return nil }
        return best
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
