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

    /// Free text (an error's reason, a child process's complaint) with its secrets replaced by
    /// `REDACTED`: the secret query parameters of every URL in it, as `url(_:)` does, a URL's
    /// user and password (`https://user:pass@host`), `key=value` and JSON `"key":"value"` pairs
    /// whose key is a secret one, and `Bearer` tokens. For text that leaves the machine.
    public static func text(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var out = ""
        // Word by word: a URL never holds a space, and whatever follows it stays as it was.
        var word = ""
        var afterBearer = false
        func flush() {
            guard !word.isEmpty else { return }
            out += afterBearer ? "REDACTED" : redactWord(word)
            afterBearer = word.lowercased() == "bearer"
            word = ""
        }
        for character in text {
            if character.isWhitespace {
                flush()
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return out
    }

    private static func redactWord(_ word: String) -> String {
        var word = word
        if let scheme = word.range(of: "://") {
            // `user:password@` before the host: the password, and a user name that may be a token.
            let rest = word[scheme.upperBound...]
            let hostEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            if let at = rest[..<hostEnd].lastIndex(of: "@") {
                word.replaceSubrange(scheme.upperBound..<at, with: "REDACTED")
            }
            // Punctuation after a URL in a sentence (`...&sign=abc: HTTP 403`) is the sentence's.
            let trailing = word.reversed().prefix { ":,;.)'\"".contains($0) }
            return url(String(word.dropLast(trailing.count))) + String(trailing.reversed())
        }
        // `token=abc`, `"token":"abc"`, `token: abc` inside a word run together (`a=1&token=2`).
        return pairs(word)
    }

    /// Values of secret keys in `key=value`, `key:value` and `"key":"value"` forms.
    private static func pairs(_ word: String) -> String {
        var result = ""
        var rest = Substring(word)
        while let separator = rest.firstIndex(where: { $0 == "=" || $0 == ":" }) {
            var head = rest[..<separator]
            if head.last == "\"" { head = head.dropLast() }
            let key = head.reversed().prefix { $0.isLetter || $0 == "_" }.reversed().filter { $0 != "_" }
            result += rest[...separator]
            rest = rest[rest.index(after: separator)...]
            guard secretKeys.contains(String(key).lowercased()) else { continue }
            let quoted = rest.first == "\""
            if quoted { result += "\""; rest = rest.dropFirst() }
            let end = rest.firstIndex { quoted ? $0 == "\"" : "&,;\"}".contains($0) } ?? rest.endIndex
            if rest.startIndex < end { result += "REDACTED" }
            rest = rest[end...]
        }
        return result + rest
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
