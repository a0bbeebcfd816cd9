import GRDB
public import IvyDomain

extension Catalog {
    /// Every clip of `cameras` (every camera when empty) whose start (server Unix seconds) is
    /// in `starts` (any when `nil`), in any state, by camera then start: what `ls` and the
    /// archive's pages show.
    public func clips(of cameras: Set<CameraID>, startingIn starts: ClosedRange<Int64>? = nil) async throws -> [Clip] {
        try await read { db in
            var request = Clip.all()
            if !cameras.isEmpty { request = request.filter(cameras.contains(Clip.Columns.camera)) }
            if let starts { request = request.filter(starts.contains(Clip.Columns.start)) }
            return try request.order(Clip.Columns.camera, Clip.Columns.start).fetchAll(db)
        }
    }
}
