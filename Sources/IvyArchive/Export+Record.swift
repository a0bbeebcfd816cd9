import Foundation
import IvyCloud
import IvyDomain
import IvyMedia

extension Export {
    /// Builds the sidecar of a finished join: every clip of the window (joined or not), each
    /// event's chapter, and the summary a person reads first.
    struct RecordMaker {
        let plan: ExportPlan
        let files: [Int64: SourceFile]
        let joined: JoinSummary
        let device: Camera
        let zone: TimeZone
        let request: Request
        let requested: ExportPlan.Window

        func instant(_ unix: Double) -> ExportRecord.Instant { Export.instant(unix, zone: zone) }
        func instant(_ unix: Int64) -> ExportRecord.Instant { instant(Double(unix)) }

        func record(output: ExportRecord.Output, notes: [String], chapterTitle: (ExportPlan.Mark) -> String) -> ExportRecord {
            let clips = clips(chapterTitle: chapterTitle)
            let used = clips.filter { $0.used != nil }
            let actual = ExportRecord.Window(from: used[0].used!.from, to: used[used.count - 1].used!.to)
            let gaps = plan.gaps.map { ExportRecord.Window(from: instant($0.from), to: instant($0.to)) }
            let window = ExportRecord.Window(from: instant(requested.from), to: instant(requested.to))
            let summary = ExportRecord.Summary(
                camera: device.name, model: device.model ?? "unknown", mac: device.id.mac, timeZone: zone.identifier,
                requested: "\(window.from.time) to \(window.to.time) (\(zone.identifier))",
                actual: "\(actual.from.time) to \(actual.to.time) (\(zone.identifier))",
                contents: contents(clips, output: output),
                // Said again at the top: a person reads the summary first, not the end.
                notes: notes.isEmpty ? nil : notes,
                cuts: cuts(clips, requested: window, actual: actual),
                events: clips.compactMap { clip in
                    clip.chapter.map { "\(SummaryWording.span(clip.start, clip.end)) \(clip.type): chapter '\($0.title)' at \(SummaryWording.place($0.at)) in the file" }
                },
                gaps: gapLines(gaps, clips: clips),
                partialClips: clips.compactMap { clip in
                    // Only what is missing from the part of the clip in the file.
                    guard let used = clip.used else { return nil }
                    let missing = (clip.holes ?? []).compactMap { hole -> (ExportRecord.Instant, ExportRecord.Instant, String)? in
                        guard let reason = hole.missing else { return nil }
                        let from = max(hole.from.unix, used.from.unix), to = min(hole.to.unix, used.to.unix)
                        return to - from >= 0.001 ? (instant(from), instant(to), reason) : nil
                    }
                    guard !missing.isEmpty else { return nil }
                    return "\(SummaryWording.clip(clip)) is partial: "
                        + missing.map { "\(SummaryWording.span($0.0, $0.1)) missing (\($0.2))" }.joined(separator: "; ")
                },
                tool: request.tool,
                createdAt: instant(Date().timeIntervalSince1970.rounded()).time,
                signature: request.signingKey.map { key in
                    "Ed25519 (RFC 8032) over the bytes of this file exactly as written; the signature is in "
                        + "\(output.file).json.sig (base64); public key fingerprint \(key.publicKey.fingerprint)"
                } ?? ExportRecord.Summary.notSigned)
            return ExportRecord(
                summary: summary,
                device: .init(name: device.name, model: device.model ?? "unknown", mac: device.id, timeZone: zone.identifier),
                requested: window, actual: actual, mode: request.exact ? .exact : .copy, clips: clips, gaps: gaps, output: output,
                notes: notes.isEmpty ? nil : notes)
        }

