import Foundation
import IvyArchive

extension ExportCommand {
    /// `--check FILE.mp4`: the MP4 against its sidecar, the signature, and the source clips in
    /// the archive, each said apart (a changed source clip does not make the MP4 wrong, and a
    /// signature that was not checked is said on the line that says the MP4 matches). Exit 1
    /// when anything differs or a signature asked for cannot be checked, or when every source
    /// clip from the archive was pruned by keep_days (some pruned, the rest matching: exit 0,
    /// with a note for each: deleting old clips on purpose is not tampering).
    func verify(_ file: String) async throws {
        let key = try publicKey.map(ExportPublicKey.load)
        let report = try await ExportRecord.verify(file, publicKey: key, archive: archive)
        if global.json {
            try Output.json(CheckReport(file: file, report: report))
        } else {
            Self.lines(file, report: report, key: key, archive: archive).forEach { print($0) }
        }
        if let failure = Self.failure(file, report: report, archive: archive) { throw failure }
    }

    /// `--json`: everything at once, each part apart.
    struct CheckReport: Encodable {
        var file: String
        /// Nothing differs.
        var matches: Bool
        /// The MP4 is what its sidecar records.
        var fileMatches: Bool
        var problems: [String]
        var fileProblems: [String]
        var signatureProblems: [String]
        var sourceProblems: [String]
        var signature: ExportRecord.Verification.Signature
        var signingKeyFingerprint: String?
        var sourcesChecked: Int
        var sourcesDiffering: Int
        /// Of the differing ones, those missing from the archive.
        var sourcesMissing: Int
        /// Source clips not checked because keep_days deleted them (the catalog says `pruned`).
        var sourcesPruned: Int
        var notes: [String]

        init(file: String, report: ExportRecord.Verification) {
            self.file = file
            matches = report.problems.isEmpty
            fileMatches = report.fileProblems.isEmpty
            problems = report.problems
            fileProblems = report.fileProblems
            signatureProblems = report.signatureProblems
            sourceProblems = report.sourceProblems
            signature = report.signature
            signingKeyFingerprint = report.signingKeyFingerprint
            sourcesChecked = report.sourcesChecked
            sourcesDiffering = report.sourcesDiffering
            sourcesMissing = report.sourcesMissing
            sourcesPruned = report.sourcesPruned
            notes = report.notes
        }
    }

    /// What a person reads on stdout: the MP4 and its signature first, then the source clips.
    static func lines(_ file: String, report: ExportRecord.Verification, key: ExportPublicKey?, archive: String?) -> [String] {
        var lines = report.fileProblems.map { "\(file): \($0)" }
        // The MP4 matching is said even when the signature is bad: the two are apart.
        if report.fileProblems.isEmpty { lines.append("\(file): matches its record" + signatureClause(report, key: key)) }
        lines += report.signatureProblems.map { "\(file): \($0)" }
        if let archive {
            if !report.sourceProblems.isEmpty {
                if report.sourcesDiffering > 0 { lines.append("\(file): \(differing(report)) from the archive \(archive):") }
                lines += report.sourceProblems.map { "\(file): \($0)" }
                if report.noSourceInArchive { lines.append("\(file): \(wrongArchive(report, archive: archive))") }
            } else if report.sourcesChecked == 0 {
                lines.append("\(file): no source clip of it came from the archive: nothing there to check")
            } else {
                lines.append("\(file): " + (report.sourcesChecked == 1 ? "its source clip matches the archive"
                    : "all \(report.sourcesChecked) source clips match the archive"))
            }
        }
        return lines + report.notes.map { "\(file): NOTE \($0)" }
    }

    /// The exit-1 line on stderr, or `nil` when nothing differs.
    static func failure(_ file: String, report: ExportRecord.Verification, archive: String?) -> CheckFailed? {
        func first(_ problems: [String]) -> String { problems[0] + (problems.count > 1 ? " (and \(problems.count - 1) more)" : "") }
        if !report.fileProblems.isEmpty { return CheckFailed(message: "\(file) does not match its record: \(first(report.fileProblems))") }
        if !report.signatureProblems.isEmpty {
            // A sidecar without a signature is not a difference: what was asked cannot be done.
            // A bad one is: but the MP4 still is what the (unvouched) sidecar records.
            return CheckFailed(message: report.signature == .unsigned ? "\(file): \(report.signatureProblems[0])"
                : "\(file) matches its record, but the signature is bad: \(first(report.signatureProblems))")
        }
        guard !report.sourceProblems.isEmpty else { return nil }
        let hint = report.noSourceInArchive ? "; \(wrongArchive(report, archive: archive ?? "the archive"))" : ""
        let what = report.sourcesDiffering > 0 ? "\(differing(report)) from the archive" : "the source clips cannot be checked"
        return CheckFailed(message: "\(file) matches its record, but \(what): \(first(report.sourceProblems))\(hint)")
    }

    /// `; signature good (public key SHA256:...)`, `; its signature (key SHA256:...) was NOT
    /// checked: ...`, `; not signed`.
    static func signatureClause(_ report: ExportRecord.Verification, key: ExportPublicKey?) -> String {
        switch report.signature {
        case .valid: return "; signature good" + (key.map { " (public key \($0.fingerprint))" } ?? "")
        case .invalid: return "; signature BAD" + (key.map { " (public key \($0.fingerprint))" } ?? "")
        // Matching hashes alone prove nothing against someone who rewrote the sidecar too.
        case .unchecked:
            return "; its signature" + (report.signingKeyFingerprint.map { " (key \($0))" } ?? "") + " was NOT checked: give --public-key KEY.pub.pem"
        case .unsigned: return "; not signed"
        }
    }

    /// `2 of 3 source clips differ`, `1 of 3 source clips differs`, `its source clip differs`.
    private static func differing(_ report: ExportRecord.Verification) -> String {
        report.sourcesChecked == 1 ? "its source clip differs"
            : "\(report.sourcesDiffering) of \(report.sourcesChecked) source clips differ\(report.sourcesDiffering == 1 ? "s" : "")"
    }

    private static func wrongArchive(_ report: ExportRecord.Verification, archive: String) -> String {
        (report.sourcesChecked == 1 ? "the source clip is not in \(archive)" : "none of the \(report.sourcesChecked) source clips is in \(archive)")
            + ": is it the archive the export was made from?"
    }
}
