/// The sandbox's templates, loaded once per cloud.
struct MediaTemplates: Sendable {
    let h264AAC: MediaTemplate
    let hevcAAC: MediaTemplate
    let h264: MediaTemplate
    let fragmentedH264AAC: MediaTemplate

    static func load() throws -> MediaTemplates {
        MediaTemplates(
            h264AAC: try .transportStream(named: "h264-aac.ts"),
            hevcAAC: try .transportStream(named: "hevc-aac.ts"),
            h264: try .transportStream(named: "h264.ts"),
            fragmentedH264AAC: try .fragmentedMP4(initNamed: "h264-aac-init.mp4", segmentNamed: "h264-aac.m4s")
        )
    }

    /// The template for a profile, or `nil` for a combination there is no media for.
    func template(for profile: MediaProfile) -> MediaTemplate? {
        switch (profile.container, profile.codec, profile.audio) {
        case (.mpegTS, .h264, true): return h264AAC
        case (.mpegTS, .hevc, true): return hevcAAC
        case (.mpegTS, .h264, false): return h264
        case (.fragmentedMP4, .h264, true): return profile.encrypted || profile.timestampWrap ? nil : fragmentedH264AAC
        default: return nil
        }
    }
}
