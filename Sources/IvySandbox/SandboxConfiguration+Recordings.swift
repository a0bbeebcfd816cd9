extension SandboxConfiguration {
    /// Each camera's recordings (in `account.devices`' order, oldest first) as the sandbox
    /// lists them when its most recent day ends at `anchor` (server Unix seconds): the same
    /// seed, account and anchor give the same clips in any process. A bench builds the archive
    /// of a year of clips from these without fetching one.
    public func recordings(anchor: Int64) -> [[SandboxRecording]] {
        recordings(ofAccount: 0, anchor: anchor)
    }

    /// The same for account `index` of `accounts`, from its own seed (`seed(ofAccount:)`).
    public func recordings(ofAccount index: Int, anchor: Int64) -> [[SandboxRecording]] {
        let seed = seed(ofAccount: index)
        return accounts[index].devices.enumerated().map { deviceIndex, device in
            RecordingGenerator.recordings(for: device, index: deviceIndex, seed: seed, anchor: anchor).map(Self.roundedToSegments)
        }
    }

    /// Media comes in 4 s segments, so clips last a whole number of them.
    static func roundedToSegments(_ clip: SandboxRecording) -> SandboxRecording {
        let step = MediaTemplate.segmentSeconds
        let duration = max(step, (clip.end - clip.start + step - 1) / step * step)
        return SandboxRecording(start: clip.start, end: clip.start + duration, type: clip.type)
    }
}
