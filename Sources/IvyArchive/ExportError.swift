/// Why an export did not produce a file. `refused`: the request itself cannot be met (exit 2,
/// nothing written); `failed`: something went wrong on the way (exit 1, nothing left behind).
public struct ExportError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case refused, failed }
    private let code: Code
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func refused(_ detail: String) -> Self { Self(code: .refused, description: detail) }
    static func failed(_ detail: String) -> Self { Self(code: .failed, description: detail) }

    public static let refused = refused("")
    public static let failed = failed("")
}
