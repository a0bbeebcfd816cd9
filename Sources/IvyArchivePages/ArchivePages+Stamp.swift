public import Foundation
public import IvyDomain

/// What the pages were last drawn from, in one line beside them (`pages/drawn-from`): the
/// catalog's generation (`Catalog.generation()`), the cameras' time zones, the templates and
/// the tool's version. A backup that archived, pruned and marked nothing leaves the catalog's
/// generation as it was, so its pages need not be read nor drawn again: they already show
/// the archive as it is. Only the trailing gap of a camera's newest day (which ends at the
/// time the pages were drawn) and the index's "Updated" line stay as they were, both naming
/// the moment the pages describe; the next run that changes anything redraws them.
extension ArchivePages {
    /// `ARCHIVE/.ivy-archiver/pages/drawn-from`.
    var stampPath: String { pagesFolder + "/" + PageFiles.stamp }

    /// The stamp of pages drawn from the catalog at `generation`, each camera of `zones` in its
    /// zone, by this version of the tool and its templates.
    public func stamp(generation: Int64, zones: [CameraID: TimeZone]) -> String {
        let cameras = zones.sorted { $0.key.mac < $1.key.mac }.map { "\($0.key.mac)=\($0.value.identifier)" }.joined(separator: ",")
        return "generation \(generation); tool \(toolVersion); templates \(PageFingerprint.allTemplates); recent days \(recentDays); zones \(cameras)\n"
    }

    /// Whether the pages in the archive were drawn in full from `stamp`: a stamp is written
    /// only after every page is, and removed before any page is redrawn.
    public func areDrawn(from stamp: String) -> Bool {
        FileManager.default.fileExists(atPath: indexPath) && FileManager.default.contents(atPath: stampPath) == Data(stamp.utf8)
    }
}
