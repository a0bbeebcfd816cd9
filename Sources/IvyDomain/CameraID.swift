/// A camera, by its MAC address, in one spelling: hex digits in upper case without separators
/// (`00626E00AB01`), whatever notation it was read in (`00:62:6e:00:ab:01`,
/// `00-62-6E-00-AB-01`). Parsed once where a MAC enters (a cloud answer, the configuration, a
/// catalog row, a file name); compared, stored and shown in this form only.
public struct CameraID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Twelve hex digits for a real MAC; up to 32 are taken, as some clouds pad theirs.
    public let mac: String

    /// Nil for text that is no MAC: no hex digit, more than 32, or a character other than
    /// hex digits and the separators `:`, `-`, `.` and spaces.
    public init?(_ text: String) {
        var digits = ""
        for character in text {
            if character.isHexDigit, character.isASCII {
                digits.append(Character(character.uppercased()))
            } else if ![":", "-", ".", " "].contains(character) {
                return nil
            }
        }
        guard !digits.isEmpty, digits.count <= 32 else { return nil }
        mac = digits
    }

    public var description: String { mac }

    public static func < (lhs: CameraID, rhs: CameraID) -> Bool { lhs.mac < rhs.mac }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let camera = CameraID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a MAC address"))
        }
        self = camera
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(mac)
    }
}

/// One clip of one camera: the catalog's key. `start` is the recording's start, server Unix
/// seconds, as the cloud lists it (`record.query`, API document §record).
public struct ClipKey: Hashable, Sendable, CustomStringConvertible {
    public var camera: CameraID
    public var start: Int64

    public init(camera: CameraID, start: Int64) {
        self.camera = camera
        self.start = start
    }

    public var description: String { "\(camera) \(start)" }
}
