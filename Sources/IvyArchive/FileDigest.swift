import Crypto
import Foundation
import IvyConcurrency
public import IvyDomain

/// Hashes of a file, read in 1 MiB pieces so memory stays flat for any size, on a thread made
/// for blocking work; cancelling the task stops it at the next piece.
public enum FileDigest {
    /// SHA-256, lowercase hex.
    ///
    /// - Throws: `BackupError.archive` when the file cannot be read; `CancellationError`.
    public static func sha256(path: String) async throws -> String {
        try await BlockingThread.run(name: "ivy-sha256") { interrupt in try sha256(path: path, interrupt: interrupt) }
    }

    /// Each of `algorithms` over the file, in one reading: lowercase hex by algorithm. A remote
    /// that reports only MD5 is checked against the MD5 of the very bytes whose SHA-256 matched
    /// the catalog.
    ///
    /// - Throws: `BackupError.archive` when the file cannot be read; `CancellationError`.
    public static func hex(path: String, _ algorithms: Set<HashAlgorithm>) async throws -> [HashAlgorithm: String] {
        try await BlockingThread.run(name: "ivy-digest") { interrupt in try hex(path: path, algorithms, interrupt: interrupt) }
    }

    static func sha256(path: String, interrupt: CancellationFlag) throws -> String {
        try hex(path: path, [.sha256], interrupt: interrupt)[.sha256] ?? ""
    }

    static func hex(path: String, _ algorithms: Set<HashAlgorithm>, interrupt: CancellationFlag) throws -> [HashAlgorithm: String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.archive("cannot read \(path)") }
        defer { try? handle.close() }
        var hashers = algorithms.map(Digester.init)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try interrupt.check()
            for index in hashers.indices { hashers[index].update(chunk) }
        }
        return Dictionary(uniqueKeysWithValues: hashers.map { ($0.algorithm, $0.hex()) })
    }

    /// swift-crypto's hash functions are distinct types; one value holds whichever is asked for.
    private enum Digester {
        case sha256(SHA256)
        case sha1(Insecure.SHA1)
        case md5(Insecure.MD5)

        init(_ algorithm: HashAlgorithm) {
            switch algorithm {
            case .sha256: self = .sha256(SHA256())
            case .sha1: self = .sha1(Insecure.SHA1())
            case .md5: self = .md5(Insecure.MD5())
            }
        }

        var algorithm: HashAlgorithm {
            switch self {
            case .sha256: .sha256
            case .sha1: .sha1
            case .md5: .md5
            }
        }

        mutating func update(_ data: Data) {
            switch self {
            case .sha256(var hasher): hasher.update(data: data); self = .sha256(hasher)
            case .sha1(var hasher): hasher.update(data: data); self = .sha1(hasher)
            case .md5(var hasher): hasher.update(data: data); self = .md5(hasher)
            }
        }

        func hex() -> String {
            let bytes: [UInt8] = switch self {
            case .sha256(let hasher): Array(hasher.finalize())
            case .sha1(let hasher): Array(hasher.finalize())
            case .md5(let hasher): Array(hasher.finalize())
            }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }
}
