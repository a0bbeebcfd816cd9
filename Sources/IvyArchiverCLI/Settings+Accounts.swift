import Foundation
import IvyFleet

// Choosing among a config's `[[accounts]]` entries, and what an entry's settings default to.
extension Settings {
    /// The variables that name one account's credentials: not read for an `[[accounts]]` entry.
    static let oneAccountVariables: Set<String> = [
        "IVY_USERNAME", "IVY_PASSWORD", "IVY_PASSWORD_FILE", "IVY_OPEN_ID", "IVY_ACCESS_TOKEN", "IVY_REFRESH_TOKEN",
    ]

    /// The settings of every account `names` picks (all when empty) that `shard` owns, in the
    /// file's order; one, without entries in the file.
    ///
    /// - Throws: `UserError` for an unknown name, a name or shard given to a config without
    ///   entries, two entries sharing an archive, or any account's malformed settings.
    static func resolveAll(options: GlobalOptions, environment: [String: String], shard: Shard?) throws -> [Settings] {
        let file = try loadFile(options: options, environment: environment)
        guard !file.accounts.isEmpty else {
            if let name = options.accounts.first { throw UserError("--account \(name): \(file.path) has no [[accounts]] entries") }
            if shard != nil { throw UserError("--shard and --shards split a config's [[accounts]] among workers, and \(file.path) has none") }
            return [try resolve(file: file, options: options, environment: environment)]
        }
        let chosen = try chooseAccounts(options.accounts, in: file).filter { shard?.owns($0.name) ?? true }
        let all = try file.accounts.map { try resolve(file: file.view(of: $0), options: options, environment: environment) }
        // Two entries writing one archive would take each other's lock, or worse, catalog.
        var archives: [String: AccountName] = [:]
        for settings in all {
            guard let archive = settings.archive.map(Self.normalised), let name = settings.account else { continue }
            if let other = archives.updateValue(name, forKey: archive) {
                throw UserError("\(file.path): accounts \(other) and \(name) both archive into \(archive); give each its own archive")
            }
        }
        return all.filter { settings in chosen.contains { $0.name == settings.account } }
    }

    /// The entries named by `names` (all when empty), in the file's order.
    ///
    /// - Throws: `UserError` naming an unknown account, and the nearest known one.
    static func chooseAccounts(_ names: [String], in file: ConfigFile) throws -> [ConfigFile.Account] {
        for name in names where !file.accounts.contains(where: { $0.name.rawValue == name }) {
            let known = file.accounts.map(\.name.rawValue)
            var message = "--account \(name): \(file.path) has no account of that name"
            if let near = known.min(by: { ConfigFile.distance(name, $0) < ConfigFile.distance(name, $1) }),
               ConfigFile.distance(name, near) <= max(2, name.count / 3) {
                message += " (did you mean \(near)?)"
            } else {
                message += " (it has \(known.joined(separator: ", ")))"
            }
            throw UserError(message)
        }
        return names.isEmpty ? file.accounts : file.accounts.filter { names.contains($0.name.rawValue) }
    }

    /// An entry's archive: its own `archive` (a relative one under the shared root), else
    /// `<root>/<name>`, where the root is `$IVY_ARCHIVE` or the `archive` above the entries.
    static func accountArchive(file: ConfigFile, environment: [String: String], report: inout [Entry]) throws -> String? {
        guard let name = file.accountName else { return nil }
        let rootFromEnvironment = environment["IVY_ARCHIVE"].flatMap { $0.isEmpty ? nil : $0 }
        let root = rootFromEnvironment ?? (file.setsItself("archive") ? nil : file.string("archive"))
        let rootSource = rootFromEnvironment != nil ? "environment IVY_ARCHIVE" : file.location(of: "archive")
        if file.setsItself("archive"), let own = file.string("archive") {
            if own.hasPrefix("/") || own.hasPrefix("~/") {
                report.append(Entry(key: "archive", value: own, source: file.location(of: "archive")))
                return own
            }
            // The shared root is the one above the entries (the entry's view hides it).
            let shared = rootFromEnvironment ?? file.topLevelString("archive")
            guard let shared else {
                throw UserError("\(file.location(of: "archive")): archive \"\(own)\" is relative, and no archive above the [[accounts]] entries says to what")
            }
            let archive = joined(shared, own)
            report.append(Entry(key: "archive", value: archive, source: file.location(of: "archive")))
            return archive
        }
        guard let root else {
            report.append(Entry(key: "archive", value: nil, source: "unset"))
            return nil
        }
        let archive = joined(root, name.rawValue)
        report.append(Entry(key: "archive", value: archive, source: "\(rootSource), and the account's name"))
        return archive
    }

    /// `base/component`, with one slash (`remote:` and `remote:path/` included).
    static func joined(_ base: String, _ component: String) -> String {
        if base.hasSuffix("/") || base.hasSuffix(":") { return base + component }
        return base + "/" + component
    }

    private static func normalised(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
