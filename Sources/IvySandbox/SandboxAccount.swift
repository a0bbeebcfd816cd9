/// A user of the sandbox cloud and its cameras (one, or a fleet: `SandboxAccount+Fleet`).
public struct SandboxAccount: Sendable {
    public var username: String
    /// Plaintext; the client sends its MD5, which is what the sandbox checks.
    public var password: String
    public var userId: Int64
    public var devices: [SandboxDevice]
    /// MACs that belong to another account: adding one answers `020042`.
    public var foreignMACs: Set<String> = ["00626EFFFF01"]

    public init(username: String, password: String, userId: Int64 = 622258, devices: [SandboxDevice]) {
        self.username = username
        self.password = password
        self.userId = userId
        self.devices = devices
    }

    /// A household with one camera per media profile that a real account may show; with more
    /// than five `cameras`, the profiles repeat (`Camera 6`, `00626E8A1B06`, ...), so that a
    /// bench can list many cameras.
    public static func demo(cameras: Int = 5, days: Int = 2, continuousChunksPerDay: Int = 1, eventsPerDay: Int = 3,
                            chunkSeconds: Int64 = 600) -> SandboxAccount {
        let layout = RecordingLayout(days: days, continuousChunksPerDay: continuousChunksPerDay, eventsPerDay: eventsPerDay, chunkSeconds: chunkSeconds)
        let household = [
            SandboxDevice(mac: "00626E8A1B01", name: "Front Door", productName: "FI9900P", profile: .h264AAC, layout: layout),
            SandboxDevice(mac: "00626E8A1B02", name: "Garage", productName: "FI9961EP", profile: .hevcAAC, layout: layout),
            SandboxDevice(mac: "00626E8A1B03", name: "Backyard", productName: "SD2X", profile: .fragmentedMP4, layout: layout),
            SandboxDevice(mac: "00626E8A1B04", name: "Nursery", productName: "R2M", profile: .encrypted, layout: layout),
            SandboxDevice(mac: "00626E8A1B05", name: "Porch", productName: "VD1", profile: .videoOnly, layout: layout),
        ]
        let devices = (0..<max(0, cameras)).map { index in
            guard index >= household.count else { return household[index] }
            var device = household[index % household.count]
            device.mac = "00626E8A" + hex(index + 1, digits: 4)
            device.name = "Camera \(index + 1)"
            return device
        }
        return SandboxAccount(username: "demo@example.com", password: "sandbox-password", devices: devices)
    }

    /// `value` in upper-case hexadecimal, zero-padded to `digits`.
    static func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// A camera: its identity, how its media looks, and how much it recorded.
public struct SandboxDevice: Sendable {
    public var mac: String
    public var name: String
    public var productName: String
    public var profile: MediaProfile
    public var layout: RecordingLayout
    /// Recordings given explicitly replace the generated ones (tests that need exact clips).
    public var fixedRecordings: [SandboxRecording]?
    public var username = "admin"
    public var password = "device-secret"

    public init(mac: String, name: String, productName: String, profile: MediaProfile, layout: RecordingLayout = RecordingLayout(),
                fixedRecordings: [SandboxRecording]? = nil) {
        self.mac = mac
        self.name = name
        self.productName = productName
        self.profile = profile
        self.layout = layout
        self.fixedRecordings = fixedRecordings
    }
}

/// How much a camera records per day, in the last `days` days before the server's now.
public struct RecordingLayout: Sendable {
    public var days: Int
    /// Continuous recording comes in 600 s chunks (NOTES.md).
    public var continuousChunksPerDay: Int
    /// Event clips (`eventSeconds` long), the first of a day overlapping continuous chunks.
    public var eventsPerDay: Int
    /// Length of a continuous chunk: 600 s like the real cloud; longer for benchmarks.
    public var chunkSeconds: Int64
    /// Lengths of event clips, seconds, drawn from the seed in 4 s steps from the lower bound
    /// (then rounded up to whole 4 s segments): 20-60 s by default.
    public var eventSeconds: ClosedRange<Int64>

    public init(days: Int = 2, continuousChunksPerDay: Int = 1, eventsPerDay: Int = 3, chunkSeconds: Int64 = 600,
                eventSeconds: ClosedRange<Int64> = 20...60) {
        self.days = days
        self.continuousChunksPerDay = continuousChunksPerDay
        self.eventsPerDay = eventsPerDay
        self.chunkSeconds = chunkSeconds
        self.eventSeconds = eventSeconds
    }
}

/// One clip as the store lists it: `[start, end, type]`, unix seconds.
public struct SandboxRecording: Sendable, Hashable {
    public var start: Int64
    public var end: Int64
    public var type: Int

    public init(start: Int64, end: Int64, type: Int) {
        self.start = start
        self.end = end
        self.type = type
    }
}

/// How a camera's HLS looks. Every combination here is one the sandbox can serve.
public struct MediaProfile: Sendable, Hashable {
    public enum Codec: String, Sendable { case h264, hevc }
    public enum Container: String, Sendable { case mpegTS, fragmentedMP4 }

    public var codec: Codec
    public var container: Container
    public var audio: Bool
    /// AES-128 with `EXT-X-KEY` (MPEG-TS only), IV from the media sequence number.
    public var encrypted: Bool
    /// Timestamps jump forward by an hour half-way through each clip, marked with
    /// `EXT-X-DISCONTINUITY`.
    public var discontinuity: Bool
    /// MPEG-TS timestamps start just below 2^33, so they wrap half-way through each clip.
    public var timestampWrap: Bool

    public init(codec: Codec = .h264, container: Container = .mpegTS, audio: Bool = true, encrypted: Bool = false,
                discontinuity: Bool = false, timestampWrap: Bool = false) {
        self.codec = codec
        self.container = container
        self.audio = audio
        self.encrypted = encrypted
        self.discontinuity = discontinuity
        self.timestampWrap = timestampWrap
    }

    public static let h264AAC = MediaProfile()
    public static let hevcAAC = MediaProfile(codec: .hevc)
    public static let fragmentedMP4 = MediaProfile(container: .fragmentedMP4)
    public static let encrypted = MediaProfile(encrypted: true)
    public static let videoOnly = MediaProfile(audio: false)
    public static let discontinuity = MediaProfile(discontinuity: true)
    public static let timestampWrap = MediaProfile(timestampWrap: true)
}
