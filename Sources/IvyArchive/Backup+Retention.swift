import Foundation
import IvyCloud
import IvyDomain

extension Backup {
    /// Clips still missing after the run that the cloud deletes within `expiryWarning`, or has
    /// deleted already (those become `lost`, reported once). The cloud's retention comes from
    /// `Options.retention` or each camera's plan; a camera whose plan does not say gets no
    /// warning rather than a guessed one.
    /// A clip the cloud `listed` in this run is never taken for deleted, whatever the plan says.
    func expiring(_ context: Context, cameras: [Plan.Camera], listed: [CameraID: Set<Int64>], now: Int64) async throws -> [Summary.Warning] {
        var warnings: [Summary.Warning] = []
        for camera in cameras {
            let mac = camera.id
            let missing = try await context.catalog.pending(mac)
            guard !missing.isEmpty, let retention = await retention(of: camera.device.macAddr, options: context.options) else { continue }
            for clip in missing {
                let left = clip.start + retention - now
                let message: String, kind: Summary.Warning.Kind
                if clip.state == .partial {
                    // Its file keeps what could be had; past the retention there is no more to get.
                    guard left > 0, left <= context.options.expiryWarning else { continue }
                    message = "is partial (\(clip.holes.filter(\.isUnavailable).map(\.description).joined(separator: "; "))) "
                        + "and the cloud deletes it in about \(max(1, left / 3600)) h"
                    kind = .partialExpiring
                } else if left <= 0, listed[mac]?.contains(clip.start) == true {
                    message = "is past its plan's retention, still missing, and the cloud may delete it any moment"
                    kind = .overdue
                } else if left <= 0 {
                    try await context.catalog.mark(.lost, clip.key)
                    message = "was deleted by the cloud before it could be archived"
                    kind = .lost
                } else if left <= context.options.expiryWarning {
                    message = "is still missing and the cloud deletes it in about \(max(1, left / 3600)) h"
                    kind = .expiring
                } else {
                    continue
                }
                warnings.append(.init(device: mac, start: clip.start, message: message, kind: kind))
                context.events(.warning(device: mac, start: clip.start, message: message))
            }
        }
        return warnings
    }

    private func retention(of mac: String, options: Options) async -> Int64? {
        if let retention = options.retention { return retention }
        do {
            return try await client.currentService(mac: mac).retentionSeconds
        } catch {
            logger.debug("no retention for \(mac): \(error)")
            return nil
        }
    }

    /// Deletes archived clips from days older than `keepDays` (each camera's own days), keeps
    /// them in the catalog as `pruned` so that no later run fetches them again, and removes the
    /// folders this leaves empty.
    func prune(_ context: Context, keepDays: Int, now: Int64) async throws -> Int {
        let clips = try await pruneCandidates(context, keepDays: keepDays, now: now)
        let folder = ArchiveFolder(root: context.root)
        for clip in clips {
            if let file = clip.file {
                try folder.removeClip(file: file)
                context.events(.pruned(path: file))
            }
            try await context.catalog.mark(.pruned, clip.key)
        }
        return clips.count
    }

    /// The archived clips from days older than `keepDays`, each camera's days in its own zone.
    func pruneCandidates(_ context: Context, keepDays: Int, now: Int64) async throws -> [Catalog.Clip] {
        var cutoffs: [CameraID: Int64] = [:]
        var candidates: [Catalog.Clip] = []
        for clip in try await context.catalog.archived() {
            let cutoff = try cutoffs[clip.camera]
                ?? ArchiveFolder.keepCutoff(keepDays: keepDays, now: now, timeZone: context.options.timeZone(of: clip.camera))
            cutoffs[clip.camera] = cutoff
            if clip.start < cutoff { candidates.append(clip) }
        }
        return candidates
    }
}
