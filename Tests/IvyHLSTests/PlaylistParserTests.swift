import IvyHLS
import Testing

/// RFC 8216 parsing, friendly and hostile.
@Suite struct PlaylistParserTests {
    let parser = PlaylistParser()
    let base = "https://cdn.example.com/hls/cam/1700000000/index.m3u8?timerange=1-2&expires=3&sign=abc"

    func media(_ text: String) throws -> MediaPlaylist {
        guard case .media(let playlist) = try parser.parse(text, url: base) else {
            Issue.record("expected a media playlist")
            return MediaPlaylist(targetDuration: 0, mediaSequence: 0, segments: [])
        }
        return playlist
    }

    @Test func aVODPlaylistWithEveryTagWeUse() throws {
        let playlist = try media("""
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:4
            #EXT-X-MEDIA-SEQUENCE:7
            #EXT-X-MAP:URI="init.mp4?sign=m"
            #EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k?sign=k",IV=0x000102030405060708090a0b0c0d0e0f
            #EXTINF:4.000,
            0.m4s?sign=s0
            #EXT-X-KEY:METHOD=NONE
            #EXT-X-DISCONTINUITY
            #EXTINF:3.5,title, with comma
            /other/1.m4s?sign=s1
            #EXT-X-BYTERANGE:1000@200
            #EXTINF:2,
            ../2.m4s
            #EXT-X-BYTERANGE:500
            #EXTINF:2,
            ../2.m4s
            #EXT-X-ENDLIST
            """)
        #expect(playlist.targetDuration == 4)
        #expect(playlist.mediaSequence == 7)
        #expect(playlist.segments.map(\.sequence) == [7, 8, 9, 10])
        #expect(playlist.segments.map(\.duration) == [4, 3.5, 2, 2])
        #expect(playlist.duration == 11.5)
        #expect(playlist.segments[0].url == "https://cdn.example.com/hls/cam/1700000000/0.m4s?sign=s0")
        #expect(playlist.segments[1].url == "https://cdn.example.com/other/1.m4s?sign=s1")
        #expect(playlist.segments[2].url == "https://cdn.example.com/hls/cam/2.m4s")
        #expect(playlist.segments.map(\.discontinuity) == [false, true, false, false])
        #expect(playlist.segments[0].key?.url == "https://keys.example.com/k?sign=k")
        #expect(playlist.segments[0].key?.iv(forSequence: 7) == Array(0...15))
        #expect(playlist.segments[1].key == nil)
        #expect(playlist.segments.allSatisfy { $0.map?.url == "https://cdn.example.com/hls/cam/1700000000/init.mp4?sign=m" })
        #expect(playlist.segments[2].byteRange?.httpRange == "bytes=200-1199")
        #expect(playlist.segments[3].byteRange?.httpRange == "bytes=1200-1699")
    }

    @Test func theIVDefaultsToTheSequenceNumber() throws {
        let playlist = try media("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:258\n#EXT-X-KEY:METHOD=AES-128,URI=\"key\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n")
        #expect(playlist.segments[0].key?.iv(forSequence: 258) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2])
    }

    @Test func aMultivariantPlaylistOffersItsBestVariant() throws {
        let result = try parser.parse("""
            #EXTM3U
            #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
            low.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1920x1080
            high.m3u8?sign=x
            #EXT-X-STREAM-INF:BANDWIDTH=1500000,RESOLUTION=1280x720
            mid.m3u8
            """, url: base)
        guard case .multivariant(let variants) = result else { Issue.record("expected variants"); return }
        #expect(variants.count == 3)
        #expect(variants[0].codecs == "avc1.4d401e,mp4a.40.2")
        #expect(variants.best?.url == "https://cdn.example.com/hls/cam/1700000000/high.m3u8?sign=x")
    }

    /// A resolution no picture has (its area overflowed `Int` when variants were compared, as
    /// reading the code found): not a size at all, so the real one wins.
    @Test func anAbsurdResolutionIsNoSize() throws {
        let result = try parser.parse("""
            #EXTM3U
            #EXT-X-STREAM-INF:BANDWIDTH=900,RESOLUTION=9999999999x9999999999
            huge.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=800,RESOLUTION=4611686018427387904x4
            wrap.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=100,RESOLUTION=640x360
            real.m3u8
            """, url: base)
        guard case .multivariant(let variants) = result else { Issue.record("expected variants"); return }
        #expect(variants.map(\.width) == [nil, nil, 640])
        #expect(variants.best?.url.hasSuffix("real.m3u8") == true)
    }

