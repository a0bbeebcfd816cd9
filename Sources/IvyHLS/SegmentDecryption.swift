import Crypto
import _CryptoExtras

/// AES-128-CBC as `EXT-X-KEY:METHOD=AES-128` asks (RFC 8216 §4.3.2.4), with PKCS#7 padding
/// checked by hand: packagers that zero-fill the last block instead are common, and one bad
/// block must not cost a whole segment of good media.
enum SegmentDecryption {
    struct Decrypted {
        var bytes: [UInt8]
        /// Set when the padding did not check out: the bytes are then kept whole, padding and all.
        var paddingProblem: String?
    }

    enum Outcome {
        case success(Decrypted)
        /// The body cannot be AES-128-CBC at all (its length is no whole number of blocks).
        case failure(String)
    }

    static func decrypt(_ body: [UInt8], key: [UInt8], iv: [UInt8]) -> Outcome {
        guard !body.isEmpty, body.count % 16 == 0 else {
            return .failure("\(body.count) bytes is not a whole number of 16-byte blocks")
        }
        let plain: [UInt8]
        do {
            plain = Array(try AES._CBC.decrypt(body, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
        } catch {
            return .failure("\(error)")
        }
        let pad = Int(plain.last ?? 0)
        if (1...16).contains(pad), plain.suffix(pad).allSatisfy({ Int($0) == pad }) {
            return .success(Decrypted(bytes: Array(plain.dropLast(pad))))
        }
        return .success(Decrypted(bytes: plain, paddingProblem: "the last byte is \(pad), which is no PKCS#7 padding"))
    }
}
