import Foundation
import IvyConcurrency
import IvyProcess

/// Where the account's password comes from, so that it need not sit in the config file:
/// the value itself, a file holding it (`password_file`, `$IVY_PASSWORD_FILE`, a systemd
/// credential), or a command that prints it (`password_command`, e.g. `pass show foscam`).
/// It is read only when a login needs it.
enum PasswordSource {
    case value(String, origin: String)
    case file(String, origin: String)
    case command(String, origin: String)

    /// The systemd credential name: `LoadCredential=password:/etc/ivy-archiver/password`
    /// (or `LoadCredentialEncrypted=`) makes `$CREDENTIALS_DIRECTORY/password`.
    static let credentialName = "password"

    /// The first that is set of `$IVY_PASSWORD`, `$IVY_PASSWORD_FILE`, the systemd credential
    /// `credential` (`password`; `password-NAME` for an `[[accounts]]` entry), and the
    /// config's `password`, `password_file` or `password_command` (one of them).
    ///
    /// - Throws: `UserError` when the config sets more than one of its three.
    static func resolve(file: ConfigFile, environment: [String: String], credential: String = PasswordSource.credentialName) throws -> PasswordSource? {
        if let value = environment["IVY_PASSWORD"], !value.isEmpty { return .value(value, origin: "environment IVY_PASSWORD") }
        if let path = environment["IVY_PASSWORD_FILE"], !path.isEmpty { return .file(path, origin: "environment IVY_PASSWORD_FILE") }
        if let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty,
           FileManager.default.fileExists(atPath: folder + "/" + credential) {
            return .file(folder + "/" + credential, origin: "systemd credential '\(credential)'")
        }
        let set = ["password", "password_file", "password_command"].filter { file.string($0) != nil }
        guard set.count <= 1 else {
            throw UserError("\(file.location(of: set[1])): set one of \(set.joined(separator: " and ")), not both")
        }
        if let value = file.string("password") { return .value(value, origin: file.location(of: "password")) }
        if let path = file.string("password_file") {
            // Relative to the config file, wherever the command runs from (systemd runs it from /).
            let folder = (file.path as NSString).deletingLastPathComponent
            let resolved = path.hasPrefix("/") || folder.isEmpty ? path : folder + "/" + path
            return .file(resolved, origin: file.location(of: "password_file"))
        }
        if let command = file.string("password_command") { return .command(command, origin: file.location(of: "password_command")) }
        return nil
    }

    var origin: String {
        switch self {
        case .value(_, let origin), .file(_, let origin), .command(_, let origin): origin
        }
    }

    /// Whether the password can be had without running anything: a file must be readable.
    ///
    /// - Throws: `UserError` naming the file.
    func checkReadable() throws {
        guard case .file(let path, let origin) = self else { return }
        guard FileManager.default.isReadableFile(atPath: path) else { throw UserError("cannot read the password file \(path) (\(origin))") }
    }

    /// For `config check`: never the password.
    var redacted: String {
        switch self {
        case .value: "(redacted)"
        case .file(let path, _): "(redacted; read from \(path))"
        case .command(let command, _): "(redacted; printed by `\(command)`)"
        }
    }

    /// The password; a file's or a command's output without its final line break.
    ///
    /// - Throws: `UserError` naming the file or the command (never its output) when it cannot
    ///   be read, fails or prints nothing; `CancellationError` (the command is killed).
    func read() async throws -> String {
        switch self {
        case .value(let value, _):
            return value
        case .file(let path, let origin):
            let text = try await BlockingThread.run(name: "password-file") { _ in try? String(contentsOfFile: path, encoding: .utf8) }
            guard let text else { throw UserError("cannot read the password file \(path) (\(origin))") }
            let password = Self.trimmed(text)
            guard !password.isEmpty else { throw UserError("the password file \(path) is empty (\(origin))") }
            return password
        case .command(let command, let origin):
            let (status, output) = try await Self.run(command, origin: origin)
            guard status == 0 else { throw UserError("the password command failed with exit status \(status) (\(origin))") }
            let password = Self.trimmed(output)
            guard !password.isEmpty else { throw UserError("the password command printed nothing (\(origin))") }
            return password
        }
    }

    private static func trimmed(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// `/bin/sh -c command`: its exit status and standard output. Its standard error goes to
    /// ours (a password manager's prompt or complaint stays visible); cancelling the task (a
    /// Ctrl-C) kills it and what it started. In a process group of its own, like every child:
    /// a command that opens the terminal itself, rather than through an agent (`pass` asks
    /// gpg-agent's pinentry), is stopped (SIGTTIN) when it reads it, until a Ctrl-C.
    ///
    /// - Throws: `UserError` when it cannot be started; `CancellationError`.
    private static func run(_ command: String, origin: String) async throws -> (Int32, String) {
        var child = ChildProcess.shell(command, environment: ProcessInfo.processInfo.environment)
        child.standardError = .inherited
        let ending: ChildProcess.Ending
        do {
            ending = try await child.run()
        } catch let error as ChildProcessError {
            throw UserError("the password command could not be started: \(error.description) (\(origin))")
        }
        return (ending.status, String(decoding: ending.standardOutput, as: UTF8.self))
    }
}
