import Foundation
import IvyCloud

extension ClipFetcher {
    /// A cloud recording by camera and start: `record.play` gives its signed URL, and a new one
    /// when that expires mid-way. Returns what the fetch made and the URL without its signature
    /// (for the catalog and export records).
    func fetch(recordingOf device: String, start: Int64, from client: CloudClient, to output: String, title: String? = nil,
               creationTime: Date? = nil, comment: String? = nil, recordedSeconds: Double? = nil, temporaryDirectory: String,
               keepsPartial: Bool = false) async throws -> (result: Result, source: String) {
        // The client answers with at least one of the two URLs, or throws.
        let signedURL: @Sendable () async throws -> String = { try await client.playbackURLs(device: device, start: start).preferred! }
        let url = try await signedURL()
        let result = try await fetch(url: url, to: output, title: title, creationTime: creationTime, comment: comment, recordedSeconds: recordedSeconds,
                                     temporaryDirectory: temporaryDirectory,
                                     keepsPartial: keepsPartial, refreshURL: signedURL)
        return (result, Redaction.withoutSecrets(url))
    }
}
