/// Deterministic recordings: the same seed, device and anchor give the same clips.
struct RecordingGenerator {
    /// Event types a camera may report, an unknown one (13) included so that clients prove
    /// they keep codes they do not know.
    static let eventTypes = [2, 3, 7, 10, 2, 13]

    /// `anchor` is the end of the most recent day window (an hour boundary before now).
    static func recordings(for device: SandboxDevice, index: Int, seed: UInt64, anchor: Int64) -> [SandboxRecording] {
        if let fixed = device.fixedRecordings { return fixed.sorted { $0.start < $1.start } }
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        var clips: [SandboxRecording] = []
        var starts = Set<Int64>()
        let layout = device.layout
        for day in 0..<layout.days {
            let dayStart = anchor - Int64(day + 1) * 86_400
            // Continuous chunks (600 s by default), abutting, starting on a different hour per camera.
            let blockStart = dayStart + Int64((index * 2 + 1) % 20) * 3600 + Int64(random.next(upTo: 60)) * 4
            for chunk in 0..<layout.continuousChunksPerDay {
                let start = blockStart + Int64(chunk) * layout.chunkSeconds
                clips.append(SandboxRecording(start: start, end: start + layout.chunkSeconds, type: 0))
                starts.insert(start)
            }
            for event in 0..<layout.eventsPerDay {
                let lengths = layout.eventSeconds
                let duration = lengths.lowerBound + 4 * Int64(random.next(upTo: UInt64((lengths.upperBound - lengths.lowerBound) / 4 + 1)))
                var start: Int64
                if event == 0 && layout.continuousChunksPerDay > 0 {
                    // Motion during continuous recording: an overlapping entry.
                    start = blockStart + 100 + Int64(random.next(upTo: 100)) * 4
                } else {
                    // Within the day, a minute to spare: no clip ends after the server's now.
                    start = dayStart + Int64(random.next(upTo: UInt64(86_400 - max(120, lengths.upperBound + 60))))
                }
                while starts.contains(start) { start += 1 }
                starts.insert(start)
                let type = eventTypes[Int(random.next(upTo: UInt64(eventTypes.count)))]
                clips.append(SandboxRecording(start: start, end: start + duration, type: type))
            }
        }
        return clips.sorted { $0.start < $1.start }
    }
}

/// A small, fast, seedable generator (Steele, Lea, Flood 2014): reproducible across platforms,
/// unlike the system generator.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: UInt64) -> UInt64 {
        next() % bound
    }

    mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && Double(next() >> 11) / Double(1 << 53) < probability
    }
}
