import Foundation

/// `EXT-X-DEFINE` variables and their substitution (RFC 8216bis §4.4.2.3, §4.3): `{$name}` in
/// URI lines and quoted attribute values is replaced by the value defined before it.
struct PlaylistVariables {
    private var values: [String: String] = [:]
    private let playlistURL: URL

    init(playlistURL: URL) {
        self.playlistURL = playlistURL
    }

    /// `NAME`/`VALUE` defines a variable, `QUERYPARAM` takes one from the playlist URL's query.
    /// `IMPORT` needs the multivariant playlist's variables, which a recording URL does not come
    /// with: refused, since guessing would fetch other bytes.
    mutating func define(_ attributes: [String: String], line: Int) throws {
        if let name = attributes["NAME"], let value = attributes["VALUE"] {
            values[name] = value
        } else if let name = attributes["QUERYPARAM"] {
            let items = URLComponents(url: playlistURL, resolvingAgainstBaseURL: true)?.queryItems ?? []
            guard let value = items.first(where: { $0.name == name })?.value else {
                throw PlaylistError.malformed(line, "EXT-X-DEFINE QUERYPARAM \"\(name)\" is not in the playlist's URL")
            }
            values[name] = value
        } else if attributes["IMPORT"] != nil {
            throw PlaylistError.unsupported(line, "EXT-X-DEFINE:IMPORT needs the multivariant playlist's variables")
        } else {
            throw PlaylistError.malformed(line, "EXT-X-DEFINE needs NAME and VALUE, or QUERYPARAM")
        }
    }

    /// `text` with every `{$name}` replaced; an undefined name is an error (§4.3).
    func substitute(_ text: String, line: Int) throws -> String {
        guard text.contains("{$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{$") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = values[name] else { throw PlaylistError.malformed(line, "variable {$\(name)} is not defined by EXT-X-DEFINE") }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
