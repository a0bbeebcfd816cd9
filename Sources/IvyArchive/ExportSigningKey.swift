import Crypto
import Foundation

/// An Ed25519 private key for signing export sidecars, in the file format OpenSSL reads and
/// writes: PEM `PRIVATE KEY`, PKCS#8 (RFC 5208/5958) with the Ed25519 algorithm (RFC 8410 §7).
/// `openssl genpkey -algorithm ed25519 -out key.pem` makes one; `generate()` too.
public struct ExportSigningKey: Sendable {
    /// The 32-byte seed (RFC 8032 §5.1.5).
    let seed: Data

    public static func generate() -> ExportSigningKey { ExportSigningKey(seed: Curve25519.Signing.PrivateKey().rawRepresentation) }

    init(seed: Data) { self.seed = seed }

    /// Reads a PEM private key. Throws `ExportError.refused` naming what is wrong (not PEM, an
    /// encrypted or public key, another algorithm).
    public init(pem: String, name: String) throws {
        let der = try PEM.decode(pem, name: name, expected: "PRIVATE KEY")
        guard let seed = DER.ed25519PrivateKey(der) else { throw ExportError.refused("\(name) is not an Ed25519 private key (PKCS#8)") }
        self.seed = seed
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
    public var pem: String { PEM.encode(DER.ed25519PrivatePrefix + seed, name: "PRIVATE KEY") }

    public var publicKey: ExportPublicKey {
        // The seed is 32 bytes by construction: this cannot fail.
        ExportPublicKey(raw: try! Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
    }

    /// The raw 64-byte Ed25519 signature of `bytes`.
    func signature(of bytes: Data) throws -> Data {
        try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: bytes)
    }
}

/// An Ed25519 public key: PEM `PUBLIC KEY`, SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 8410 §4),
/// as `openssl pkey -in key.pem -pubout` writes it.
public struct ExportPublicKey: Sendable, Equatable {
    /// The 32-byte public key (RFC 8032 §5.1.5).
    let raw: Data

    init(raw: Data) { self.raw = raw }

    public init(pem: String, name: String) throws {
        let der = try PEM.decode(pem, name: name, expected: "PUBLIC KEY")
        guard der.count == DER.ed25519PublicPrefix.count + 32, der.prefix(DER.ed25519PublicPrefix.count) == DER.ed25519PublicPrefix else {
            throw ExportError.refused("\(name) is not an Ed25519 public key")
        }
        raw = Data(der.suffix(32))
    }

    public static func load(_ path: String) throws -> ExportPublicKey {
        try ExportPublicKey(pem: try PEM.read(path, what: "the public key"), name: "the public key \(path)")
    }

    public var pem: String { PEM.encode(DER.ed25519PublicPrefix + raw, name: "PUBLIC KEY") }

    /// `SHA256:` and the lowercase hex SHA-256 of the key's DER form, as
    /// `openssl pkey -pubin -in pub.pem -outform DER | sha256sum` prints it.
    public var fingerprint: String {
        "SHA256:" + SHA256.hash(data: DER.ed25519PublicPrefix + raw).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` (64 raw bytes) is this key's over `bytes`.
    func isValid(_ signature: Data, of bytes: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }
}

/// PEM (RFC 7468): one labelled base64 block.
enum PEM {
    static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError.refused("cannot read \(what) \(path): " + (FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ExportError.refused("\(what) \(path) is not a PEM file") }
        return text
    }

    static func decode(_ text: String, name: String, expected: String) throws -> Data {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else {
            throw ExportError.refused("\(name) is not a PEM file (no -----BEGIN line)")
        }
        let label = String(lines[begin].dropFirst("-----BEGIN ".count).dropLast(5))
        guard label == expected else {
            let hint = label.contains("ENCRYPTED") ? ": it is encrypted (openssl pkey -in KEY -out PLAIN.pem writes it without a passphrase)"
                : label == "PUBLIC KEY" ? ": it is a public key" : label == "PRIVATE KEY" ? ": it is a private key" : ""
            throw ExportError.refused("\(name) holds a \(label), not a \(expected)\(hint)")
        }
        guard let end = lines[begin...].firstIndex(of: "-----END \(label)-----"),
            let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()), !der.isEmpty
        else { throw ExportError.refused("\(name) is a damaged PEM file") }
        return der
    }

    static func encode(_ der: Data, name: String) -> String {
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(name)-----\n\(body)\n-----END \(name)-----\n"
    }
}

/// The two DER shapes of Ed25519 keys (RFC 8410), read by their fixed bytes: the algorithm
/// has no parameters, so every conforming encoder writes the same prefix.
enum DER {
    /// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
    static let ed25519PrivatePrefix = Data([0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
    /// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits, 32 bytes) }.
    static let ed25519PublicPrefix = Data([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00])

    /// The seed of a PKCS#8 Ed25519 key: version 1 (RFC 5208, what OpenSSL writes) or version 2
    /// with the public key after it (RFC 5958 `OneAsymmetricKey`, RFC 8410 §10.3).
    static func ed25519PrivateKey(_ der: Data) -> Data? {
        let bytes = [UInt8](der)
        let body = [UInt8](ed25519PrivatePrefix.dropFirst(5))  // from the algorithm on
        // SEQUENCE, short length covering the rest, INTEGER version 0 or 1.
        guard bytes.count >= 48, bytes[0] == 0x30, Int(bytes[1]) == bytes.count - 2, bytes[2...3] == [0x02, 0x01], bytes[4] <= 1,
            Array(bytes[5..<16]) == body
        else { return nil }
        // Version 1 has nothing after the seed; version 2 may add attributes [0] and the public key [1].
        guard bytes[4] == 1 || bytes.count == 48 else { return nil }
        return Data(bytes[16..<48])
    }
}