        /// Every clip of the window in time order: the joined ones with what of them is where in
        /// the file, the others with why not; events with their chapter.
        func clips(chapterTitle: (ExportPlan.Mark) -> String) -> [ExportRecord.Clip] {
            plan.clips.enumerated().map { index, source in
                var clip = ExportRecord.Clip(start: instant(source.start), end: instant(source.end), type: source.type.name)
                if let mark = plan.marks.first(where: { $0.starting.contains(index) }) {
                    clip.chapter = .init(title: chapterTitle(mark), at: place(mark.at, piece: mark.piece))
                }
                guard let position = plan.pieces.firstIndex(where: { $0.clip == index }) else {
                    let shown = max(source.start, requested.from)
                    let by = plan.pieces.first { $0.from <= shown && shown < $0.to }
                    clip.note = "not joined: " + (by.map { "its time is in the file from the \($0.source.type.name) clip from \(instant($0.source.start).time)" }
                        ?? "it holds less than a second of the window")
                    return clip
                }
                let file = files[source.start]!, part = joined.parts[position], start = Double(source.start)
                clip.used = .init(from: instant(start + part.from), to: instant(start + part.to))
                clip.outputStart = part.outputStart
                clip.outputEnd = part.outputEnd
                clip.reencodedFrames = part.reencodedFrames
                clip.source = file.archiveFile == nil ? .cloud : .archive
                clip.file = file.archiveFile
                clip.url = file.url.map(Self.withoutQuery)
                clip.size = file.size
                clip.sha256 = file.sha256
                clip.holes = file.holes.isEmpty ? nil : file.holes.map {
                    ExportRecord.Hole(from: instant(start + $0.start), to: instant(start + $0.start + $0.duration), missing: $0.unavailableReason)
                }
                return clip
            }
        }

        /// Where wall-clock second `at`, shown by piece `piece`, sits in the file (seconds). A
        /// second at the piece's planned start is where the piece starts in the file, even when
        /// a keyframe cut put earlier frames before it: its chapter starts there (see `join`).
        func place(_ at: Int64, piece: Int) -> Double {
            let part = joined.parts[piece]
            guard at > plan.pieces[piece].from else { return part.outputStart }
            let offset = Double(at - plan.pieces[piece].source.start)
            return ((part.outputStart + max(0, offset - part.from)) * 1000).rounded() / 1000
        }

        /// A URL as a record keeps it: no query, no fragment (a signed URL's signature and
        /// expiry say nothing about the recording).
        static func withoutQuery(_ url: String) -> String {
            String(url[..<(url.firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex)])
        }

        func contents(_ clips: [ExportRecord.Clip], output: ExportRecord.Output) -> String {
            let used = clips.filter { $0.used != nil }
            let archived = used.count { $0.source == .archive }
            let media = [output.video, output.audio.map { "\($0) audio" }].compactMap { $0 }.joined(separator: ", ")
            var text = "\(SummaryWording.duration(output.duration)) of video (\(media)) joined from \(SummaryWording.plural(used.count, "clip")) "
                + "(\(archived) from the archive, \(used.count - archived) from the cloud)"
            let left = clips.count - used.count
            if left > 0 {
                text += "; \(SummaryWording.plural(left, "other clip")) in the window \(left == 1 ? "is" : "are") listed, not joined: "
                    + (left == 1 ? "its time is" : "their time is") + " in the file from the clips joined"
            }
            return text
        }

