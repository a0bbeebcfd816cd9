/// What the rest of the tool needs from HTTP. Small on purpose, so that a fake can stand in
/// front of the cloud client (the fuzzer `FuzzCloudAnswers` drives it with one); the tests
/// talk to the sandbox cloud over real HTTP on loopback instead.
public protocol HTTPTransport: Sendable {
    /// Sends the request and reads the whole body, failing past `maxBodySize` bytes.
    func execute(_ request: HTTPRequest, maxBodySize: Int) async throws -> HTTPResponse

    /// Sends the request and hands the body over as it arrives. The transfer waits while the
    /// consumer does not read (back-pressure), and stops when the stream is dropped.
    func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse
}

extension HTTPTransport {
    /// JSON answers of the cloud are small; 16 MiB is far beyond any of them.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await execute(request, maxBodySize: 16 << 20)
    }
}
