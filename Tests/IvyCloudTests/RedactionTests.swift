import IvyCloud
import Testing

/// `Redaction.text`: free text that leaves the machine keeps its words, not its secrets.
@Suite struct RedactionTests {
    @Test func aSignedURLInASentenceLosesItsSignatureAndKeepsTheSentence() {
        #expect(Redaction.text("GET https://cdn.example.com/a.m3u8?expires=9&sign=abc&token=def: HTTP 403 (twice)")
            == "GET https://cdn.example.com/a.m3u8?expires=9&sign=REDACTED&token=REDACTED: HTTP 403 (twice)")
    }

    @Test func aPasswordInAURLIsRedactedWithItsUser() {
        #expect(Redaction.text("cannot reach mailto://me:pa55@mail.example.com/?to=x") == "cannot reach mailto://REDACTED@mail.example.com/?to=x")
        #expect(Redaction.text("see https://example.com/a@b") == "see https://example.com/a@b", "an @ in the path is no user")
    }

    @Test func secretPairsOutsideURLsAndBearerTokensAreRedacted() {
        #expect(Redaction.text("refresh_token=abc rejected") == "refresh_token=REDACTED rejected")
        #expect(Redaction.text(#"{"accessToken":"abc","user":"me"}"#) == #"{"accessToken":"REDACTED","user":"me"}"#)
        #expect(Redaction.text("Authorization: Bearer abc.def") == "Authorization: Bearer REDACTED")
        #expect(Redaction.text("x=1&password=hunter2&y=2") == "x=1&password=REDACTED&y=2")
    }

    @Test func ordinaryTextIsLeftAlone() {
        let text = "HTTP 503, after 5 tries; segment 12: timed out at 03:15"
        #expect(Redaction.text(text) == text)
        #expect(Redaction.text("") == "")
    }
}
