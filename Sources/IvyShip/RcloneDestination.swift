import Foundation
public import Logging
import IvyDomain
import IvyProcess

/// A destination reached through the `rclone` program: any of its remotes (S3, B2, SFTP,
/// WebDAV, Google Drive, a crypt over one of those, a local folder), configured with `rclone
/// config` or made on the fly (`:webdav,url='https://dav.example':cams`). Each operation runs
/// one rclone command; cancelling the task stops it.
///
/// Secrets stay out of logs and errors: parameters of the spec such as `pass=` are shown as
/// `***`, also where rclone's own messages repeat them; a remote's configuration (its file, or
/// `RCLONE_CONFIG_<NAME>_<KEY>` variables in `environment`) is never read by this type.
public struct RcloneDestination: Destination {
    public struct Configuration: Sendable {
        /// `remote:path`, in any form rclone takes.
        public var remote: String
        /// The rclone binary; nil: `rclone` on the PATH.
        public var executable: String?
        /// rclone's config file (`--config`); nil: rclone's default
        /// (`~/.config/rclone/rclone.conf`, or `$RCLONE_CONFIG`).
        public var configFile: String?
        /// Added to this process's environment for rclone (`RCLONE_CONFIG_OFFSITE_TYPE=s3`,
        /// `RCLONE_CONFIG_PASS` for an encrypted config, proxies).
        public var environment: [String: String] = [:]
        /// What the catalog records copies under; nil: `remote` with secret parameters
        /// redacted.
        public var identity: String?
        /// rclone's `--retries` (whole operations) and `--low-level-retries` (requests).
        public var retries = 3
        public var lowLevelRetries = 10

        public init(remote: String) {
            self.remote = remote
        }
    }

    public let identity: String
    private let remote: RcloneRemote
    private let executable: String
    private let configuration: Configuration
    private let logger: Logger

    /// - Throws: `RcloneError.notFound` when no rclone binary is there (nothing is run yet).
    public init(_ configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        remote = RcloneRemote(configuration.remote)
        identity = configuration.identity ?? remote.redacted
        if let executable = configuration.executable {
            guard FileManager.default.isExecutableFile(atPath: executable) else { throw RcloneError.notFound(executable) }
            self.executable = executable
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            guard let found = path.split(separator: ":").map({ "\($0)/rclone" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
                throw RcloneError.notFound("rclone")
            }
            executable = found
        }
    }

    /// `rclone copyto`, always transferring (`--ignore-times`: the catalog, not a size and date
    /// that match, says whether the copy is wanted), without listing the remote folder.
    ///
    /// - Throws: `RcloneError`; `CancellationError` (rclone is stopped).
    public func upload(_ localPath: String, to path: String) async throws {
        _ = try await rclone("copyto", [localPath, remote.appending(path)] + transferFlags, file: path)
    }

    /// `rclone lsjson --stat --hash` for SHA-256, SHA-1 and MD5: the remote reports those it
    /// keeps (S3: MD5 for most objects; a local folder: all three, read from the file; WebDAV:
    /// none).
    ///
    /// - Throws: `RcloneError` (not for a file that is not there: nil); `CancellationError`.
    public func stat(_ path: String) async throws -> RemoteObject? {
        let hashes = HashAlgorithm.preference.flatMap { ["--hash-type", $0.rawValue] }
        guard let output = try await rclone("lsjson", ["--stat", "--hash"] + hashes + [remote.appending(path)], file: path, absentIsNil: true) else {
            return nil
        }
        struct Entry: Decodable {
            var size: Int64
            var isFolder: Bool?
            var hashes: [String: String]?
            enum CodingKeys: String, CodingKey {
                case size = "Size", isFolder = "IsDir", hashes = "Hashes"
            }
        }
        let entry: Entry
        do {
            entry = try JSONDecoder().decode(Entry.self, from: output)
        } catch {
            throw RcloneError.unreadable("lsjson", "\(error)")
        }
        guard entry.isFolder != true else { throw RcloneError.unreadable("lsjson", "\(path) is a folder at \(identity)") }
        var reported: [HashAlgorithm: String] = [:]
        for (name, value) in entry.hashes ?? [:] where !value.isEmpty {
            if let algorithm = HashAlgorithm(rawValue: name) { reported[algorithm] = value.lowercased() }
        }
        return RemoteObject(size: entry.size, hashes: reported)
    }

    /// `rclone copyto` from the remote.
    ///
    /// - Throws: `RcloneError`; `CancellationError`.
    public func download(_ path: String, to localPath: String) async throws {
        _ = try await rclone("copyto", [remote.appending(path), localPath] + transferFlags, file: path)
    }

    /// `rclone deletefile`, after `stat`: rclone fails alike for a file that is not there and
    /// for one it cannot delete.
    ///
    /// - Throws: `RcloneError` (not for a file that is not there); `CancellationError`.
    public func delete(_ path: String) async throws {
        guard try await stat(path) != nil else { return }
        _ = try await rclone("deletefile", [remote.appending(path)], file: path, absentIsNil: true)
    }

    private var transferFlags: [String] {
        ["--no-traverse", "--ignore-times", "--retries", "\(configuration.retries)", "--low-level-retries", "\(configuration.lowLevelRetries)"]
    }

    /// Runs `rclone command arguments`; its standard output, or nil when `absentIsNil` and rclone
    /// says the file or its folder is not there (exit status 3 or 4).
    private func rclone(_ command: String, _ arguments: [String], file: String, absentIsNil: Bool = false) async throws -> Data? {
        var all = [command] + arguments + ["--quiet"]
        if let configFile = configuration.configFile { all += ["--config", configFile] }
        logger.debug("rclone \(command)", metadata: ["destination": "\(identity)", "file": "\(file)"])
        let child = ChildProcess(executable: executable, arguments: all,
                                 environment: ProcessInfo.processInfo.environment.merging(configuration.environment) { $1 })
        let ending: ChildProcess.Ending
        do {
            ending = try await child.run()
        } catch let error as ChildProcessError {
            throw RcloneError.cannotRun(error.description)
        }
        if ending.status == 0 { return Data(ending.standardOutput) }
        if absentIsNil, [3, 4].contains(ending.status) { return nil }
        throw RcloneError.failed("\(command) \(file) at \(identity)", status: ending.status, stderr: said(ending.standardError))
    }

    /// rclone's last lines on stderr, without their timestamps and secrets, at most 400
    /// characters: enough for the cause, never a page of retries.
    private func said(_ stderr: String) -> String {
        var lines = stderr.split(whereSeparator: \.isNewline).map { line -> String in
            var line = String(line)
            // `2026/12/01 06:21:00 ERROR : ...`
            if let match = line.firstMatch(of: #/^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d /#) { line.removeSubrange(match.range) }
            return line.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        lines = Array(lines.suffix(3))
        var text = lines.joined(separator: "; ")
        text = text.replacingOccurrences(of: remote.spec, with: remote.redacted)
        for secret in remote.secrets { text = text.replacingOccurrences(of: secret, with: "***") }
        return text.count > 400 ? String(text.prefix(400)) + "..." : text
    }
}
