/// Which stretches of the output timeline hold media, in quarter seconds: a stream covers the
/// time from one packet to the next unless the step is a hole (over `RemuxSummary.holeSeconds`).
/// What a clip's self-check compares with its playlist. Pure arithmetic in microseconds.
struct MediaCoverage {
    static let bucket: Int64 = 250_000
    static let maxStep = Int64(RemuxSummary.holeSeconds * 1_000_000)
    /// A day and a bit: longer recordings are refused by the playlist parser already.
    static let maxBuckets: Int64 = 400_000

    private var bits: [UInt64] = []
    private var last: [Int: Int64] = [:]

    mutating func add(stream: Int, at time: Int64, duration: Int64) {
        var from = time
        if let previous = last[stream], time > previous, time - previous <= Self.maxStep { from = previous }
        mark(from: from, to: time + max(duration, 1))
        last[stream] = max(last[stream] ?? time, time)
    }

    var seconds: Double {
        Double(bits.reduce(0) { $0 + $1.nonzeroBitCount }) * Double(Self.bucket) / 1_000_000
    }

    private mutating func mark(from: Int64, to: Int64) {
        let first = min(max(0, from / Self.bucket), Self.maxBuckets)
        let end = min(max(first, (to - 1) / Self.bucket), Self.maxBuckets)
        let words = Int(end / 64) + 1
        if bits.count < words { bits.append(contentsOf: repeatElement(0, count: words - bits.count)) }
        for index in first...end { bits[Int(index / 64)] |= 1 << UInt64(index % 64) }
    }
}
