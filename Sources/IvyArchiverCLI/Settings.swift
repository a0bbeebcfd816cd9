import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import TOMLKit
import IvyDomain

/// Configuration after merging flags, environment and the config file.
struct Settings {
    var apiURL = CloudConfiguration.defaultAPIURL
    var clientId = CloudConfiguration.defaultClientId
    var clientSecret = CloudConfiguration.defaultClientSecret
    var oemCode = ""
    var username: String?
    var password: String?
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
    /// `export` refuses longer windows.
    var exportMaxHours: Double?
    /// `backup` ends after this many minutes (`max_run_minutes`).
    var maxRunMinutes: Int?
    /// Hosts a playlist's segments, keys and init sections may come from besides its own.
    var allowedMediaHosts: [String] = []
    /// The login endpoint, when not `<api_url>/oauth` (`login_url`, `$IVY_LOGIN_URL`).
    var loginURL: String?
    /// Where the session (tokens) is kept between runs: `state_dir`, `$IVY_STATE_DIR`, else
    /// `$XDG_STATE_HOME/ivy-archiver`.
    var sessionPath: String?

    /// The config file's keys (all optional).
    struct File: Decodable {
        var api_url: String?
        var client_id: String?
        var client_secret: String?
        var oem_code: String?
        var username: String?
        var password: String?
        var open_id: String?
        var access_token: String?
        var refresh_token: String?
        var del_key: String?
        var timezone: String?
        var archive: String?
        var path_template: String?
        var device_timezones: [String: String]?
        var keep_days: Int?
        var retention_days: Int?
        var export_max_hours: Int?
        var login_url: String?
        var state_dir: String?
        var allowed_media_hosts: [String]?
        var max_run_minutes: Int?
    }

    static let defaultConfigPath = "~/.config/ivy-archiver/config.toml"

