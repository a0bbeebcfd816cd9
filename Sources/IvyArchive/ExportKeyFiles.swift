import Foundation
import Glibc

/// Key files for signing exports: where the public key of a new pair goes, and writing a pair
/// without ever replacing a file (a replaced private key cannot be had back).
public enum ExportKeyFiles {
    /// `key.pem` -> `key.pub.pem`; any other name gets `.pub`.
    public static func publicPath(for privateKey: String) -> String {
        privateKey.hasSuffix(".pem") ? String(privateKey.dropLast(4)) + ".pub.pem" : privateKey + ".pub"
    }

    /// Writes the private key (mode 0600, created new) and its public key (0644, created new).
    /// - Throws: `ExportError.refused` when either file exists or cannot be made.
    public static func write(_ key: ExportSigningKey, to path: String, publicKeyTo publicPath: String) throws {
        for file in [path, publicPath] where FileManager.default.fileExists(atPath: file) {
            throw ExportError.refused("\(file) exists: a key file is never replaced")
        }
        try create(path, Data(key.pem.utf8), mode: 0o600)
        do {
            try create(publicPath, Data(key.publicKey.pem.utf8), mode: 0o644)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// `O_EXCL`: made new with `mode` from the start, so the key is never readable by others.
    private static func create(_ path: String, _ bytes: Data, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ExportError.refused("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw ExportError.refused("cannot write \(path): \(reason)")
        }
    }
}
