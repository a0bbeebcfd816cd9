import Foundation
@testable import IvyHLS
import Testing

/// Tags that change which bytes make up a recording: honoured, or refused naming their line.
@Suite struct PlaylistTagTests {
    let parser = PlaylistParser()
    let base = "https://cdn.example.com/store/cam/index.m3u8?token=t1"

    func media(_ text: String, url: String? = nil) throws -> MediaPlaylist {
        guard case .media(let playlist) = try parser.parse(text, url: url ?? base) else { throw PlaylistError.empty }
        return playlist
    }

    static func playlist(_ body: String) -> String {
        "#EXTM3U\n#EXT-X-VERSION:8\n#EXT-X-TARGETDURATION:2\n" + body + "\n#EXT-X-ENDLIST\n"
    }

    @Test func aGapSegmentIsMarkedAndCountsAsAHole() throws {
        let playlist = try media(Self.playlist("#EXTINF:2.0\nseg0.ts\n#EXT-X-GAP\n#EXTINF:2.0\nseg1.ts\n#EXTINF:2.0\nseg2.ts"))
        #expect(playlist.segments.map(\.gap) == [false, true, false])
        #expect(playlist.duration == 6)
        #expect(playlist.mediaDuration == 4)
    }

    @Test func aPlaylistOfGapsOnlyIsRefused() {
        #expect(throws: PlaylistError.malformed) { try media(Self.playlist("#EXT-X-GAP\n#EXTINF:2.0\nseg0.ts")) }
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let playlist = try media("\u{FEFF}" + Self.playlist("#EXTINF:2.0\nseg0.ts"))
        #expect(playlist.segments.count == 1)
        #expect(HLSDownloader.looksLikePlaylist([0xEF, 0xBB, 0xBF] + Array("#EXTM3U\n".utf8)))
        #expect(!HLSDownloader.looksLikePlaylist(Array("<!DOCTYPE html><html>".utf8)))
    }

    @Test func variablesAreSubstitutedInURIsAndAttributes() throws {
        let playlist = try media(Self.playlist("""
            #EXT-X-DEFINE:NAME="host",VALUE="https://media.example.com"
            #EXT-X-DEFINE:QUERYPARAM="token"
            #EXT-X-MAP:URI="{$host}/init.mp4?token={$token}"
            #EXTINF:2.0
            {$host}/seg0.m4s?token={$token}
            """))
        #expect(playlist.segments[0].url == "https://media.example.com/seg0.m4s?token=t1")
        #expect(playlist.segments[0].map?.url == "https://media.example.com/init.mp4?token=t1")
    }

