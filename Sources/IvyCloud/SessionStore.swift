import Foundation

/// What a client remembers of its login between runs: the tokens (a refresh token rotates
/// when used, so the one configured is spent after the first renewal), and which login style
/// the cloud answered.
public struct StoredSession: Sendable, Codable {
    public var session: Session
    public var style: LoginStyle
    /// Which configured credentials this session came from (`CloudCredentials.fingerprint`):
    /// a session is only reused for the same account and the same configured tokens.
    public var credentials: String

    public init(session: Session, style: LoginStyle, credentials: String) {
        self.session = session
        self.style = style
        self.credentials = credentials
    }
}

/// Keeps the session across runs. `CloudClient` loads it once, and saves it whenever it
/// changes (login, renewal). Implementations must not lose the old one if a save fails.
public protocol SessionStore: Sendable {
    func load() throws -> StoredSession?
    func save(_ stored: StoredSession) throws
}

/// A `SessionStore` in one JSON file, private to its owner: mode 0600 in a folder it creates
/// with mode 0700, replaced atomically (a new file, fsynced, renamed over the old).
public struct SessionFile: SessionStore {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_STATE_HOME/ivy-archiver/<fileName>` (`~/.local/state` when unset): one file
    /// per cloud and account, whichever archive the run writes; `nil` without either folder.
    public static func defaultPath(apiURL: String, credentials: CloudCredentials, environment: [String: String]) -> String? {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.local/state"
        } else {
            return nil
        }
        return base + "/ivy-archiver/" + fileName(apiURL: apiURL, credentials: credentials)
    }

    /// `session-<16 hex digits>.json`, from the cloud's address and the account (no secret).
    public static func fileName(apiURL: String, credentials: CloudCredentials) -> String {
        "session-\(Hashing.sha256Hex(CloudClient.normalizedBase(apiURL) + "|" + credentials.account).prefix(16)).json"
    }

    public func load() throws -> StoredSession? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(StoredSession.self, from: data)
    }

    public func save(_ stored: StoredSession) throws {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            // Foundation's error would be logged as its whole user info; its errno is the reason.
            throw SessionFileError(path: folder, errno: Self.errorNumber(error))
        }
        let bytes = Array(try JSONEncoder().encode(stored))
        let temporary = path + ".\(UUID().uuidString).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SessionFileError(path: temporary, errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                let code = errno
                close(fd)
                unlink(temporary)
                throw SessionFileError(path: temporary, errno: code)
            }
            written += count
        }
        let synced = fsync(fd) == 0
        let code = errno
        close(fd)
        guard synced, rename(temporary, path) == 0 else {
            let failure = synced ? errno : code
            unlink(temporary)
            throw SessionFileError(path: path, errno: failure)
        }
    }
}

extension SessionFile {
    static func errorNumber(_ error: any Error) -> Int32 {
        guard let error = error as? CocoaError else { return EIO }
        if let underlying = error.underlying as? POSIXError { return underlying.code.rawValue }
        switch error.code {
        case .fileWriteNoPermission: return EACCES
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteOutOfSpace: return ENOSPC
        default: return EIO
        }
    }
}

/// The session file could not be written: the login still works for this run, but a rotated
/// refresh token may be lost for the next one.
public struct SessionFileError: Error, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public var description: String { "cannot write the session file at \(path): \(String(cString: strerror(errno)))" }
}
