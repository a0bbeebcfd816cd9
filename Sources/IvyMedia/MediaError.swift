import CFFmpeg

/// A failure inside FFmpeg, with FFmpeg's own words for it.
public struct MediaError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let code: Int32
    public let message: String

    init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
        if av_strerror(code, &buffer, buffer.count) < 0 {
            message = "error \(code)"
        } else {
            message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// A failure we found ourselves (not an FFmpeg return code), in our own words.
    init(_ operation: String, message: String) {
        self.operation = operation
        self.code = ivy_averror_invaliddata()
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}

/// FFmpeg's convention: a negative return is an error code.
func check(_ code: Int32, _ operation: String) throws {
    guard code >= 0 else { throw MediaError(operation, code: code) }
}

/// Process-wide FFmpeg settings, applied once before the first context is opened.
enum FFmpegSetup {
    /// FFmpeg logs to stderr unless told otherwise; a library must not print, and every
    /// failure reaches the caller as a `MediaError` with FFmpeg's own words.
    static let once: Void = av_log_set_level(AV_LOG_QUIET)
}
