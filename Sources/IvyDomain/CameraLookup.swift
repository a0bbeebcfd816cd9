/// A camera as a person names it on the command line: its MAC in any notation
/// (`00:62:6e:8a:1b:01`), or its name in any case. A name two cameras share names neither.
public enum CameraLookup {
    public struct Failure: Error, Sendable {
        public let message: String
    }

    /// `place` ends the "no camera" message: "on the account", "in the archive".
    public static func find<Camera>(_ wanted: String, in cameras: [Camera], camera id: (Camera) -> CameraID, name: (Camera) -> String,
                                    place: String) -> Result<Camera, Failure> {
        // A name may be all hex digits ("Cafe"): only a whole MAC is taken for one.
        if let mac = CameraID(wanted), mac.mac.count == 12, let camera = cameras.first(where: { id($0) == mac }) { return .success(camera) }
        let named = cameras.filter { name($0).caseInsensitiveCompare(wanted) == .orderedSame }
        if named.count > 1 { return .failure(Failure(message: "\(named.count) cameras are called '\(wanted)'; name one by its MAC")) }
        guard let camera = named.first else {
            let known = cameras.map { "\(name($0)) (\(id($0)))" }.joined(separator: ", ")
            return .failure(Failure(message: "no camera '\(wanted)' \(place); there are: \(known.isEmpty ? "none" : known)"))
        }
        return .success(camera)
    }
}
