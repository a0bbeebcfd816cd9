import IvyCloud
import IvyHTTP
import IvySandbox
import Foundation
import IvyTestSupport
import Testing

/// The first segment URL of the first clip of the first camera, through the real client.
func firstSegmentURL(_ endpoint: SandboxEndpoint, _ client: CloudClient) async throws -> String {
    let mac = endpoint.cloud.configuration.account.devices[0].mac
    let clip = endpoint.cloud.recordings(mac: mac)[0]
    let playlistURL = try #require(try await client.playbackURLs(device: mac, start: clip.start).preferred)
    let playlist = String(decoding: try await sharedTransport.execute(HTTPRequest(url: playlistURL)).body, as: UTF8.self)
    let segment = try #require(playlist.split(separator: "\n").first { !$0.hasPrefix("#") })
    let base = playlistURL[..<playlistURL.range(of: "index.m3u8")!.lowerBound]
    return String(base + segment)
}
