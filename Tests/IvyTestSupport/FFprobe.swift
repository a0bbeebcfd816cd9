import Foundation
import IvyArchive

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

    /// Chapters as ffprobe reads them: start and end in seconds, and the title.
    public static func chapters(_ path: String) async throws -> [(start: Double, end: Double, title: String)] {
        let output = try await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_chapters", path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        return (json["chapters"] as? [[String: Any]] ?? []).map { chapter in
            let tags = chapter["tags"] as? [String: Any] ?? [:]
            return (Double(chapter["start_time"] as? String ?? "") ?? -1, Double(chapter["end_time"] as? String ?? "") ?? -1,
                    tags["title"] as? String ?? "")
        }
    }

    /// Frames of the first video stream, counted by decoding it, and its duration in seconds.
    public static func videoFrames(_ path: String) async throws -> (count: Int, duration: Double) {
        let output = try await run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                               "stream=nb_read_frames,duration", "-of", "json", path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        let stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
        return (Int(stream["nb_read_frames"] as? String ?? "") ?? 0, Double(stream["duration"] as? String ?? "") ?? 0)
    }

    /// Format tags (`title`, `creation_time`, ...).
    public static func tags(_ path: String) async throws -> [String: String] {
        let output = try await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        return ((json["format"] as? [String: Any])?["tags"] as? [String: String]) ?? [:]
    }

    /// Runs `tool` (found on the PATH) and returns its standard output, with its standard error
    /// after it when `includeErrors` is set.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], includeErrors: Bool = false) async throws -> String {
        let result = try await Subprocess.run(tool, arguments)
        return includeErrors ? result.stdout + result.stderr : result.stdout
    }
}

/// An MP4's top-level boxes, read directly: what no player reports.
public enum MP4Boxes {
    /// Reads the top-level boxes: `moov` must come before `mdat`.
    public static func moovBeforeMdat(_ path: String) throws -> Bool {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var position = 0
        var order: [String] = []
        while position + 8 <= data.count {
            let size = data[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: data[position + 4..<position + 8], as: UTF8.self)
            order.append(type)
            guard size >= 8 else { break }
            position += size
        }
        guard let moov = order.firstIndex(of: "moov"), let mdat = order.firstIndex(of: "mdat") else { return false }
        return moov < mdat
    }
}

/// A file's SHA-256 as coreutils' `sha256sum` computes it: a judge independent of our own hashing.
public func sha256sum(_ path: String) async throws -> String {
    let result = try await Subprocess.run("sha256sum", [path])
    return String(result.stdout.prefix { $0 != " " })
}

/// Every `.mp4` under `root`, relative to it, sorted.
public func mp4Files(in root: String) -> [String] {
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let path = enumerator?.nextObject() as? String {
        if path.hasSuffix(".mp4") { found.append(path) }
    }
    return found.sorted()
}

/// A fresh directory under the system's temporary folder.
public func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ivy-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A new empty archive in a temporary folder, as `ivy-archiver init` makes one.
public func makeArchiveDirectory() throws -> String {
    try ArchiveFolder.create(at: try makeTemporaryDirectory()).folder.root
}
