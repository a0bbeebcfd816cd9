import Foundation
import IvyCloud
import IvyConcurrency
import IvyMedia

extension Export {
    /// The clip file a piece is read from, and what the sidecar says about it.
    struct SourceFile: Sendable {
        var path: String
        var sha256: String
        /// Bytes.
        var size: Int64
        var url: String?
        /// Archive-relative, when it came from the archive.
        var archiveFile: String?
        /// Gaps, and for a partial clip what is missing.
        var holes: [ClipHole] = []
    }

    /// Archived clips that still match their catalog checksum are read in place; every other
    /// clip is fetched from the cloud into `work`, up to `jobs` at a time.
    func files(for pieces: [ExportPlan.Piece], device: String, archive: String?, work: String, jobs: Int,
               events: @escaping @Sendable (Event) -> Void) async throws -> [Int64: SourceFile] {
        var files: [Int64: SourceFile] = [:]
        var fetch: [ExportPlan.Source] = []
        let root = archive.map { ($0 as NSString).standardizingPath }
        // The plan uses each clip once.
        for source in pieces.map(\.source) {
            if let clip = source.archived, let root, let file = clip.file {
                let path = root + "/" + file
                // A digest cut short by cancellation is no reason to fetch the clip again.
                let digest = FileManager.default.fileExists(atPath: path) ? try await valueUnlessCancelled({ try await FileDigest.sha256(path: path) }) : nil
                if let digest, digest == clip.sha256 {
                    files[source.start] = SourceFile(path: path, sha256: digest, size: Self.size(path), url: clip.sourceURL, archiveFile: file, holes: clip.holes)
                    continue
                }
                guard source.listed else {
                    throw ExportError.failed("the archived clip \(file) is missing or does not match its checksum, and the cloud no longer lists it")
                }
                logger.warning("archived clip \(file) is missing or changed: fetching it from the cloud")
            }
            fetch.append(source)
        }
        let client = client, fetcher = fetcher, limiter = limiter
        try await BoundedConcurrency.forEach(fetch, limit: jobs) { source in
            // Started when the link has room for it, as backup's clips are.
            let admission = try await limiter.admission(holding: Remuxer.sampleIndexBytes(forSeconds: Double(source.end - source.start)))
            defer { withExtendedLifetime(admission) {} }
            let path = work + "/clip-\(source.start).mp4"
            let (result, url) = try await fetcher.fetch(recordingOf: device, start: source.start, from: client, to: path,
                                                        temporaryDirectory: work)
            events(.fetched(start: source.start, bytes: Int64(result.bytes)))
            return SourceFile(path: path, sha256: try await FileDigest.sha256(path: path), size: Self.size(path), url: url, holes: result.holes)
        } handle: { index, file in
            files[fetch[index].start] = file
        }
        return files
    }

    /// Bytes; -1 for a file that cannot be read.
    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? -1
    }
}
