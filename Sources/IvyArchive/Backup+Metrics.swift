public import Foundation

/// Prometheus text format for node_exporter's textfile collector: written to a temporary file
/// and renamed, so the collector never reads half a file.
extension Backup.Summary {
    public func prometheusText(finishedAt: Date, durationSeconds: Double) -> String {
        var lines = [
            "# HELP ivy_archiver_clips_archived Clips archived by the last backup.",
            "# TYPE ivy_archiver_clips_archived gauge",
            "ivy_archiver_clips_archived \(archived)",
            "# HELP ivy_archiver_clips_skipped Clips the last backup found already archived.",
            "# TYPE ivy_archiver_clips_skipped gauge",
            "ivy_archiver_clips_skipped \(skipped)",
            "# HELP ivy_archiver_clips_failed Clips the last backup could not archive.",
            "# TYPE ivy_archiver_clips_failed gauge",
            "ivy_archiver_clips_failed \(failures.count)",
            "# HELP ivy_archiver_bytes_archived Bytes written by the last backup.",
            "# TYPE ivy_archiver_bytes_archived gauge",
            "ivy_archiver_bytes_archived \(bytes)",
            "# HELP ivy_archiver_clips_partial Clips the last backup archived with holes (segments the cloud did not give).",
            "# TYPE ivy_archiver_clips_partial gauge",
            "ivy_archiver_clips_partial \(partial.count)",
            "# HELP ivy_archiver_clips_unfinished Clips the last backup left for the next run when its deadline came.",
            "# TYPE ivy_archiver_clips_unfinished gauge",
            "ivy_archiver_clips_unfinished \(unfinished)",
            "# HELP ivy_archiver_clips_expiring Missing clips the cloud deletes within a day, or has deleted.",
            "# TYPE ivy_archiver_clips_expiring gauge",
            "ivy_archiver_clips_expiring \(warnings.count)",
            "# HELP ivy_archiver_clips_pruned Archived clips the last backup deleted (keep_days).",
            "# TYPE ivy_archiver_clips_pruned gauge",
            "ivy_archiver_clips_pruned \(pruned)",
            "# HELP ivy_archiver_duration_seconds How long the last backup took.",
            "# TYPE ivy_archiver_duration_seconds gauge",
            "ivy_archiver_duration_seconds \(String(format: "%.3f", durationSeconds))",
            "# HELP ivy_archiver_last_run_timestamp_seconds When the last backup finished (unix time).",
            "# TYPE ivy_archiver_last_run_timestamp_seconds gauge",
            "ivy_archiver_last_run_timestamp_seconds \(Int64(finishedAt.timeIntervalSince1970))",
        ]
        lines.append("")
        return lines.joined(separator: "\n")
    }

    public func writeMetrics(to path: String, finishedAt: Date, durationSeconds: Double) async throws {
        let temporary = path + ".tmp"
        try Data(prometheusText(finishedAt: finishedAt, durationSeconds: durationSeconds).utf8).write(to: URL(fileURLWithPath: temporary))
        try await FileSync.rename(temporary, to: path)
    }
}
