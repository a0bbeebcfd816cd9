public import Foundation

/// How an export's sidecar is signed: Ed25519 (RFC 8032, pure, no pre-hash) over the bytes of
/// `FILE.mp4.json` exactly as written, nothing else (the sidecar holds the MP4's SHA-256, so the
/// signature covers the MP4 through it). The signature is `FILE.mp4.json.sig`: the 64-byte
/// signature in base64 on one line. Reading it, a file of the raw 64 bytes is taken too.
///
/// OpenSSL checks it on its own:
/// `base64 -d FILE.mp4.json.sig > sig.bin`,
/// `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in FILE.mp4.json -sigfile sig.bin`.
public enum ExportSignature {
    /// `FILE.mp4.json` -> `FILE.mp4.json.sig`.
    public static func signaturePath(for sidecar: String) -> String { sidecar + ".sig" }

    /// The signature file's text: base64 and a newline.
    public static func sign(_ bytes: Data, with key: ExportSigningKey) throws -> String {
        try key.signature(of: bytes).base64EncodedString() + "\n"
    }

    /// Whether `signatureFile` (the `.sig` file's bytes) is `key`'s signature of `bytes`.
    public static func verify(_ bytes: Data, signatureFile: Data, with key: ExportPublicKey) -> Bool {
        guard let signature = decode(signatureFile) else { return false }
        return key.isValid(signature, of: bytes)
    }

    /// The 64 raw bytes: from base64 text (whitespace around it ignored), or the raw bytes.
    static func decode(_ file: Data) -> Data? {
        if let text = String(data: file, encoding: .utf8), let decoded = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            decoded.count == 64
        {
            return decoded
        }
        return file.count == 64 ? file : nil
    }
}
