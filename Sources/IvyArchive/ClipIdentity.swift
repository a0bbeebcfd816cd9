import IvyCloud
import IvyDomain

/// Which recording a file is: camera, start, end, type. Each archived MP4 carries it in its
/// `comment` (`ivy-archiver clip device=00626E8A1B01 start=1764500000 end=1764500040 type=2
/// name=Front Door`), so that `CatalogRebuild` can tell from the files alone what the archive
/// holds; files from before carry it in their path (`ArchiveLayout.identity(of:)`).
struct ClipIdentity: Sendable, Equatable {
    var camera: CameraID
    var deviceName: String
    var recording: Recording

    static let prefix = "ivy-archiver clip "

    var comment: String {
        Self.prefix + "device=\(camera) start=\(recording.start) end=\(recording.end) type=\(recording.type.rawValue) name=\(deviceName)"
    }

    init(camera: CameraID, deviceName: String, recording: Recording) {
        self.camera = camera
        self.deviceName = deviceName
        self.recording = recording
    }

    /// Reads `comment`; `nil` for any other text. `name=` comes last: it may hold anything.
    init?(comment: String) {
        guard comment.hasPrefix(Self.prefix) else { return nil }
        var rest = Substring(comment.dropFirst(Self.prefix.count))
        var fields: [String: String] = [:]
        while let equals = rest.firstIndex(of: "=") {
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            if key == "name" {
                fields[key] = String(rest)
                break
            }
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            fields[key] = String(rest[..<end])
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
        }
        guard let camera = fields["device"].flatMap(CameraID.init), let start = fields["start"].flatMap({ Int64($0) }),
              let end = fields["end"].flatMap({ Int64($0) }), end >= start, let type = fields["type"].flatMap({ Int($0) }) else { return nil }
        self.init(camera: camera, deviceName: fields["name"] ?? "", recording: Recording(start: start, end: end, type: RecordType(rawValue: type)))
    }
}
