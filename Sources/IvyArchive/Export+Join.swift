import Foundation
import IvyCloud
import IvyDomain
import IvyMedia

extension Export {
    /// Joins the pieces into `output` (written in `work` with its sidecar, both synced; the
    /// sidecar, and its signature, renamed into place first, the MP4 last); on failure none of
    /// them is left behind.
    func join(_ plan: ExportPlan, files: [Int64: SourceFile], device: Camera, zone: TimeZone, request: Request,
              output: String, work: String, notes: [String]) async throws -> ExportRecord {
        let clock = Self.clock(zone)
        let parts = plan.pieces.enumerated().map { index, piece in
            let start = piece.source.start
            let file = files[start]!
            // A hole in a clip gets a chapter of its own, and where the recording resumes another.
            var marks = file.holes.filter { $0.sequence != ClipHole.unknownPlace }.flatMap { hole -> [JoinMark] in
                let from = clock(start + Int64(hole.start.rounded(.down)))
                let to = clock(start + Int64((hole.start + hole.duration).rounded(.down)))
                let what = hole.isUnavailable ? "missing: the cloud did not give \(from) to \(to)" : "no recording from \(from) to \(to)"
                return [JoinMark(at: hole.start, title: what), JoinMark(at: hole.start + hole.duration, title: to)]
            }
            // Events: a chapter where each starts, and where the last running one ends. A mark
            // on the piece's own start (an event that began before --from, or before the clip
            // before it ended) is not a chapter of its own: the piece's chapter, which starts
            // there or earlier (a keyframe cut reaches back), takes the event's title.
            let from = Double(piece.from - start)
            let events = plan.marks.filter { $0.piece == index }.map { (at: Double($0.at - start), title: Self.title($0, plan: plan, clock: clock)) }
            marks += events.filter { $0.at > from }.map { JoinMark(at: $0.at, title: $0.title) }
            return JoinPart(path: file.path, from: from, to: Double(piece.to - start), marks: marks) { offset in
                events.last { $0.at <= max(offset, from) + 0.000_001 }?.title ?? clock(start + Int64(offset.rounded(.down)))
            }
        }
        let requested = try ExportPlan.Window(from: request.from.resolve(in: zone), to: request.to.resolve(in: zone))
        let temporary = work + "/export.mp4"
        let joined = try await Joiner.join(parts, to: temporary, metadata: RemuxMetadata(
            title: "\(device.name) \(clock(requested.from)) to \(clock(requested.to))",
            creationTime: RecordingTime(plan.pieces[0].from).iso8601()),
            exact: request.exact)
        // An interruption during the join (which runs to its end on its own thread) still
        // leaves no output behind.
        try Task.checkCancellation()
        try await FileSync.sync(path: temporary)
        let made = RecordMaker(plan: plan, files: files, joined: joined, device: device, zone: zone, request: request, requested: requested)
        let record = made.record(output: .init(file: (output as NSString).lastPathComponent, size: Self.size(temporary),
                                               sha256: try await FileDigest.sha256(path: temporary), duration: joined.duration,
                                               video: joined.video, audio: joined.audio),
                                 notes: notes, chapterTitle: { Self.title($0, plan: plan, clock: clock) })
        let sidecar = work + "/export.json"
        let bytes = try record.encoded()
        try bytes.write(to: URL(fileURLWithPath: sidecar))
        try await FileSync.sync(path: sidecar)
        let signature = work + "/export.json.sig"
        if let key = request.signingKey {
            try Data(ExportSignature.sign(bytes, with: key).utf8).write(to: URL(fileURLWithPath: signature))
            try await FileSync.sync(path: signature)
        }
        // The sidecar first, the MP4 last: an MP4 is never there without its record (a kill
        // between the two leaves a record whose file `export --check` finds missing). The
        // signature goes before its sidecar; an old one (--force without --sign-key) goes.
        let finalSignature = ExportSignature.signaturePath(for: ExportRecord.sidecarPath(for: output))
        if request.signingKey != nil {
            try await FileSync.rename(signature, to: finalSignature)
        } else if FileManager.default.fileExists(atPath: finalSignature) {
            try FileManager.default.removeItem(atPath: finalSignature)
        }
        try await FileSync.rename(sidecar, to: ExportRecord.sidecarPath(for: output))
        do {
            try await FileSync.rename(temporary, to: output)
        } catch {
            try? FileManager.default.removeItem(atPath: ExportRecord.sidecarPath(for: output))
            try? FileManager.default.removeItem(atPath: finalSignature)
            throw error
        }
        return record
    }

    /// An event chapter's title: `2026-11-25 14:03:12 motion` (its own start, in the camera's
    /// zone, even when it began before the window); where two start together, both types;
    /// where the last running event ends, the wall-clock time alone.
    static func title(_ mark: ExportPlan.Mark, plan: ExportPlan, clock: (Int64) -> String) -> String {
        guard let first = mark.starting.first else { return clock(mark.at) }
        let events = mark.starting.map { plan.clips[$0] }
        if events.allSatisfy({ $0.start == events[0].start }) {
            return "\(clock(plan.clips[first].start)) " + events.map(\.type.name).joined(separator: " + ")
        }
        return events.map { "\(clock($0.start)) \($0.type.name)" }.joined(separator: ", ")
    }

    static func instant(_ unix: Double, zone: TimeZone) -> ExportRecord.Instant {
        ExportRecord.Instant(time: RecordingTime(unix: unix).iso8601(in: zone, milliseconds: true), unix: (unix * 1000).rounded() / 1000)
    }
}