        /// What was cut: the ends of the file against the window, the unused parts of the first
        /// and last clips, and seconds shown twice where a keyframe cut reaches back.
        func cuts(_ clips: [ExportRecord.Clip], requested: ExportRecord.Window, actual: ExportRecord.Window) -> [String] {
            let used = clips.filter { $0.used != nil }
            let frames = used.reduce(0) { $0 + ($1.reencodedFrames ?? 0) }
            var lines = [request.exact
                ? "exact cuts (--exact): the file starts and ends on the requested instants; \(SummaryWording.plural(frames, "frame")) re-encoded, the rest copied"
                : "cuts on keyframes: the video is copied, not re-encoded, so the file holds at least the requested window"]
            let early = requested.from.unix - actual.from.unix, late = actual.to.unix - requested.to.unix
            if used[0].start.unix > requested.from.unix {
                lines.append("nothing was recorded from \(requested.from.time) to \(used[0].start.time): the file starts there")
            } else if abs(early) >= 0.001 {
                lines.append("the file starts \(SummaryWording.duration(abs(early))) \(early > 0 ? "before" : "after") the requested start, on the frame at \(actual.from.time)")
            }
            if let last = used.last, last.end.unix < requested.to.unix {
                lines.append("nothing was recorded from \(last.end.time) to \(requested.to.time): the file ends there")
            } else if abs(late) >= 0.001 {
                lines.append("the file ends \(SummaryWording.duration(abs(late))) \(late > 0 ? "after" : "before") the requested end, at \(actual.to.time)")
            }
            // What of the first and the last clip lies outside the file (one clip: both ends).
            var ends: [(clip: ExportRecord.Clip, name: String, left: [String])] = []
            let edges = used.count == 1 ? [(used[0], "the clip", true, true)]
                : [(used[0], "the first clip", true, false), (used[used.count - 1], "the last clip", false, true)]
            for (clip, name, start, end) in edges {
                var left: [String] = []
                if start, let from = clip.used?.from, from.unix - clip.start.unix >= 0.001 { left.append(SummaryWording.span(clip.start, from)) }
                if end, let to = clip.used?.to, clip.end.unix - to.unix >= 0.001 { left.append(SummaryWording.span(to, clip.end)) }
                if !left.isEmpty { ends.append((clip, name, left)) }
            }
            for end in ends {
                lines.append("of \(end.name) (\(end.clip.type), \(end.clip.start.time) to \(end.clip.end.time)), "
                    + end.left.joined(separator: " and ") + (end.left.count == 1 ? " is" : " are") + " left out")
            }
            for (before, clip) in zip(used, used.dropFirst()) {
                guard let previousEnd = before.used?.to, let from = clip.used?.from else { continue }
                if from.unix < previousEnd.unix - 0.001 {
                    lines.append("\(SummaryWording.span(from, previousEnd)) is in the file twice: \(SummaryWording.clip(clip)) starts on its keyframe "
                        + "before the end of the clip before it")
                }
                if from.unix - clip.start.unix >= 0.001 {
                    lines.append("of \(SummaryWording.clip(clip)), \(SummaryWording.span(clip.start, from)) is left out: the clip before shows that time")
                }
            }
            return lines
        }

        /// The window's gaps with their place in the file, and the gaps inside clips: only
        /// what of them lies in the part of the clip that is in the file (a hole of a long
        /// continuous clip minutes before the window is not in the file, and the cuts already
        /// say that part was left out).
        func gapLines(_ gaps: [ExportRecord.Window], clips: [ExportRecord.Clip]) -> [String] {
            var lines = zip(plan.gaps, gaps).map { planned, gap in
                let before = plan.pieces.firstIndex { $0.to == planned.from }
                return "\(SummaryWording.span(gap.from, gap.to)): nothing recorded; cut out"
                    + (before.map { ", the file goes on from \(gap.to.time) at \(SummaryWording.place(joined.parts[$0].outputEnd))" } ?? "")
            }
            for clip in clips {
                guard let used = clip.used else { continue }
                for hole in clip.holes ?? [] where hole.missing == nil {
                    let from = max(hole.from.unix, used.from.unix), to = min(hole.to.unix, used.to.unix)
                    guard to - from >= 0.001 else { continue }
                    // The same words as `ls` and the pages use for an EXT-X-GAP stretch.
                    lines.append("inside \(SummaryWording.clip(clip)): no recording from \(SummaryWording.span(instant(from), instant(to))) "
                        + "(the camera recorded nothing there)")
                }
            }
            return lines
        }
    }
}

