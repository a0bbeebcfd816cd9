import Foundation
import IvyCloud
import IvyDomain
import IvyMedia

extension Export {
    /// Joins the pieces into `output` (written in `work` with its sidecar, both synced; the
    /// sidecar renamed into place first, the MP4 last); on failure neither is left behind.
    func join(_ plan: ExportPlan, files: [Int64: SourceFile], device: Camera, zone: TimeZone, request: Request,
              output: String, work: String, notes: [String]) async throws -> ExportRecord {
        var notes = notes
        let clock = Self.clock(zone)
        let parts = plan.pieces.map { piece in
            let start = piece.source.start
            let file = files[start]!
            // A hole in a clip gets a chapter of its own, and where the recording resumes another.
            let marks = file.holes.filter { $0.sequence != ClipHole.unknownPlace }.flatMap { hole -> [JoinMark] in
                let from = clock(start + Int64(hole.start.rounded(.down)))
                let to = clock(start + Int64((hole.start + hole.duration).rounded(.down)))
                let what = hole.isUnavailable ? "missing: the cloud did not give \(from) to \(to)" : "no recording from \(from) to \(to)"
                return [JoinMark(at: hole.start, title: what), JoinMark(at: hole.start + hole.duration, title: to)]
            }
            return JoinPart(path: file.path, from: Double(piece.from - start), to: Double(piece.to - start), marks: marks) { offset in
                clock(start + Int64(offset.rounded(.down)))
            }
        }
        let requested = try ExportPlan.Window(from: request.from.resolve(in: zone), to: request.to.resolve(in: zone))
        let temporary = work + "/export.mp4"
        let summary = try await Joiner.join(parts, to: temporary, metadata: RemuxMetadata(
            title: "\(device.name) \(clock(requested.from)) to \(clock(requested.to))",
            creationTime: RecordingTime(plan.pieces[0].from).iso8601()),
            exact: request.exact)

        func instant(_ unix: Double) -> ExportRecord.Instant { Self.instant(unix, zone: zone) }
        var clips: [ExportRecord.Clip] = []
        for (piece, joined) in zip(plan.pieces, summary.parts) {
            let file = files[piece.source.start]!
            let start = Double(piece.source.start)
            clips.append(ExportRecord.Clip(
                start: instant(start), end: instant(Double(piece.source.end)), type: piece.source.type.name,
                source: file.archiveFile == nil ? .cloud : .archive, url: file.url, sha256: file.sha256, file: file.archiveFile,
                used: .init(from: instant(start + joined.from), to: instant(start + joined.to)),
                outputStart: joined.outputStart, outputEnd: joined.outputEnd, reencodedFrames: joined.reencodedFrames,
                holes: file.holes.isEmpty ? nil : file.holes.map {
                    ExportRecord.Hole(from: instant(start + $0.start), to: instant(start + $0.start + $0.duration), missing: $0.unavailableReason)
                }))
            if file.holes.contains(where: \.isUnavailable) {
                notes.append("the clip from \(clock(piece.source.start)) is partial: "
                    + file.holes.filter(\.isUnavailable).map(\.description).joined(separator: "; "))
            }
        }
        // An interruption during the join (which runs to its end on its own thread) still
        // leaves no output behind.
        try Task.checkCancellation()
        try await FileSync.sync(path: temporary)
        let size = (try FileManager.default.attributesOfItem(atPath: temporary)[.size] as? Int64) ?? 0
        let record = ExportRecord(
            createdAt: Self.instant(Date().timeIntervalSince1970, zone: TimeZone(identifier: "UTC")!).time,
            device: .init(mac: device.id, name: device.name, timeZone: zone.identifier),
            requested: .init(from: instant(Double(requested.from)), to: instant(Double(requested.to))),
            actual: .init(from: clips[0].used.from, to: clips[clips.count - 1].used.to),
            mode: request.exact ? .exact : .copy, clips: clips,
            gaps: plan.gaps.map { .init(from: instant(Double($0.from)), to: instant(Double($0.to))) },
            output: .init(file: (output as NSString).lastPathComponent, size: size, sha256: try await FileDigest.sha256(path: temporary),
                          duration: summary.duration, video: summary.video, audio: summary.audio),
            notes: notes.isEmpty ? nil : notes)
        let sidecar = work + "/export.json"
        try record.encoded().write(to: URL(fileURLWithPath: sidecar))
        try await FileSync.sync(path: sidecar)
        // The sidecar first, the MP4 last: an MP4 is never there without its record (a kill
        // between the two leaves a record whose file `export --check` finds missing).
        try await FileSync.rename(sidecar, to: ExportRecord.sidecarPath(for: output))
        do {
            try await FileSync.rename(temporary, to: output)
        } catch {
            try? FileManager.default.removeItem(atPath: ExportRecord.sidecarPath(for: output))
            throw error
        }
        return record
    }

    static func instant(_ unix: Double, zone: TimeZone) -> ExportRecord.Instant {
        ExportRecord.Instant(time: RecordingTime(unix: unix).iso8601(in: zone, milliseconds: true), unix: (unix * 1000).rounded() / 1000)
    }
}