    static func resolve(options: GlobalOptions, environment: [String: String]) throws -> Settings {
        let file = try loadFile(options.config ?? environment["IVY_CONFIG"], required: options.config != nil || environment["IVY_CONFIG"] != nil,
                                environment: environment)
        func pick(_ flag: String?, _ variable: String, _ fileValue: String?) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return fileValue
        }
        var settings = Settings()
        settings.apiURL = pick(options.apiURL, "IVY_API_URL", file.api_url) ?? settings.apiURL
        settings.clientId = pick(options.clientId, "IVY_CLIENT_ID", file.client_id) ?? settings.clientId
        settings.clientSecret = pick(nil, "IVY_CLIENT_SECRET", file.client_secret) ?? settings.clientSecret
        settings.oemCode = pick(options.oemCode, "IVY_OEM_CODE", file.oem_code) ?? ""
        settings.username = pick(options.username, "IVY_USERNAME", file.username)
        settings.password = pick(nil, "IVY_PASSWORD", file.password)
        settings.openId = pick(options.openId, "IVY_OPEN_ID", file.open_id)
        settings.accessToken = pick(nil, "IVY_ACCESS_TOKEN", file.access_token)
        settings.refreshToken = pick(nil, "IVY_REFRESH_TOKEN", file.refresh_token)
        settings.delKey = pick(nil, "IVY_DEL_KEY", file.del_key)
        if let zone = pick(options.timezone, "IVY_TIMEZONE", file.timezone) {
            guard let timeZone = TimeZone(identifier: zone) else { throw UserError("unknown time zone '\(zone)' (use a name like Europe/Berlin)") }
            settings.timeZone = timeZone
        }
        settings.json = options.json
        settings.archive = pick(nil, "IVY_ARCHIVE", file.archive)
        settings.pathTemplate = file.path_template
        for (mac, zone) in file.device_timezones ?? [:] {
            // A MAC has twelve hex digits: a key one digit short would silently match no camera.
            guard let camera = CameraID(mac), camera.mac.count == 12 else {
                throw UserError("'\(mac)' in [device_timezones] in the config is not a MAC address (12 hex digits)")
            }
            guard let timeZone = TimeZone(identifier: zone) else { throw UserError("unknown time zone '\(zone)' for device \(mac) in the config") }
            // `00:62:6e:...` and `00626E...` are one camera: one entry each.
            guard settings.deviceTimeZones.updateValue(timeZone, forKey: camera) == nil else {
                throw UserError("device \(mac) has two entries in [device_timezones] in the config")
            }
        }
        settings.keepDays = file.keep_days
        settings.retentionDays = file.retention_days
        settings.exportMaxHours = file.export_max_hours.map(Double.init)
        guard settings.apiURL.hasPrefix("http://") || settings.apiURL.hasPrefix("https://") else {
            throw UserError("the API URL must start with http:// or https://")
        }
        settings.allowedMediaHosts = file.allowed_media_hosts ?? []
        settings.maxRunMinutes = file.max_run_minutes
        settings.loginURL = pick(nil, "IVY_LOGIN_URL", file.login_url)
        if let loginURL = settings.loginURL, !(loginURL.hasPrefix("http://") || loginURL.hasPrefix("https://")) {
            throw UserError("login_url must start with http:// or https://")
        }
        settings.sessionPath = try sessionPath(stateDirectory: pick(nil, "IVY_STATE_DIR", file.state_dir), settings: settings,
                                               environment: environment)
        return settings
    }

    /// The session file for these credentials, or `nil` when there are none yet (the
    /// command then fails on them) or no state folder can be named.
    private static func sessionPath(stateDirectory: String?, settings: Settings, environment: [String: String]) throws -> String? {
        guard let credentials = try? settings.credentials() else { return nil }
        if let stateDirectory {
            let home = environment["HOME"] ?? NSHomeDirectory()
            let folder = stateDirectory.hasPrefix("~/") ? home + stateDirectory.dropFirst(1) : stateDirectory
            guard folder.hasPrefix("/") else { throw UserError("state_dir must be an absolute path, not '\(stateDirectory)'") }
            return folder + "/" + SessionFile.fileName(apiURL: settings.apiURL, credentials: credentials)
        }
        return SessionFile.defaultPath(apiURL: settings.apiURL, credentials: credentials, environment: environment)
    }

    private static func loadFile(_ path: String?, required: Bool, environment: [String: String]) throws -> File {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let raw = path ?? defaultConfigPath
        let expanded = raw.hasPrefix("~/") ? home + raw.dropFirst(1) : raw
        guard FileManager.default.fileExists(atPath: expanded) else {
            if required { throw UserError("config file \(expanded) does not exist") }
            return File()
        }
        let text: String
        do {
            text = try String(contentsOfFile: expanded, encoding: .utf8)
        } catch {
            throw UserError("cannot read config file \(expanded)")
        }
        do {
            return try TOMLDecoder().decode(File.self, from: text)
        } catch let error as TOMLParseError {
            throw UserError("\(expanded):\(error.source.begin.line): \(error.description)")
        } catch {
            throw UserError("\(expanded): a setting has the wrong type (keep_days, retention_days, export_max_hours and max_run_minutes are whole numbers, allowed_media_hosts a list of strings, [device_timezones] a table of strings, the rest strings)")
        }
    }

    /// How segments are fetched: the media hosts allowed besides each playlist's own.
    var downloadPolicy: HLSDownloader.Policy {
        var policy = HLSDownloader.Policy()
        policy.allowedMediaHosts = allowedMediaHosts
        return policy
    }

    func credentials() throws -> CloudCredentials {
        if let openId, let accessToken {
            return .token(openId: openId, accessToken: accessToken, refreshToken: refreshToken)
        } else if let username, let password {
            return .password(username: username, password: password)
        }
        throw UserError("no credentials: set IVY_USERNAME and IVY_PASSWORD (or IVY_OPEN_ID and IVY_ACCESS_TOKEN), or put them in the config file")
    }

    func cloudConfiguration() throws -> CloudConfiguration {
        CloudConfiguration(apiURL: apiURL, clientId: clientId, clientSecret: clientSecret, oemCode: oemCode, credentials: try credentials(),
                           loginURL: loginURL, sessionStore: sessionPath.map(SessionFile.init(path:)))
    }
}
