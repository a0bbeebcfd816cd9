import Foundation

/// Debian's ffprobe and ffmpeg, the independent judges of every media file a test makes.
public enum FFprobe {
    public struct Report: Sendable {
        public struct Stream: Sendable {
            public var type: String
            public var codec: String
            public var tag: String
            public var width: Int?
            public var height: Int?
        }
        public var formatName: String
        public var duration: Double
        public var streams: [Stream]

        public func codec(_ type: String) -> String? { streams.first { $0.type == type }?.codec }
    }

    public static func probe(_ path: String) async throws -> Report {
        let output = try await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        let format = json["format"] as? [String: Any] ?? [:]
        let streams = (json["streams"] as? [[String: Any]] ?? []).map { stream in
            Report.Stream(
                type: stream["codec_type"] as? String ?? "", codec: stream["codec_name"] as? String ?? "",
                tag: stream["codec_tag_string"] as? String ?? "", width: stream["width"] as? Int, height: stream["height"] as? Int)
        }
        return Report(formatName: format["format_name"] as? String ?? "", duration: Double(format["duration"] as? String ?? "") ?? 0, streams: streams)
    }

    /// What `ffmpeg -v error -i F -f null -` prints: empty for a file that decodes cleanly.
    public static func decodeErrors(_ path: String) async throws -> String {
        try await run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-f", "null", "-"], includeErrors: true)
    }

    /// Packet timestamps of one stream (`v:0`, `a:0`), in seconds, in file order.
    public static func packetTimes(_ path: String, stream: String) async throws -> [Double] {
        let output = try await run("ffprobe", ["-v", "error", "-select_streams", stream, "-show_entries", "packet=dts_time", "-of", "csv=p=0", path])
        // One packet a line, sometimes with a trailing comma and blank lines between.
        return output.split(separator: "\n").compactMap { line in
            line.split(separator: ",").first.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// Runs `tool` (found on the PATH) and returns its standard output, with its standard error
    /// after it when `includeErrors` is set.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], includeErrors: Bool = false) async throws -> String {
        let result = try await Subprocess.run(tool, arguments)
        return includeErrors ? result.stdout + result.stderr : result.stdout
    }
}

/// A fresh directory under the system's temporary folder.
public func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ivy-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
