import IvyCloud
import IvyDomain

/// `--device`: a camera on the account by its MAC in any notation or its name, the same way
/// for every command; one the account does not have is refused listing those it has (exit 2).
enum CameraChoice {
    /// The camera as the cloud lists it (its `macAddr` is the spelling the cloud's calls take).
    ///
    /// - Throws: `UserError` for a camera the account does not have, or a name two share; the
    ///   cloud's errors for the device list.
    static func resolve(_ wanted: String, client: CloudClient) async throws -> Device {
        // Entries that cannot be read name no camera; the others still can be chosen.
        let cameras = try await client.deviceListing().elements.compactMap { device in CameraID(device.macAddr).map { (id: $0, device: device) } }
        switch CameraLookup.find(wanted, in: cameras, camera: \.id, name: \.device.deviceName, place: "on the account") {
        case .success(let camera): return camera.device
        case .failure(let failure): throw UserError(failure.message)
        }
    }

    /// A MAC address in any notation, for a camera that need not be on the account (`device
    /// add`, `device unbind`): the cloud's spelling, twelve hex digits in upper case.
    ///
    /// - Throws: `ArgumentRefusal` for anything else.
    static func mac(_ text: String) throws -> String {
        guard let camera = CameraID(text), camera.mac.count == 12 else {
            throw ArgumentRefusal(description: "'\(text)' is not a MAC address (12 hex digits, in any notation: 00:62:6e:8a:1b:01)")
        }
        return camera.mac
    }
}
