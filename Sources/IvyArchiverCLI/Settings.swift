import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyDomain
import IvyFleet
import IvyNotify
import IvyShip

/// Configuration after merging flags, environment and the config file, with where each
/// setting came from (`ivy-archiver config check` shows it).
struct Settings {
    /// The `[[accounts]]` entry these settings are of; `nil` for a config without entries.
    var account: AccountName?
    var apiURL = CloudConfiguration.defaultAPIURL
    var clientId = CloudConfiguration.defaultClientId
    var clientSecret = CloudConfiguration.defaultClientSecret
    var oemCode = ""
    var username: String?
    /// Read only when a login needs it (`credentials()`): a password command runs then, not
    /// for commands that never log in.
    var password: PasswordSource?
    var openId: String?
    var accessToken: String?
    var refreshToken: String?
    var delKey: String?
    var timeZone = TimeZone.current
    var json = false
    var archive: String?
    var pathTemplate: String?
    /// By camera, from the config's `[device_timezones]` table (any MAC notation).
    var deviceTimeZones: [CameraID: TimeZone] = [:]
    /// `backup` deletes archived days older than this after a run with no failure.
    var keepDays: Int?
    /// How long the cloud keeps footage; when set, it stands for every camera's plan.
    var retentionDays: Int?
    /// `export` refuses longer windows, in hours.
    var exportMaxHours: Double?
    /// `backup` ends after this many minutes (`max_run_minutes`).
    var maxRunMinutes: Double?
    /// All downloads together, bytes per second (`max_rate`, `$IVY_MAX_RATE`, `--max-rate`).
    var maxRate: Int?
    /// The pause before clips that failed on a transient cause are tried again, in seconds.
    var retryPauseSeconds = 120.0
    /// Hosts a playlist's segments, keys and init sections may come from besides its own.
    var allowedMediaHosts: [String] = []
    /// The login endpoint, when not `<api_url>/oauth` (`login_url`, `$IVY_LOGIN_URL`).
    var loginURL: String?
    /// The folder of the session file: where state kept between runs goes (the notification
    /// digest's too).
    var stateDirectory: String? { sessionPath.map { ($0 as NSString).deletingLastPathComponent } }
    /// Where the session (tokens) is kept between runs: `state_dir`, `$IVY_STATE_DIR`, else
    /// `$XDG_STATE_HOME/ivy-archiver`.
    var sessionPath: String?
    /// An rclone remote (`remote:path`) each archived clip is copied to (`destination`).
    var destination: String?
    /// Local copies older than this many days are deleted once shipped (`keep_local_days`).
    var keepLocalDays: Int?
    /// `notify_command`, `notify_url`, `notify_on_success`.
    var notifyCommand: String?
    var notifyURL: String?
    var notifyOnSuccess = false
    /// `notify_digest`: one digest a day, sent by the first run after this time.
    var notifyDigest: DigestSchedule?
    /// Every setting as resolved, in the config file's terms, secrets redacted.
    var report: [Entry] = []
    /// Things worth a warning that do not stop the command (a password others can read).
    var warnings: [String] = []

    /// One resolved setting, for `config check`.
    struct Entry: Encodable {
        var key: String
        /// Redacted for secrets; `nil` when unset.
        var value: String?
        /// `flag --x`, `environment IVY_X`, `FILE:LINE`, `default`, or `unset`.
        var source: String
    }

    static let defaultConfigPath = "~/.config/ivy-archiver/config.toml"

    /// - Throws: `UserError` for anything missing or malformed, naming the setting and where
    ///   it was set (the file and line for the config file).
    static func resolve(options: GlobalOptions, environment: [String: String]) throws -> Settings {
        let file = try loadFile(options: options, environment: environment)
        guard !file.accounts.isEmpty else {
            if let name = options.accounts.first { throw UserError("--account \(name): \(file.path) has no [[accounts]] entries") }
            return try resolve(file: file, options: options, environment: environment)
        }
        let chosen = try chooseAccounts(options.accounts, in: file)
        guard chosen.count == 1 || (options.accounts.isEmpty && file.accounts.count == 1) else {
            let names = file.accounts.map(\.name.rawValue).joined(separator: ", ")
            throw UserError(options.accounts.isEmpty ? "\(file.path) has \(file.accounts.count) accounts (\(names)): say which with --account NAME"
                : "this command takes one --account, not \(options.accounts.count)")
        }
        return try resolve(file: file.view(of: chosen[0]), options: options, environment: environment)
    }