    struct Hostile: Sendable, CustomTestStringConvertible {
        var text: String
        var error: PlaylistError
        var line: Int
        var testDescription: String
    }

    static let hostile: [Hostile] = [
        Hostile(text: "<html>404</html>", error: .missingHeader, line: 1, testDescription: "not a playlist"),
        Hostile(text: "#EXTM3U\n#EXTINF:4,\na.ts\n", error: .notVOD, line: 0, testDescription: "no ENDLIST"),
        Hostile(text: "#EXTM3U\n#EXTINF:4,\nfile:///etc/passwd\n#EXT-X-ENDLIST", error: .unsupportedScheme, line: 3, testDescription: "file URI"),
        Hostile(text: "#EXTM3U\n#EXTINF:4,\nftp://x/a.ts\n#EXT-X-ENDLIST", error: .unsupportedScheme, line: 3, testDescription: "ftp URI"),
        Hostile(text: "#EXTM3U\n#EXTINF:abc,\na.ts\n#EXT-X-ENDLIST", error: .malformed, line: 2, testDescription: "bad EXTINF"),
        Hostile(text: "#EXTM3U\na.ts\n#EXT-X-ENDLIST", error: .malformed, line: 2, testDescription: "URI without EXTINF"),
        Hostile(text: "#EXTM3U\n#EXTINF:99999,\na.ts\n#EXT-X-ENDLIST", error: .tooLarge, line: 2, testDescription: "absurd segment"),
        Hostile(text: "#EXTM3U\n" + String(repeating: "#EXTINF:3000,\na.ts\n", count: 40) + "#EXT-X-ENDLIST", error: .tooLarge, line: 59,
                testDescription: "absurd total length"),
        Hostile(text: "#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"k\"\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST", error: .unsupportedEncryption, line: 2,
                testDescription: "SAMPLE-AES"),
        Hostile(text: "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x12\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST", error: .malformed, line: 2,
                testDescription: "short IV"),
        Hostile(text: "#EXTM3U\n#EXT-X-MAP:URI=\"unterminated\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST", error: .malformed, line: 2,
                testDescription: "unterminated quote"),
        Hostile(text: "#EXTM3U\n#EXT-X-ENDLIST\n", error: .empty, line: 0, testDescription: "no segments"),
        // Numbers near Int64's end: refused, never a trap when added up.
        Hostile(text: "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:9223372036854775806\n#EXTINF:4,\na.ts\n#EXTINF:4,\nb.ts\n#EXT-X-ENDLIST", error: .malformed,
                line: 2, testDescription: "media sequence near Int64.max"),
        Hostile(text: "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:99999999999999999999\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST", error: .malformed,
                line: 2, testDescription: "media sequence past Int64"),
        Hostile(text: "#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:9223372036854775807@9223372036854775807\na.ts\n#EXT-X-ENDLIST", error: .malformed,
                line: 3, testDescription: "byte range near Int64.max"),
        Hostile(text: "#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:100@9223372036854775800\na.ts\n#EXTINF:4,\n#EXT-X-BYTERANGE:100\nb.ts\n#EXT-X-ENDLIST",
                error: .malformed, line: 3, testDescription: "byte range offset near Int64.max"),
    ]

    @Test(arguments: hostile)
    func hostilePlaylistsEndInTypedErrors(_ input: Hostile) {
        do {
            _ = try parser.parse(input.text, url: base)
            Issue.record("expected \(input.error)")
        } catch let error as PlaylistError {
            #expect(error == input.error, "\(error)")
            #expect(error.line == input.line, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tooManyLinesOrSegmentsAreRefused() {
        var limits = PlaylistParser.Limits()
        limits.maxSegments = 10
        limits.maxLines = 100
        let small = PlaylistParser(limits: limits)
        let segments = "#EXTM3U\n" + String(repeating: "#EXTINF:1,\na.ts\n", count: 11) + "#EXT-X-ENDLIST"
        #expect(throws: PlaylistError.tooLarge) { try small.parse(segments, url: base) }
        let lines = "#EXTM3U\n" + String(repeating: "# comment\n", count: 200)
        #expect(throws: PlaylistError.tooLarge) { try small.parse(lines, url: base) }
    }
}
