import Foundation
import IvyDomain

extension ExportRecord {
    /// What `verify` found, apart: the MP4 against its sidecar, the signature, and the source
    /// clips in the archive (a changed source clip says nothing about the MP4, and a person
    /// must be told which of them differs).
    public struct Verification: Sendable, Encodable {
        public enum Signature: String, Sendable, Encodable {
            /// No `FILE.mp4.json.sig`.
            case unsigned
            /// Signed, but no public key was given to check it with.
            case unchecked
            case valid
            case invalid
        }

        /// The sidecar's format (`ivy-archiver-export/1` or `/2`).
        public var format: String
        /// How the MP4 differs from its sidecar (size, SHA-256); empty: it is what was exported.
        public var fileProblems: [String] = []
        /// Why the signature does not vouch for the sidecar, when a public key was given.
        public var signatureProblems: [String] = []
        /// How source clips in the archive differ from the sidecar or the catalog, and a
        /// missing catalog.
        public var sourceProblems: [String] = []
        public var signature: Signature
        /// The fingerprint of the key the sidecar says it was signed with (from its summary).
        public var signingKeyFingerprint: String?
        /// Source clips re-checked against the archive.
        public var sourcesChecked = 0
        /// Of them, those that differ (missing, changed, not in the catalog).
        public var sourcesDiffering = 0
        /// Of them, those missing from the archive (not those `keep_days` pruned).
        public var sourcesMissing = 0
        /// Source clips not in the archive because `--keep-days` (`keep_days`) deleted them:
        /// the catalog marks them `pruned`. Not counted in `sourcesChecked`; each is said in
        /// `notes` (not tampering, so not a problem), or, when no source clip at all is left to
        /// check, in `sourceProblems` (what `--archive` asked cannot be done).
        public var sourcesPruned = 0
        /// What was not checked, and why.
        public var notes: [String] = []

        /// Everything that differs: the MP4's problems, the signature's, the source clips'.
        public var problems: [String] { fileProblems + signatureProblems + sourceProblems }

        /// Every source clip checked is missing, and the catalog does not say `keep_days`
        /// pruned them: more likely the wrong archive than a lost one.
        public var noSourceInArchive: Bool { sourcesChecked > 0 && sourcesMissing == sourcesChecked }
    }

    /// The fields `verify` needs, in both formats (`/1` had no sizes of source clips).
    private struct Checkable: Decodable {
        struct Device: Decodable { var mac: CameraID }
        struct Clip: Decodable {
            var start: Instant
            var type: String
            var file: String?
            var size: Int64?
            var sha256: String?
        }
        struct Output: Decodable {
            var size: Int64
            var sha256: String
        }
        struct Summary: Decodable { var signature: String? }
        var format: String
        /// `nil` in `/1` sidecars.
        var summary: Summary?
        var device: Device
        var clips: [Clip]
        var output: Output
    }

