import Subprocess

/// `executable` (a path) run to its end by swift-subprocess, its output collected; `nil`
/// environment: this process's.
func spawn(_ executable: String, _ arguments: [String], environment: [String: String]?) async throws -> CLIProcess.Result {
    let variables = environment.map { values in
        Environment.custom(Dictionary(uniqueKeysWithValues: values.compactMap { key, value in Environment.Key(rawValue: key).map { ($0, value) } }))
    } ?? .inherit
    let result = try await run(.path(.init(executable)), arguments: Arguments(arguments), environment: variables,
                               input: .none, output: .string(limit: 256 << 20), error: .string(limit: 64 << 20))
    let status: Int32
    switch result.terminationStatus {
    case .exited(let code): status = code
    case .signaled(let signal): status = 128 + signal
    }
    return CLIProcess.Result(status: status, stdout: result.standardOutput, stderr: result.standardError)
}
