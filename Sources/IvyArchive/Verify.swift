import Foundation
import IvyMedia
import IvyConcurrency

/// Checks every archived clip against the catalog: the file is there, with its size and
/// SHA-256, and opens as media of the expected length.
public enum Verify {
    public struct Problem: Sendable, Codable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// A clip archived with holes: known, not a problem of the archive (backup reported it).
    public struct PartialClip: Sendable, Codable, CustomStringConvertible {
        public var file: String
        public var holes: [ClipHole]
        public var description: String { "\(file): partial, " + holes.map(\.description).joined(separator: "; ") }
    }

    public struct Report: Sendable, Codable {
        public var checked = 0
        public var problems: [Problem] = []
        public var partial: [PartialClip] = []
    }

    /// Durations may differ by a segment from the cloud's listing.
    static let durationTolerance = 5.0

    /// Hashing and probing run on threads made for blocking work; a cancelled task stops at
    /// the clip (or the MiB of it) under way.
    ///
    /// - Throws: `CatalogError` when the catalog is missing or damaged (`PRAGMA quick_check`);
    ///   `ArchiveFolderError` when the folder is not an archive; `CancellationError`.
    public static func run(archive: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let folder = try ArchiveFolder.open(archive)
        let root = folder.root
        let clips = try await Catalog(path: folder.catalogPath, readOnly: true).archived()
        var report = Report()
        for (index, clip) in clips.enumerated() {
            try Task.checkCancellation()
            progress(index + 1, clips.count)
            report.checked += 1
            guard let file = clip.file else { continue }
            if clip.state == .partial { report.partial.append(PartialClip(file: file, holes: clip.holes.filter(\.isUnavailable))) }
            let full = root + "/" + file
            func problem(_ reason: String) { report.problems.append(Problem(file: file, reason: reason)) }
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full), let size = attributes[.size] as? Int64 else {
                problem("missing")
                continue
            }
            if let expected = clip.size, expected != size {
                problem("size \(size) bytes, the catalog says \(expected)")
                continue
            }
            if let expected = clip.sha256 {
                if try await valueUnlessCancelled({ try await FileDigest.sha256(path: full) }) != expected {
                    problem("SHA-256 does not match the catalog")
                    continue
                }
            }
            do {
                let info = try await MediaInfo.probe(path: full)
                if let expected = clip.duration, let duration = info.duration, abs(duration - expected) > durationTolerance {
                    problem("lasts \(Int(duration)) s, the recording \(Int(expected)) s")
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                problem("does not open as media: \(error)")
            }
        }
        return report
    }
}
