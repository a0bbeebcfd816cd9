/// What `--version` and `-V` print. `scripts/package.sh` writes the commit and the build date
/// into a copy of this file for the packaged build; a plain `swift build` says it does not know.
enum BuildInfo {
    static let version = "0.2.0"
    static let commit = "unknown"
    static let date = "unknown"

    /// `ivy-archiver 0.2.0 (commit 1a2b3c4, built 2026-11-30)`.
    static var line: String {
        commit == "unknown" ? "ivy-archiver \(version) (built from source; commit and build date unknown)"
            : "ivy-archiver \(version) (commit \(commit), built \(date))"
    }
}
