import Crypto
import CryptoExtras
import Foundation

/// An Ed25519 private key for signing export sidecars, in the file format OpenSSL reads and
/// writes: PEM `PRIVATE KEY`, PKCS#8 (RFC 5208/5958) with the Ed25519 algorithm (RFC 8410 §7).
/// `openssl genpkey -algorithm ed25519 -out key.pem` makes one; `generate()` too.
public struct ExportSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public static func generate() -> ExportSigningKey { ExportSigningKey(key: Curve25519.Signing.PrivateKey()) }

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Reads a PEM private key (swift-crypto's PKCS#8 reader). Throws `ExportError.refused`
    /// naming what is wrong (not PEM, an encrypted or public key, another algorithm).
    public init(pem: String, name: String) throws {
        try PEM.expect("PRIVATE KEY", in: pem, name: name)
        guard let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem),
              // The reader takes any RFC 8410 key; written back as Ed25519 it must be the same
              // document, or it was another algorithm's (X25519, say).
              key.pemRepresentation.filter({ !$0.isWhitespace }) == pem.filter({ !$0.isWhitespace })
        else { throw ExportError.refused("\(name) is not an Ed25519 private key (PKCS#8, as openssl genpkey -algorithm ed25519 writes it)") }
        self.key = key
    }

    /// Reads the key file at `path`. `warning`: said when others than its owner may read it
    /// (a signing key anyone on the machine can copy proves nothing).
    public static func load(_ path: String) throws -> (key: ExportSigningKey, warning: String?) {
        let key = try ExportSigningKey(pem: try PEM.read(path, what: "the signing key"), name: "the signing key \(path)")
        let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? 0
        let warning = mode & 0o077 == 0 ? nil
            : "the signing key \(path) can be read by others (mode \(String(format: "%04o", mode))): chmod 600 \(path)"
        return (key, warning)
    }

    /// PEM `PRIVATE KEY`, as `openssl genpkey -algorithm ed25519` writes it.
    public var pem: String { key.pemRepresentation + "\n" }

    public var publicKey: ExportPublicKey { ExportPublicKey(key: key.publicKey) }

    /// The raw 64-byte Ed25519 signature of `bytes`.
    func signature(of bytes: Data) throws -> Data {
        try key.signature(for: bytes)
    }
}

/// An Ed25519 public key: PEM `PUBLIC KEY`, SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 8410 §4),
/// as `openssl pkey -in key.pem -pubout` writes it.
public struct ExportPublicKey: Sendable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    public init(pem: String, name: String) throws {
        try PEM.expect("PUBLIC KEY", in: pem, name: name)
        guard let key = try? Curve25519.Signing.PublicKey(pemRepresentation: pem) else {
            throw ExportError.refused("\(name) is not an Ed25519 public key")
        }
        self.key = key
    }

    public static func load(_ path: String) throws -> ExportPublicKey {
        try ExportPublicKey(pem: try PEM.read(path, what: "the public key"), name: "the public key \(path)")
    }

    public var pem: String { key.pemRepresentation + "\n" }

    /// `SHA256:` and the lowercase hex SHA-256 of the key's DER form, as
    /// `openssl pkey -pubin -in pub.pem -outform DER | sha256sum` prints it.
    public var fingerprint: String {
        "SHA256:" + SHA256.hash(data: key.derRepresentation).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` (64 raw bytes) is this key's over `bytes`.
    func isValid(_ signature: Data, of bytes: Data) -> Bool {
        key.isValidSignature(signature, for: bytes)
    }
}

extension ExportPublicKey: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key.rawRepresentation == rhs.key.rawRepresentation }
}

/// Reading PEM files (RFC 7468) for the messages a person needs; the keys themselves are read
/// by swift-crypto.
enum PEM {
    static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError.refused("cannot read \(what) \(path): " + (FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ExportError.refused("\(what) \(path) is not a PEM file") }
        return text
    }

    /// Refuses a file whose first PEM block is not labelled `expected`, saying what it is.
    static func expect(_ expected: String, in text: String, name: String) throws {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.first(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else {
            throw ExportError.refused("\(name) is not a PEM file (no -----BEGIN line)")
        }
        let label = String(begin.dropFirst("-----BEGIN ".count).dropLast(5))
        guard label == expected else {
            // The label says what the file is; only an encrypted key needs a word on what to do.
            let hint = label.contains("ENCRYPTED") ? ": it is encrypted (openssl pkey -in KEY -out PLAIN.pem writes it without a passphrase)" : ""
            throw ExportError.refused("\(name) holds a \(label), not a \(expected)\(hint)")
        }
        guard let start = lines.firstIndex(of: begin), let end = lines[start...].firstIndex(of: "-----END \(label)-----"),
              Data(base64Encoded: lines[(start + 1)..<end].joined()).map({ !$0.isEmpty }) == true
        else { throw ExportError.refused("\(name) is a damaged PEM file") }
    }
}
