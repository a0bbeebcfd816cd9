/// An rclone remote spec, `remote:path`, in any of rclone's forms: a configured remote
/// (`offsite:cams`), one made on the fly (`:webdav,url='https://dav.example':cams`,
/// `:local:/mnt/copy`), a configured remote with overrides (`offsite,user=me:cams`), or a
/// local path. Parameters given on the command line may hold secrets (`pass=...`): `redacted`
/// is the spec without their values, for logs, errors and the catalog.
struct RcloneRemote: Sendable, Equatable {
    /// As given.
    let spec: String

    /// Parameter names whose values are never shown: rclone's `pass`, `password`,
    /// `client_secret`, `token`, `key`, `secret_access_key`, `sas_url`, `bearer_token`, ...
    private static let secretWords = ["pass", "secret", "token", "key", "sas", "auth", "credential"]

    init(_ spec: String) {
        self.spec = spec
    }

    /// The spec of the file at `path`, relative to the remote's folder.
    func appending(_ path: String) -> String {
        let path = path.hasPrefix("/") ? String(path.dropFirst()) : path
        return spec.hasSuffix(":") || spec.hasSuffix("/") ? spec + path : spec + "/" + path
    }

    /// The spec with the value of every secret parameter replaced by `***`.
    var redacted: String {
        redactedParameters.text
    }

    /// The values `redacted` hides, to take out of what rclone prints too.
    var secrets: [String] {
        redactedParameters.secrets
    }

    /// Walks the remote's name and parameters (up to the first `:` outside quotes, after an
    /// on-the-fly remote's leading one); the path after it is kept as it is.
    private var redactedParameters: (text: String, secrets: [String]) {
        let characters = Array(spec)
        var index = characters.first == ":" ? 1 : 0
        var quote: Character?
        var parameters: [String] = [""]
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ":" {
                break
            } else if character == "," {
                parameters.append("")
                index += 1
                continue
            }
            parameters[parameters.count - 1].append(character)
            index += 1
        }
        guard index < characters.count, parameters.count > 1 else { return (spec, []) }
        var secrets: [String] = []
        let shown = parameters.enumerated().map { position, parameter -> String in
            guard position > 0, let equals = parameter.firstIndex(of: "=") else { return parameter }
            let name = parameter[..<equals].lowercased()
            guard Self.secretWords.contains(where: name.contains) else { return parameter }
            var value = String(parameter[parameter.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            if !value.isEmpty { secrets.append(value) }
            return String(parameter[...equals]) + "***"
        }
        let prefix = characters.first == ":" ? ":" : ""
        return (prefix + shown.joined(separator: ",") + String(characters[index...]), secrets)
    }
}

extension RcloneDestination {
    /// `spec` with the value of every secret parameter (`pass=`, `token=` ...) as `***`: what
    /// may be shown of a destination (`config check`).
    public static func redacted(_ spec: String) -> String {
        RcloneRemote(spec).redacted
    }
}
