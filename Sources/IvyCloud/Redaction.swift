/// Secrets the cloud's protocol puts in URLs and forms. Anything that may reach a log or an
/// error message goes through `Redaction.url`.
public enum Redaction {
    public static let secretKeys: Set<String> = [
        "accesstoken", "refreshtoken", "password", "clientsecret", "subtoken", "sessiontoken", "sign", "token",
    ]

    /// The URL with the value of every secret query parameter replaced by `REDACTED`.
    public static func url(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...]
        let parts = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secretKeys.contains(name.lowercased()) ? "\(name)=REDACTED" : String(pair)
        }
        return String(url[..<question]) + "?" + parts.joined(separator: "&")
    }

    /// The URL without its secret query parameters at all: what a report may keep to say where
    /// a recording came from (the signature is what would let anyone fetch it).
    public static func withoutSecrets(_ url: String) -> String {
        guard let question = url.firstIndex(of: "?") else { return url }
        let kept = url[url.index(after: question)...].split(separator: "&").filter { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return !secretKeys.contains(name.lowercased())
        }
        return String(url[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }
}
