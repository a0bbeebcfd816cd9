public import IvyCloud
public import IvyHTTP
public import IvySandbox
public import Logging

/// Starts an in-process sandbox on 127.0.0.1, port 0, and hands the test a client logged in
/// with the sandbox account's password.
@discardableResult
public func withSandbox<T: Sendable>(
    _ configure: (inout SandboxConfiguration) -> Void = { _ in },
    client clientSettings: (inout CloudConfiguration) -> Void = { _ in },
    _ body: (SandboxEndpoint, CloudClient) async throws -> T
) async throws -> T {
    var configuration = SandboxConfiguration()
    configuration.account = .demo(days: 1, continuousChunksPerDay: 1, eventsPerDay: 2)
    configure(&configuration)
    let cloud = try SandboxCloud(configuration: configuration, logger: quietLogger)
    return try await SandboxServer.withRunning(cloud: cloud, logger: quietLogger) { endpoint in
        var cloudConfiguration = CloudConfiguration(
            apiURL: endpoint.baseURL, oemCode: configuration.oemCode,
            credentials: .password(username: configuration.account.username, password: configuration.account.password),
            retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
            upgradePollInterval: .milliseconds(20), upgradeMaxWait: .seconds(2))
        clientSettings(&cloudConfiguration)
        let client = CloudClient(configuration: cloudConfiguration, transport: sharedTransport, logger: quietLogger)
        return try await body(endpoint, client)
    }
}

extension SandboxEndpoint {
    /// What `ivy-archiver` needs to talk to this sandbox as its demo user, plus `extra`.
    public func cliEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        // No pause before the second pass over clips that failed on a transient cause.
        ["IVY_API_URL": baseURL, "IVY_OEM_CODE": "SANDBOX", "IVY_USERNAME": "demo@example.com", "IVY_PASSWORD": "sandbox-password", "IVY_RETRY_PAUSE": "0"]
            .merging(extra) { $1 }
    }
}

/// One libcurl transport for a whole test process, like the product uses one per process.
public let sharedTransport = CurlTransport(logger: quietLogger)

public let quietLogger: Logger = {
    var logger = Logger(label: "ivy.test")
    logger.logLevel = .critical
    return logger
}()
