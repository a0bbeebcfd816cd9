/// A camera as a person names it on the command line: its MAC in any notation
/// (`00:62:6e:8a:1b:01`), or its name in any case. A name two cameras share names neither.
enum CameraLookup {
    struct Failure: Error {
        let message: String
    }

    /// `place` ends the "no camera" message: "on the account", "in the archive".
    static func find<Camera>(_ wanted: String, in cameras: [Camera], mac: (Camera) -> String, name: (Camera) -> String,
                             place: String) -> Result<Camera, Failure> {
        let digits = ArchiveLayout.safeMAC(wanted)
        if digits.count == 12, let camera = cameras.first(where: { ArchiveLayout.safeMAC(mac($0)) == digits }) { return .success(camera) }
        let named = cameras.filter { name($0).caseInsensitiveCompare(wanted) == .orderedSame }
        if named.count > 1 { return .failure(Failure(message: "\(named.count) cameras are called '\(wanted)'; name one by its MAC")) }
        guard let camera = named.first else {
            let known = cameras.map { "\(name($0)) (\(mac($0)))" }.joined(separator: ", ")
            return .failure(Failure(message: "no camera '\(wanted)' \(place); there are: \(known.isEmpty ? "none" : known)"))
        }
        return .success(camera)
    }
}
