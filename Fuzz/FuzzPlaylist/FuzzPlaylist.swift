import FuzzSupport
import IvyHLS

/// Whatever a playlist server sends, the parser does not trap: the input is read as the
/// downloader reads a playlist body (UTF-8, invalid bytes replaced) and parsed against a
/// signed URL like `record.play`'s, whose query `EXT-X-DEFINE:QUERYPARAM` may read. What the
/// downloader reads of the result is read too (the best variant, byte ranges, IVs). The same
/// bytes are judged as a segment's first bytes (`MediaSignature`).
///
/// A thrown `PlaylistError` is a fine outcome; only a crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlaylist(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzzing.bytes(data, size)
    do {
        switch try parser.parse(String(decoding: bytes, as: UTF8.self), url: playlistURL) {
        case .media(let playlist):
            _ = (playlist.duration, playlist.mediaDuration, playlist.longestSegment, playlist.targetDuration, playlist.mediaSequence)
            for segment in playlist.segments {
                _ = (segment.url, segment.byteRange?.httpRange, segment.key?.iv(forSequence: segment.sequence), segment.map?.byteRange?.httpRange)
            }
        case .multivariant(let variants):
            if let best = variants.best { _ = (best.url, best.separateAudioLine, best.codecs) }
        }
    } catch {
        _ = String(describing: error)
    }
    _ = MediaSignature.problem(in: bytes)
    _ = MediaSignature.initSectionProblem(in: bytes)
    return 0
}

private let parser = PlaylistParser()

private let playlistURL = "https://store.example.com/hls/00626E8A1B02/1700000000/index.m3u8?timerange=1700000000-1700000600&expires=1700004500&token=t1&sign=abc"
