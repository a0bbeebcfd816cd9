import CZlib

/// gzip (RFC 1952) through zlib, for the sandbox's `MediaFaults.gzip` answers: what a CDN edge
/// that compresses playlists and segments sends.
enum Gzip {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard ivy_deflate_init_gzip(&stream, Z_BEST_SPEED) == Z_OK else { return bytes }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // One call with a buffer of deflateBound's size always finishes; anything else is a bug.
        precondition(status == Z_STREAM_END, "gzip did not finish (zlib status \(status))")
        return Array(output.prefix(Int(stream.total_out)))
    }
}