    /// Checks an exported file against its sidecar: its size and SHA-256; with `publicKey`,
    /// the sidecar's signature (`ExportSignature`); with `archive`, every source clip the
    /// sidecar names from the archive: still there, its size and SHA-256 those of the sidecar
    /// and of the catalog. A clip the catalog marks `pruned` (deleted by `keep_days`) is not
    /// there to check: a note, or a source problem when no source clip is left to check.
    ///
    /// - Throws: `ExportError.refused` when the file or its sidecar is missing or unreadable,
    ///   or the archive is not one; `CancellationError`.
    public static func verify(_ path: String, publicKey: ExportPublicKey? = nil, archive: String? = nil) async throws -> Verification {
        let sidecar = sidecarPath(for: path)
        guard FileManager.default.fileExists(atPath: path) else {
            // A sidecar left alone says the MP4 was moved or deleted, not that the path is wrong.
            throw ExportError.refused(FileManager.default.fileExists(atPath: sidecar)
                ? "\(path) does not exist, but its sidecar \(sidecar) does" : "\(path) does not exist")
        }
        guard let data = FileManager.default.contents(atPath: sidecar) else {
            throw ExportError.refused("\(sidecar) does not exist: there is nothing to check \(path) against")
        }
        guard let record = try? JSONDecoder().decode(Checkable.self, from: data) else {
            throw ExportError.refused("\(sidecar) is not an IvyArchiver export record")
        }
        guard readableFormats.contains(record.format) else {
            throw ExportError.refused("\(sidecar) is in the format \(record.format), which this version does not know (it reads \(readableFormats.joined(separator: ", ")))")
        }
        let folder = try archive.map { try ArchiveFolder.open($0) }

        let signatureFile = FileManager.default.contents(atPath: ExportSignature.signaturePath(for: sidecar))
        var report = Verification(format: record.format, signature: signatureFile == nil ? .unsigned : .unchecked)
        report.signingKeyFingerprint = record.summary.flatMap { ExportRecord.Summary.fingerprint(in: $0.signature) }
        let size = Export.size(path)
        if size != record.output.size { report.fileProblems.append("size is \(size) bytes, the record says \(record.output.size)") }
        let digest = try await FileDigest.sha256(path: path)
        if digest != record.output.sha256 { report.fileProblems.append("SHA-256 is \(digest), the record says \(record.output.sha256)") }

        // Without a public key the signature is not judged: `signature` says `unchecked`.
        if let publicKey {
            let name = (sidecar as NSString).lastPathComponent
            if let signatureFile {
                let valid = ExportSignature.verify(data, signatureFile: signatureFile, with: publicKey)
                report.signature = valid ? .valid : .invalid
                if !valid {
                    report.signatureProblems.append("the signature in \(name).sig does not match the sidecar: the sidecar was changed "
                        + "after it was signed, or signed with another key than \(publicKey.fingerprint)")
                }
            } else {
                report.signatureProblems.append("cannot check the signature: \(name) is not signed (there is no \(name).sig)")
            }
        }

        if let folder { try await checkSources(record, archive: folder, into: &report) }
        return report
    }

    /// Each clip the sidecar says came from the archive, against the file there now and the
    /// catalog's record of it.
    private static func checkSources(_ record: Checkable, archive: ArchiveFolder, into report: inout Verification) async throws {
        let catalog = FileManager.default.fileExists(atPath: archive.catalogPath) ? try Catalog(path: archive.catalogPath, readOnly: true) : nil
        if catalog == nil { report.sourceProblems.append("the archive \(archive.root) has no catalog to check the source clips against") }
        let fromCloud = record.clips.count { $0.file == nil && $0.sha256 != nil }
        if fromCloud > 0 {
            report.notes.append("\(fromCloud) source clip\(fromCloud == 1 ? " was" : "s were") fetched from the cloud for the export: not in the archive to re-check")
        }
        var pruned: [String] = []
        for clip in record.clips {
            guard let file = clip.file, let recorded = clip.sha256 else { continue }
            let name = "source clip \(file) (\(clip.type) from \(clip.start.time))"
            let path = archive.root + "/" + file
            let known = try await catalog?.clip(ClipKey(camera: record.device.mac, start: Int64(clip.start.unix.rounded())))
            guard FileManager.default.fileExists(atPath: path) || known?.state != .pruned else {
                // Deleted on purpose by the retention the archive was told to keep: not a
                // difference, and not a sign of the wrong archive.
                pruned.append("\(name) was pruned from the archive by keep_days: not there to check")
                report.sourcesPruned += 1
                continue
            }
            report.sourcesChecked += 1
            guard FileManager.default.fileExists(atPath: path) else {
                report.sourceProblems.append("\(name) is missing from the archive")
                report.sourcesMissing += 1
                report.sourcesDiffering += 1
                continue
            }
            var problems: [String] = []
            let size = Export.size(path)
            if let expected = clip.size, size != expected { problems.append("\(name) is \(size) bytes, the sidecar says \(expected)") }
            let digest = try await FileDigest.sha256(path: path)
            if digest != recorded { problems.append("\(name) changed: its SHA-256 is \(digest), the sidecar says \(recorded)") }
            if catalog != nil {
                if let known, known.file == file {
                    if let catalogued = known.sha256, catalogued != recorded {
                        problems.append("the catalog's SHA-256 of \(name) is \(catalogued), the sidecar says \(recorded)")
                    }
                    if let catalogued = known.size, catalogued != size { problems.append("the catalog says \(name) is \(catalogued) bytes, it is \(size)") }
                } else {
                    problems.append("\(name) is not in the archive's catalog")
                }
            }
            if !problems.isEmpty { report.sourcesDiffering += 1 }
            report.sourceProblems += problems
        }
        // Pruned clips alone: nothing the archive check was asked for could be done.
        if report.sourcesChecked == 0 { report.sourceProblems += pruned } else { report.notes += pruned }
    }
}
