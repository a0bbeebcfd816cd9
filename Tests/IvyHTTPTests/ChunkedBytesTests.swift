import IvyHTTP
import Testing

@Suite struct ChunkedBytesTests {
    @Test func chunksAreKeptAsTheyCameAndEmptyOnesDropped() {
        var body = ChunkedBytes()
        #expect(body.isEmpty)
        body.append([1, 2, 3])
        body.append([])
        body.append([4])
        body.append([5, 6])
        #expect(body.chunks == [[1, 2, 3], [4], [5, 6]])
        #expect(body.count == 6)
        #expect(body.joined() == [1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: 0...8)
    func aPrefixCrossesChunkBoundaries(length: Int) {
        var body = ChunkedBytes([1, 2])
        body.append([3])
        body.append([4, 5, 6])
        #expect(body.prefix(length) == Array([1, 2, 3, 4, 5, 6].prefix(length)))
    }
}
