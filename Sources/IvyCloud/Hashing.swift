import Crypto

/// Lowercase hex MD5, as the cloud wants it for passwords, session tokens and signs.
/// MD5 is the cloud's choice, not ours: it is used here for protocol fields only.
enum Hashing {
    static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
