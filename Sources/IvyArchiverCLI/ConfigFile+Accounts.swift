import Foundation
import IvyFleet
import TOMLKit

// `[[accounts]]`: one config for several accounts. Keys above the first entry are every
// account's defaults; an entry sets its `name` and what differs (`accountKeys`).
extension ConfigFile {
    /// One `[[accounts]]` entry as written.
    struct Account {
        var name: AccountName
        /// Its place among the entries, counting from 0.
        var index: Int
        var values: [String: Value]
    }

    /// The settings of one account: the file's top-level values under the entry's own. Its
    /// `location(of:)` names the entry's line for the keys the entry sets.
    func view(of account: Account) -> ConfigFile {
        var view = self
        view.base = values
        view.values = values.merging(account.values) { $1 }
        view.accounts = []
        view.entry = (account.index, account.name, Set(account.values.keys).union(["name"]))
        return view
    }

    /// The account of this view, if it is one.
    var accountName: AccountName? { entry?.name }

    /// Whether this account's entry sets `key` itself (not inherited from above the entries).
    func setsItself(_ key: String) -> Bool { entry?.keys.contains(key) ?? false }

    /// Checks the keys of `table` against `allowed`, naming the file and line of a mistake;
    /// `section` is the table's name for `line(of:in:)` (nil: the top level).
    func check(_ table: TOMLTable, allowed: [String: Kind], section: String?) throws -> [String: Value] {
        var checked: [String: Value] = [:]
        func place(_ key: String, in inner: String? = nil) -> String {
            let table = inner.map { inner in section.map { "\($0).\(inner)" } ?? inner } ?? section
            return line(of: key, in: table).map { "\(path):\($0)" } ?? path
        }
        for key in table.keys.sorted() {
            guard let kind = allowed[key] else {
                var message = "\(place(key)): unknown key '\(key)'"
                if section != nil, Self.keys[key] != nil {
                    message = "\(place(key)): \(key) is set for the whole run, not per account: move it above the first [[accounts]] "
                        + "(every key after an [[accounts]] header belongs to that account)"
                } else if let near = Self.nearest(to: key, among: Array(allowed.keys)) {
                    message += " (did you mean \(near)?)"
                }
                throw UserError(message)
            }
            if kind == .accounts { continue }
            guard let raw = table[key], let value = Self.value(raw, kind: kind) else {
                throw UserError("\(place(key)): \(key) must be \(kind.phrase), not \(Self.describe(table[key]))")
            }
            if kind == .stringTable, let inner = table[key]?.table,
               let caught = inner.keys.sorted().first(where: { Self.keys[$0] != nil }) {
                // The classic TOML trap: a key written below a [table] header belongs to it.
                throw UserError("\(place(caught, in: key)): \(caught) is inside [\(key)], since every key after a [table] header "
                    + "belongs to that table; move it above [\(key)] (tables go last)")
            }
            if kind == .stringTable, let inner = table[key]?.table,
               let wrong = inner.keys.sorted().first(where: { inner[$0]?.string == nil }) {
                throw UserError("\(place(wrong, in: key)): '\(wrong)' in [\(key)] must be a string in quotes, not \(Self.describe(inner[wrong]))")
            }
            checked[key] = value
        }
        return checked
    }

    /// The entries of `[[accounts]]`, each checked; names must be unique.
    func readAccounts(_ raw: any TOMLValueConvertible) throws -> [Account] {
        guard let array = raw.array, array.allSatisfy({ $0.table != nil }) else {
            throw UserError("\(location(of: "accounts")): accounts must be \(Kind.accounts.phrase), not \(Self.describe(raw))")
        }
        var allowed = Self.keys.filter { Self.accountKeys.contains($0.key) }
        allowed["name"] = .string
        var accounts: [Account] = []
        for (index, element) in array.enumerated() {
            let section = "accounts#\(index)"
            let header = line(of: section, in: nil).map { "\(path):\($0)" } ?? path
            let table = element.table!
            var values = try check(table, allowed: allowed, section: section)
            guard case .string(let text)? = values.removeValue(forKey: "name") else {
                throw UserError("\(header): this [[accounts]] entry has no name (name = \"...\", \(AccountName.rule))")
            }
            let place = line(of: "name", in: section).map { "\(path):\($0)" } ?? header
            guard let name = AccountName(text) else { throw UserError("\(place): account name '\(text)' is not \(AccountName.rule)") }
            if let earlier = accounts.first(where: { $0.name.rawValue.lowercased() == text.lowercased() }) {
                throw UserError("\(place): two accounts are named '\(earlier.name)'")
            }
            accounts.append(Account(name: name, index: index, values: values))
        }
        return accounts
    }

    /// Where `key` (of `table`) is written: in this view's entry when the entry sets it, else
    /// above the entries.
    func whereSet(_ key: String, in table: String?) -> (key: String, table: String?) {
        guard let entry, entry.keys.contains(table ?? key) else { return (key, table) }
        let section = "accounts#\(entry.index)"
        if let table { return (key, "\(section).\(table)") }
        // A table's own key is where its header is.
        if case .table? = values[key] { return ("\(section).\(key)", nil) }
        return (key, section)
    }
}

extension ConfigFile {
    /// A string set above the entries, whatever this view's entry sets.
    func topLevelString(_ key: String) -> String? {
        guard let base, case .string(let value)? = base[key] else { return nil }
        return value
    }
}
