import Foundation
import IvyArchive
import IvyDomain

/// Whether the copy at a destination is the file the catalog records: there, of its size, and
/// of its hash by the strongest algorithm both sides have. The destination's SHA-256 is
/// compared with the catalog's; a weaker one (S3's MD5) with that of the local file whose
/// SHA-256 matched the catalog in the same reading, or with the one recorded at shipping; with
/// no hash to compare, the copy is downloaded and hashed.
struct RemoteCheck: Sendable {
    let destination: any Destination
    /// Where copies are downloaded to be hashed; each is removed at once.
    let scratch: String

    enum Verdict: Sendable {
        case matches(Catalog.RemoteCopy, downloaded: Bool)
        /// Of the right size, with no hash to compare and no download allowed.
        case sizeMatches
        case differs(RemoteProblem.Kind, String)
        /// The local file is not the one the catalog records: it is no source to check against.
        case localDiffers(String)
    }

    /// - Parameters:
    ///   - path: relative to the archive's root and to the destination.
    ///   - size: bytes the copy must have.
    ///   - sha256: of the right file.
    ///   - recorded: the check made at shipping, whose hash is of the right file too.
    ///   - local: a file believed to be the right one, hashed when the destination reports only
    ///     a hash not known otherwise.
    ///   - download: whether a copy may be downloaded when no hash can be compared; when not,
    ///     size alone decides then.
    /// - Throws: the destination's errors; `BackupError.archive` when a file cannot be read;
    ///   `CancellationError`.
    func check(_ path: String, size: Int64, sha256: String, recorded: Catalog.RemoteCopy? = nil, local: String? = nil,
               download: Bool = true) async throws -> Verdict {
        guard let remote = try await destination.stat(path) else { return .differs(.missing, "not at \(destination.identity)") }
        guard remote.size == size else {
            return .differs(.sizeDiffers, "\(remote.size) bytes at \(destination.identity), \(size) recorded")
        }
        var known: [HashAlgorithm: String] = [.sha256: sha256]
        if let recorded { known[recorded.algorithm] = recorded.hash }
        for algorithm in HashAlgorithm.preference {
            guard let theirs = remote.hashes[algorithm] else { continue }
            if known[algorithm] == nil, let local {
                let digests = try await FileDigest.hex(path: local, [.sha256, algorithm])
                guard digests[.sha256] == sha256 else { return .localDiffers("the archive's file no longer has the catalog's SHA-256 (run verify)") }
                known[algorithm] = digests[algorithm]
            }
            guard let ours = known[algorithm] else { continue }
            guard theirs == ours else { return .differs(.hashDiffers, "\(algorithm.name) at \(destination.identity) differs from the archive's") }
            return .matches(Catalog.RemoteCopy(size: remote.size, algorithm: algorithm, hash: ours), downloaded: false)
        }
        guard download else { return .sizeMatches }
        return try await downloaded(path, sha256: sha256)
    }

    private func downloaded(_ path: String, sha256: String) async throws -> Verdict {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let copy = scratch + "/remote-check-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try await destination.download(path, to: copy)
        let digest = try await FileDigest.sha256(path: copy)
        guard digest == sha256 else { return .differs(.hashDiffers, "SHA-256 of the copy downloaded from \(destination.identity) differs from the archive's") }
        let size = (try? FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int64) ?? 0
        return .matches(Catalog.RemoteCopy(size: size, algorithm: .sha256, hash: digest), downloaded: true)
    }
}
