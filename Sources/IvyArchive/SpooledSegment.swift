import IvyHTTP
import IvyMedia

/// A spooled segment as the remux thread reads it.
struct SpooledSegment: ByteSource {
    let file: SpoolFile

    var count: Int { file.count }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        try file.read(into: buffer, at: offset)
    }
}