    /// `file` is the whole config, or one account's view of it (`ConfigFile.view(of:)`).
    static func resolve(file: ConfigFile, options: GlobalOptions, environment: [String: String]) throws -> Settings {
        let account = file.accountName
        // An entry's credentials are its own: the one-account variables would log every
        // account in as the same user.
        let environment = account == nil ? environment : environment.filter { !Self.oneAccountVariables.contains($0.key) }
        if account != nil {
            for (flag, value) in [("--username", options.username), ("--open-id", options.openId)] where value != nil {
                throw UserError("\(flag) cannot be used with [[accounts]]: each entry of \(file.path) has its own credentials")
            }
        }
        var settings = Settings()
        settings.account = account
        var report: [Entry] = []
        if let account { report.append(Entry(key: "name", value: account.rawValue, source: file.location(of: "name"))) }
        /// The first of flag, environment variable and file key that is set, noted in the report.
        func pick(_ key: String, flag: (name: String, value: String?)? = nil, _ variable: String?, secret: Bool = false,
                  default fallback: String? = nil) -> String? {
            func note(_ value: String?, _ source: String) -> String? {
                report.append(Entry(key: key, value: value.map { secret ? "(redacted, \($0.count) characters)" : $0 }, source: source))
                return value
            }
            if let flag, let value = flag.value, !value.isEmpty { return note(value, "flag \(flag.name)") }
            if let variable, let value = environment[variable], !value.isEmpty { return note(value, "environment \(variable)") }
            if let value = file.string(key) { return note(value, file.location(of: key)) }
            return fallback.map { note($0, "default") } ?? note(nil, "unset")
        }
        settings.apiURL = pick("api_url", flag: ("--api-url", options.apiURL), "IVY_API_URL", default: settings.apiURL) ?? settings.apiURL
        settings.clientId = pick("client_id", flag: ("--client-id", options.clientId), "IVY_CLIENT_ID", default: settings.clientId) ?? settings.clientId
        settings.clientSecret = pick("client_secret", "IVY_CLIENT_SECRET", secret: true, default: settings.clientSecret) ?? settings.clientSecret
        settings.oemCode = pick("oem_code", flag: ("--oem-code", options.oemCode), "IVY_OEM_CODE", default: "") ?? ""
        settings.username = pick("username", flag: ("--username", options.username), "IVY_USERNAME")
        settings.password = try PasswordSource.resolve(file: file, environment: environment,
                                                       credential: account.map { "\(PasswordSource.credentialName)-\($0)" } ?? PasswordSource.credentialName)
        report.append(Entry(key: "password", value: settings.password.map(\.redacted), source: settings.password?.origin ?? "unset"))
        settings.openId = pick("open_id", flag: ("--open-id", options.openId), "IVY_OPEN_ID")
        settings.accessToken = pick("access_token", "IVY_ACCESS_TOKEN", secret: true)
        settings.refreshToken = pick("refresh_token", "IVY_REFRESH_TOKEN", secret: true)
        settings.delKey = pick("del_key", "IVY_DEL_KEY", secret: true)
        if let zone = pick("timezone", flag: ("--timezone", options.timezone), "IVY_TIMEZONE") {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw UserError("\(Self.place(report.last)): unknown time zone '\(zone)' (use a name like Europe/Berlin)")
            }
            settings.timeZone = timeZone
        } else {
            report[report.count - 1] = Entry(key: "timezone", value: TimeZone.current.identifier, source: "default (the system's)")
        }
        settings.json = options.json
        settings.archive = try account == nil ? pick("archive", "IVY_ARCHIVE") : accountArchive(file: file, environment: environment, report: &report)
        settings.pathTemplate = pick("path_template", nil, default: ArchiveLayout.defaultTemplate)
        if let template = settings.pathTemplate {
            // Checked here, so that `config check` (and every command) names a bad one.
            do {
                _ = try ArchiveLayout(template: template)
            } catch {
                throw UserError("\(Self.place(report.last)): \(error)")
            }
        }
        for (mac, zone) in file.table("device_timezones") ?? [] {
            let place = file.location(of: mac, in: "device_timezones")
            // A MAC has twelve hex digits: a key one digit short would silently match no camera.
            guard let camera = CameraID(mac), camera.mac.count == 12 else {
                throw UserError("\(place): '\(mac)' in [device_timezones] is not a MAC address (12 hex digits)")
            }
            guard let timeZone = TimeZone(identifier: zone) else { throw UserError("\(place): unknown time zone '\(zone)' for device \(mac)") }
            // `00:62:6e:...` and `00626E...` are one camera: one entry each.
            guard settings.deviceTimeZones.updateValue(timeZone, forKey: camera) == nil else {
                throw UserError("\(place): device \(mac) has two entries in [device_timezones]")
            }
            report.append(Entry(key: "device_timezones.\(camera.mac)", value: zone, source: place))
        }
        func number(_ key: String, atLeast minimum: Double, above: Bool = false) throws -> Double? {
            guard let value = file.number(key) else {
                report.append(Entry(key: key, value: nil, source: "unset"))
                return nil
            }
            guard above ? value > minimum : value >= minimum else {
                throw UserError("\(file.location(of: key)): \(key) must be \(above ? "more than" : "at least") \(Self.format(minimum)), not \(Self.format(value))")
            }
            report.append(Entry(key: key, value: Self.format(value), source: file.location(of: key)))
            return value
        }
        settings.keepDays = try number("keep_days", atLeast: 1).map { Int($0) }
        settings.retentionDays = try number("retention_days", atLeast: 1).map { Int($0) }
        settings.exportMaxHours = try number("export_max_hours", atLeast: 0, above: true)
        if settings.exportMaxHours == nil { report[report.count - 1] = Entry(key: "export_max_hours", value: "24", source: "default") }
        settings.maxRunMinutes = try number("max_run_minutes", atLeast: 0, above: true)
        if let rate = environment["IVY_MAX_RATE"], !rate.isEmpty {
            do {
                settings.maxRate = try Rate.parse(rate)
            } catch let refusal as ArgumentRefusal {
                throw UserError("IVY_MAX_RATE \(refusal.description), not '\(rate)'")
            }
            report.append(Entry(key: "max_rate", value: rate, source: "environment IVY_MAX_RATE"))
        } else if let text = file.string("max_rate") ?? file.number("max_rate").map(Self.format) {
            do {
                settings.maxRate = try Rate.parse(text)
            } catch let refusal as ArgumentRefusal {
                throw UserError("\(file.location(of: "max_rate")): max_rate \(refusal.description), not '\(text)'")
            }
            report.append(Entry(key: "max_rate", value: text, source: file.location(of: "max_rate")))
        } else {
            report.append(Entry(key: "max_rate", value: nil, source: "unset"))
        }
        if let pause = environment["IVY_RETRY_PAUSE"], !pause.isEmpty {
            guard let seconds = Double(pause), seconds.isFinite, seconds >= 0 else {
                throw UserError("IVY_RETRY_PAUSE must be a number of seconds (0 or more), not '\(pause)'")
            }
            settings.retryPauseSeconds = seconds
            report.append(Entry(key: "retry_pause_seconds", value: Self.format(seconds), source: "environment IVY_RETRY_PAUSE"))
        } else {
            settings.retryPauseSeconds = try number("retry_pause_seconds", atLeast: 0) ?? 120
            if report.last?.source == "unset" { report[report.count - 1] = Entry(key: "retry_pause_seconds", value: "120", source: "default") }
        }
        guard settings.apiURL.hasPrefix("http://") || settings.apiURL.hasPrefix("https://") else {
            throw UserError("\(Self.place(report.first { $0.key == "api_url" })): the API URL must start with http:// or https://")
        }
        settings.allowedMediaHosts = file.strings("allowed_media_hosts") ?? []
        report.append(Entry(key: "allowed_media_hosts", value: settings.allowedMediaHosts.isEmpty ? nil : settings.allowedMediaHosts.joined(separator: ", "),
                            source: file.strings("allowed_media_hosts") == nil ? "unset" : file.location(of: "allowed_media_hosts")))
        settings.loginURL = pick("login_url", "IVY_LOGIN_URL")
        if let loginURL = settings.loginURL, !(loginURL.hasPrefix("http://") || loginURL.hasPrefix("https://")) {
            throw UserError("\(Self.place(report.last)): login_url must start with http:// or https://")
        }
        settings.destination = file.string("destination").map { remote in
            // Above the entries, a destination is every account's root: each gets its folder.
            account != nil && !file.setsItself("destination") ? Self.joined(remote, account!.rawValue) : remote
        }
        if let destination = file.string("destination"), destination.trimmingCharacters(in: .whitespaces).isEmpty {
            // Empty, rclone takes it for a local path: the clips would go to the root folder.
            throw UserError("\(file.location(of: "destination")): destination is empty; give an rclone remote and a folder (\"offsite:cams\"), or leave the key out")
        }
        report.append(Entry(key: "destination", value: settings.destination.map(RcloneDestination.redacted),
                            source: settings.destination == nil ? "unset" : file.location(of: "destination")))
        settings.keepLocalDays = try number("keep_local_days", atLeast: 1).map { Int($0) }
        if settings.keepLocalDays != nil, settings.destination == nil {
            throw UserError("\(file.location(of: "keep_local_days")): keep_local_days deletes local copies once shipped, and there is no destination to ship to")
        }
        // Shown redacted: an Apprise URL or a webhook's token is a password.
        settings.notifyCommand = pick("notify_command", nil)
        settings.notifyURL = pick("notify_url", nil)
        for index in report.indices where ["notify_command", "notify_url"].contains(report[index].key) {
            report[index].value = report[index].value.map(Redaction.text)
        }
        for key in ["notify_command", "notify_url"] where file.string(key)?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            throw UserError("\(file.location(of: key)): \(key) is empty; give one, or leave the key out")
        }
        if let url = settings.notifyURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw UserError("\(Self.place(report.last)): notify_url must start with http:// or https://")
        }
        settings.notifyOnSuccess = file.boolean("notify_on_success") ?? false
        report.append(Entry(key: "notify_on_success", value: String(settings.notifyOnSuccess),
                            source: file.boolean("notify_on_success") == nil ? "default" : file.location(of: "notify_on_success")))
        if let text = file.string("notify_digest") {
            guard let schedule = DigestSchedule(text, timeZone: settings.timeZone) else {
                throw UserError("\(file.location(of: "notify_digest")): notify_digest must be a time such as \"07:30\" (24-hour), or true, not '\(text)'")
            }
            settings.notifyDigest = schedule
        } else if file.boolean("notify_digest") == true {
            settings.notifyDigest = .midnight(in: settings.timeZone)
        }
        report.append(Entry(key: "notify_digest", value: file.string("notify_digest") ?? file.boolean("notify_digest").map { _ in "true (00:00)" },
                            source: file.values["notify_digest"] == nil ? "unset" : file.location(of: "notify_digest")))
        if settings.notifyDigest != nil || settings.notifyOnSuccess, settings.notifyCommand == nil, settings.notifyURL == nil {
            settings.warnings.append("\(file.path): notify_digest and notify_on_success need notify_command or notify_url to send anything")
        }
        let stateDirectory = pick("state_dir", "IVY_STATE_DIR")
        if let stateDirectory, !(stateDirectory.hasPrefix("/") || stateDirectory.hasPrefix("~/")) {
            throw UserError("\(Self.place(report.last)): state_dir must be an absolute path (or ~/...), not '\(stateDirectory)'")
        }
        settings.sessionPath = try sessionPath(stateDirectory: stateDirectory, settings: settings, environment: environment)
        settings.report = report
        settings.warnings += file.exposedSecrets()
        return settings
    }

    /// Where a setting was set, as a message begins: `FILE:LINE`, `--flag`, `IVY_VARIABLE`.
    private static func place(_ entry: Entry?) -> String {
        guard let entry else { return "the config" }
        for prefix in ["flag ", "environment "] where entry.source.hasPrefix(prefix) { return String(entry.source.dropFirst(prefix.count)) }
        return entry.source
    }

    /// `90`, `1.5`: a number as it was meant.
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The account the session file is named after. The name holds no secret, so a password
    /// not read yet (a file, a command) is stood for by an empty one.
    private var sessionCredentials: CloudCredentials? {
        if let openId, let accessToken { return .token(openId: openId, accessToken: accessToken, refreshToken: refreshToken) }
        return username.map { .password(username: $0, password: "") }
    }

    /// The session file for this account, or `nil` when there is none yet (the command then
    /// fails on its credentials) or no state folder can be named.
    private static func sessionPath(stateDirectory: String?, settings: Settings, environment: [String: String]) throws -> String? {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let folder = stateDirectory.map { $0.hasPrefix("~/") ? home + $0.dropFirst(1) : $0 }
        guard let account = settings.sessionCredentials else { return nil }
        if let folder { return folder + "/" + SessionFile.fileName(apiURL: settings.apiURL, credentials: account) }
        return SessionFile.defaultPath(apiURL: settings.apiURL, credentials: account, environment: environment)
    }

    static func loadFile(options: GlobalOptions, environment: [String: String]) throws -> ConfigFile {
        try loadFile(options.config ?? environment["IVY_CONFIG"], required: options.config != nil || environment["IVY_CONFIG"] != nil,
                     environment: environment)
    }

    private static func loadFile(_ path: String?, required: Bool, environment: [String: String]) throws -> ConfigFile {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let raw = path ?? defaultConfigPath
        let expanded = raw.hasPrefix("~/") ? home + raw.dropFirst(1) : raw
        guard FileManager.default.fileExists(atPath: expanded) else {
            if required { throw UserError("config file \(expanded) does not exist") }
            return ConfigFile(path: expanded)
        }
        let text: String
        do {
            text = try String(contentsOfFile: expanded, encoding: .utf8)
        } catch {
            throw UserError("cannot read config file \(expanded)")
        }
        return try ConfigFile(path: expanded, text: text)
    }

    /// The archive folder: a command's `--archive`, else `$IVY_ARCHIVE` or the config's.
    ///
    /// - Throws: `UserError` when none is given.
    func archiveFolder(_ flag: String?) throws -> String {
        guard let folder = flag ?? archive, !folder.isEmpty else {
            throw UserError("say where the archive is: --archive DIR, IVY_ARCHIVE or archive in the config")
        }
        return folder
    }

    /// How segments are fetched: the media hosts allowed besides each playlist's own.
    var downloadPolicy: HLSDownloader.Policy {
        var policy = HLSDownloader.Policy()
        policy.allowedMediaHosts = allowedMediaHosts
        return policy
    }

    /// The credentials to log in with; a password file or command is read now.
    ///
    /// - Throws: `UserError` when there are none, or the password cannot be had.
    func credentials() async throws -> CloudCredentials {
        if let openId, let accessToken {
            return .token(openId: openId, accessToken: accessToken, refreshToken: refreshToken)
        } else if let username, let password {
            return .password(username: username, password: try await password.read())
        }
        throw UserError("no credentials: set IVY_USERNAME and IVY_PASSWORD (or IVY_OPEN_ID and IVY_ACCESS_TOKEN), or put them in the config file")
    }

    func cloudConfiguration() async throws -> CloudConfiguration {
        CloudConfiguration(apiURL: apiURL, clientId: clientId, clientSecret: clientSecret, oemCode: oemCode, credentials: try await credentials(),
                           loginURL: loginURL, sessionStore: sessionPath.map(SessionFile.init(path:)))
    }
}
