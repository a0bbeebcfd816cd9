import GRDB
public import IvyDomain

extension Catalog {
    /// A clip whose file is in place, as `markArchived` records it.
    public struct Archival: Sendable {
        public var key: ClipKey
        /// Relative to the archive root.
        public var file: String
        /// Bytes.
        public var size: Int64
        public var sha256: String
        /// Seconds, as the file says.
        public var duration: Double
        public var codecs: CodecPair
        /// Where it was fetched from, without the URL's signature.
        public var sourceURL: String?
        /// Stretches without media; any the cloud did not give make the clip `partial`.
        public var holes: [ClipHole]

        public init(key: ClipKey, file: String, size: Int64, sha256: String, duration: Double, codecs: CodecPair,
                    sourceURL: String? = nil, holes: [ClipHole] = []) {
            self.key = key
            self.file = file
            self.size = size
            self.sha256 = sha256
            self.duration = duration
            self.codecs = codecs
            self.sourceURL = sourceURL
            self.holes = holes
        }

        /// The clip's row as `markArchived` leaves it.
        func apply(to clip: inout Clip) {
            clip.state = holes.contains(where: \.isUnavailable) ? .partial : .archived
            clip.file = file
            clip.size = size
            clip.sha256 = sha256
            clip.duration = duration
            clip.codecs = codecs
            clip.sourceURL = sourceURL
            clip.holes = holes
            clip.attempts += 1
            clip.lastError = nil
        }
    }

    /// `markArchived` for many clips in one transaction: a catalog made of thousands of clips
    /// at once (a bench's synthetic archive) would otherwise wait for a commit per clip. Clips
    /// the catalog does not know are left out, as one at a time.
    public func markArchived(_ clips: [Archival]) async throws {
        try await write { db in
            for archival in clips {
                guard var clip = try Clip.fetchOne(db, key: ["device": archival.key.camera.mac, "start": archival.key.start]) else { continue }
                archival.apply(to: &clip)
                try clip.update(db)
            }
        }
    }
}
