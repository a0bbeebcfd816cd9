import Foundation

enum JSONDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}

/// The part of every answer that says whether the call worked: `{errorCode, failureDetails}`,
/// plus `server_url` for `000077`, which may sit at the top or inside `data` (NOTES.md).
struct Envelope: Decodable {
    var errorCode: CloudErrorCode?
    var failureDetails: String
    var serverURL: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        // Success is an empty (or absent, or null) code; numbers are padded to the six digits
        // the document always shows.
        var code = c.string("errorCode")?.trimmingCharacters(in: " ") ?? ""
        if !code.isEmpty, code.allSatisfy(\.isNumber), code.count < 6 {
            code = String(repeating: "0", count: 6 - code.count) + code
        }
        errorCode = code.isEmpty ? nil : CloudErrorCode(rawValue: code)
        failureDetails = c.string("failureDetails") ?? ""
        if let url = c.string("server_url") ?? c.string("serverUrl") {
            serverURL = url
        } else if let data = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data")) {
            serverURL = data.string("server_url") ?? data.string("serverUrl")
        }
    }
}

/// `{"data": T}`.
struct DataReply<T: Decodable>: Decodable {
    var data: T
}
