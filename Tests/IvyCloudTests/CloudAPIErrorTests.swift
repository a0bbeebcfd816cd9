import IvyCloud
import Testing

/// The line a refusal becomes: the cloud's code, its documented meaning and the cloud's own
/// text, each said once.
@Suite struct CloudAPIErrorTests {
    @Test(arguments: ["password does not match", "The password does not match.", "  PASSWORD DOES NOT MATCH "])
    func detailsThatRestateTheMeaningAreSaidOnce(_ details: String) {
        let error = CloudAPIError(code: CloudErrorCode(rawValue: "030061"), service: "oauth2.token", failureDetails: details)
        #expect(error.description == "oauth2.token failed: 030061 FC_AUTH_PASSWORD_NOT_MATCH (The password does not match)")
    }

    @Test func detailsThatAddSomethingAreKept() {
        let known = CloudAPIError(code: CloudErrorCode(rawValue: "030061"), service: "oauth2.token", failureDetails: "account locked for 10 minutes")
        #expect(known.description.hasSuffix("(The password does not match): account locked for 10 minutes"))
        let unknown = CloudAPIError(code: CloudErrorCode(rawValue: "123456"), service: "record.query", failureDetails: "try later")
        #expect(unknown.description == "record.query failed: 123456: try later")
        let empty = CloudAPIError(code: CloudErrorCode(rawValue: "030061"), service: "oauth2.token", failureDetails: ".")
        #expect(empty.description.hasSuffix(": ."))
    }
}