    @Test func anUndefinedVariableOrAnImportIsRefusedWithItsLine() {
        #expect(throws: PlaylistError.malformed) { try media(Self.playlist("#EXTINF:2.0\n{$nowhere}/seg0.ts")) }
        do {
            _ = try media(Self.playlist("#EXT-X-DEFINE:IMPORT=\"host\"\n#EXTINF:2.0\nseg0.ts"))
            Issue.record("IMPORT was accepted")
        } catch let error as PlaylistError {
            #expect(error == .unsupported && error.line == 4, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test(arguments: ["#EXT-X-I-FRAMES-ONLY", "#EXT-X-SKIP:SKIPPED-SEGMENTS=3"])
    func tagsThatLeaveMediaOutAreRefused(tag: String) {
        #expect(throws: PlaylistError.unsupported) { try media(Self.playlist(tag + "\n#EXTINF:2.0\nseg0.ts")) }
    }

    @Test func aDRMKeyAloneIsRefusedButBesideAnIdentityKeyIsIgnored() throws {
        let fairPlay = "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://k\",KEYFORMAT=\"com.apple.streamingkeydelivery\""
        #expect(throws: PlaylistError.unsupportedEncryption) { try media(Self.playlist(fairPlay + "\n#EXTINF:2.0\nseg0.ts")) }
        let both = try media(Self.playlist("#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n" + fairPlay + "\n#EXTINF:2.0\nseg0.ts"))
        #expect(both.segments[0].key?.url == "https://cdn.example.com/store/cam/key.bin")
    }

    @Test func aVariantWhoseAudioIsASeparateRenditionIsMarked() throws {
        let text = """
            #EXTM3U
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="audio.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=1280x720,AUDIO="aud"
            video.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360
            small.m3u8
            """
        guard case .multivariant(let variants) = try parser.parse(text, url: base) else { Issue.record("not multivariant"); return }
        #expect(variants.best?.separateAudioLine == 2)
        #expect(variants.first { $0.url.hasSuffix("small.m3u8") }?.separateAudioLine == nil)
    }

    @Test func relativeURIsResolveAgainstTheURLGiven() throws {
        // The downloader passes the URL after redirects; resolution itself is RFC 3986.
        let playlist = try media(Self.playlist("#EXTINF:2.0\nseg0.ts"), url: "https://edge.example.com/moved/cam/clip.m3u8?sign=s")
        #expect(playlist.segments[0].url == "https://edge.example.com/moved/cam/seg0.ts")
    }

    @Test func mediaIsToldFromPagesAndNothing() {
        var ts = [UInt8](repeating: 0, count: 188 * 3)
        for packet in 0..<3 { ts[packet * 188] = 0x47 }
        #expect(MediaSignature.problem(in: ts) == nil)
        #expect(MediaSignature.problem(in: [0, 0, 0, 24] + Array("styp".utf8) + [UInt8](repeating: 0, count: 16)) == nil)
        #expect(MediaSignature.problem(in: [0xFF, 0xF1, 0x50, 0x80]) == nil, "ADTS")
        #expect(MediaSignature.problem(in: Array("ID3\u{4}".utf8)) == nil)
        #expect(MediaSignature.problem(in: [])?.contains("empty") == true)
        let page = MediaSignature.problem(in: Array("<!DOCTYPE html>\n<html><body>busy</body></html>".utf8))
        #expect(page?.contains("<!DOCTYPE html>") == true, "\(page ?? "")")
        var broken = ts
        broken[188] = 0x00
        #expect(MediaSignature.problem(in: broken) != nil, "one sync byte is not enough")
        #expect(MediaSignature.initSectionProblem(in: [0, 0, 0, 16] + Array("ftypisom".utf8) + [0, 0, 0, 0]) == nil)
    }

    @Test func aBadPaddingKeepsTheSegmentWhole() throws {
        let key = [UInt8](repeating: 7, count: 16)
        let iv = [UInt8](repeating: 1, count: 16)
        let plain = [UInt8](repeating: 0x47, count: 188 * 2)
        // Zero-filled instead of PKCS#7, as some packagers do.
        let zeroFilled = plain + [UInt8](repeating: 0, count: 16 - plain.count % 16 + 16)
        let cipher = try Self.encrypt(zeroFilled, key: key, iv: iv)
        guard case .success(let decrypted) = SegmentDecryption.decrypt(cipher, key: key, iv: iv) else { Issue.record("failed"); return }
        #expect(decrypted.bytes.prefix(plain.count) == plain[...])
        #expect(decrypted.paddingProblem != nil)
        let proper = try Self.encrypt(plain + [UInt8](repeating: 8, count: 8), key: key, iv: iv)
        guard case .success(let unpadded) = SegmentDecryption.decrypt(proper, key: key, iv: iv) else { Issue.record("failed"); return }
        #expect(unpadded.bytes == plain && unpadded.paddingProblem == nil)
        guard case .failure = SegmentDecryption.decrypt(Array(cipher.dropLast(3)), key: key, iv: iv) else { Issue.record("a torn body decrypted"); return }
    }

    /// `openssl enc -nopad`: the independent judge of our AES-CBC.
    static func encrypt(_ bytes: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["enc", "-aes-128-cbc", "-nopad", "-K", hex(key), "-iv", hex(iv)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
