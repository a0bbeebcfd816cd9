@testable import IvyMedia
import Testing

/// The byte-level pieces of `--exact`: parameter sets out of avcC/hvcC, Annex B into lengths.
@Suite struct ParameterSetsTests {
    @Test func avcCGivesItsSPSAndPPSWithTheLengthSize() throws {
        let sps: [UInt8] = [0x67, 0x4D, 0x00, 0x1F, 0xAB]
        let pps: [UInt8] = [0x68, 0xEE, 0x3C, 0x80]
        let avcC: [UInt8] = [1, 0x4D, 0x00, 0x1F, 0xFF, 0xE1, 0, 5] + sps + [1, 0, 4] + pps
        let parsed = try #require(ParameterSets.parse(avcC, hevc: false))
        #expect(parsed.lengthSize == 4)
        #expect(parsed.units == [sps, pps])
        #expect(ParameterSets.lengthPrefixed(parsed.units, lengthSize: 4) == [0, 0, 0, 5] + sps + [0, 0, 0, 4] + pps)
        #expect(ParameterSets.parse([0, 0, 0, 1, 0x67], hevc: false) == nil, "Annex B extradata is not avcC")
        #expect(ParameterSets.parse(Array(avcC.prefix(9)), hevc: false) == nil, "a truncated record is refused")
    }

    @Test func hvcCGivesItsArrays() throws {
        let vps: [UInt8] = [0x40, 0x01, 0x0C]
        let sps: [UInt8] = [0x42, 0x01, 0x01, 0x01]
        var hvcC = [UInt8](repeating: 0, count: 21)
        hvcC[0] = 1
        hvcC += [0x0F, 2, 0x20, 0, 1, 0, 3] + vps + [0x21, 0, 1, 0, 4] + sps
        let parsed = try #require(ParameterSets.parse(hvcC, hevc: true))
        #expect(parsed.lengthSize == 4 && parsed.units == [vps, sps])
    }

    @Test func annexBIsSplitAtThreeAndFourByteStartCodes() {
        let stream: [UInt8] = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 6]
        let units = stream.withUnsafeBufferPointer { ParameterSets.annexBUnits($0) }
        #expect(units == [[0x67, 1, 2], [0x68, 3], [0x65, 4, 5, 6]])
    }
}
