/// The cloud of the scale benchmarks (issue 14; `scripts/bench.sh` (d) and (f)): two H.264 +
/// AAC cameras, one recording continuously in 10-minute clips, one recording motion clips of
/// 10-60 s, both in the day before the server's now, with segments padded to the size of a
/// 720p camera's (`SandboxConfiguration.segmentBytes`). By default 30 minutes of continuous
/// recording and 30 motion clips: about 710 segments, 0.7 GB.
public struct ScaleScenario: Sendable {
    /// The first camera's clips, abutting.
    public var continuousClips = 3
    /// Seconds each continuous clip lasts (a multiple of 4: whole segments).
    public var continuousSeconds: Int64 = 600
    /// The second camera's clips, placed at random in the day (seeded).
    public var motionClips = 30
    /// Seconds a motion clip lasts, drawn from the seed (`RecordingLayout.eventSeconds`).
    public var motionSeconds: ClosedRange<Int64> = 10...60
    /// Bytes of each 4-second segment: 2 Mbit/s, what a 720p H.264 camera sends.
    public var segmentBytes = 1_000_000

    /// The continuous recording must end the day it starts in, a minute before the end
    /// (it starts an hour into the day): 22 hours.
    public static let maximumContinuousSeconds: Int64 = 22 * 3600
    public static let continuousCamera = "00626E5C0A01"
    public static let motionCamera = "00626E5C0A02"

    public init() {}

    /// `factor` times as many clips of each kind (rounded, at least one of each): 10 for the
    /// memory measurement's "10x the clips", below 1 for a smaller cloud.
    public func withClips(times factor: Double) -> ScaleScenario {
        var scaled = self
        scaled.continuousClips = max(1, Int((Double(continuousClips) * factor).rounded()))
        scaled.motionClips = max(1, Int((Double(motionClips) * factor).rounded()))
        return scaled
    }

    /// Every clip `factor` times as long (continuous clips in whole 4 s segments; at least
    /// one segment): 10 for "10x longer clips".
    public func withLength(times factor: Double) -> ScaleScenario {
        var scaled = self
        scaled.continuousSeconds = max(4, Int64((Double(continuousSeconds) * factor / 4).rounded()) * 4)
        let lower = max(4, Int64((Double(motionSeconds.lowerBound) * factor).rounded()))
        scaled.motionSeconds = lower...max(lower, Int64((Double(motionSeconds.upperBound) * factor).rounded()))
        return scaled
    }

    /// Why this scenario cannot be served, if it cannot.
    public func check() throws(ScaleScenarioError) {
        guard continuousClips >= 1, motionClips >= 1 else { throw .noClips }
        guard continuousSeconds >= 4, continuousSeconds % 4 == 0 else { throw .continuousSecondsNotWholeSegments(continuousSeconds) }
        guard Int64(continuousClips) * continuousSeconds <= Self.maximumContinuousSeconds else {
            throw .continuousRecordingTooLong(seconds: Int64(continuousClips) * continuousSeconds)
        }
        guard motionSeconds.lowerBound >= 4, motionSeconds.upperBound <= 3600 else { throw .motionClipLength(motionSeconds) }
    }

    /// The demo user (same name and password) with the two cameras.
    public var account: SandboxAccount {
        var account = SandboxAccount.demo()
        account.devices = [
            SandboxDevice(mac: Self.continuousCamera, name: "Driveway", productName: "FI9900P", profile: .h264AAC,
                          layout: RecordingLayout(days: 1, continuousChunksPerDay: continuousClips, eventsPerDay: 0, chunkSeconds: continuousSeconds)),
            SandboxDevice(mac: Self.motionCamera, name: "Side Gate", productName: "FI9900P", profile: .h264AAC,
                          layout: RecordingLayout(days: 1, continuousChunksPerDay: 0, eventsPerDay: motionClips, eventSeconds: motionSeconds)),
        ]
        return account
    }

    /// Sets the account and the segment size.
    public func apply(to configuration: inout SandboxConfiguration) throws(ScaleScenarioError) {
        try check()
        configuration.account = account
        configuration.segmentBytes = segmentBytes
    }
}

/// A scale scenario the sandbox cannot serve. Its description is the one line a user needs.
public enum ScaleScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    case noClips
    case continuousSecondsNotWholeSegments(Int64)
    case continuousRecordingTooLong(seconds: Int64)
    case motionClipLength(ClosedRange<Int64>)

    public var description: String {
        switch self {
        case .noClips:
            return "the scale scenario needs at least one clip per camera"
        case .continuousSecondsNotWholeSegments(let seconds):
            return "continuous clips of \(seconds) s are not whole 4 s segments"
        case .continuousRecordingTooLong(let seconds):
            return "\(seconds / 60) minutes of continuous recording do not fit in a day (at most \(ScaleScenario.maximumContinuousSeconds / 60))"
        case .motionClipLength(let range):
            return "motion clips of \(range.lowerBound)-\(range.upperBound) s: they must last 4 s to an hour"
        }
    }
}
