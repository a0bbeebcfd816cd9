import Foundation
import FuzzSupport
import IvyArchive
import IvyCloud
import IvyDomain

/// Whatever text a user or the cloud gives as a time, and whatever a configuration gives as
/// archive paths, nothing traps. The input, as text, is each of these at once:
/// - an hour of `record.date.query` (`RecordingHour(cloudText:)`), and as JSON a `dateList`
///   or a `recordList` (`[RecordingHour]`, `[Recording]`);
/// - an `export --from/--to` date-time (`ExportTime.parse`), resolved in several time zones;
/// - a `path_template` (`ArchiveLayout(template:)`), rendered for clips in several time zones,
///   among them instants on clock changes;
/// - a camera name and MAC, rendered into the default layout's paths.
///
/// A thrown error (or `nil`) is a fine outcome; only a crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDates(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzzing.bytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)

    if let hour = RecordingHour(cloudText: text) { _ = (hour.dayNumber, hour.description) }
    let decoder = JSONDecoder()
    if let hours = try? decoder.decode([RecordingHour].self, from: Data(bytes)) { _ = hours.sorted().map(\.description) }
    if let recordings = try? decoder.decode([Recording].self, from: Data(bytes)) { _ = recordings.map { ($0.duration, $0.type.name) } }

    do {
        let time = try ExportTime.parse(text)
        for zone in zones { _ = try? time.resolve(in: zone) }
    } catch {
        _ = String(describing: error)
    }

    // Clips the cloud may list (its times lie in 2000-2100): fixed ones on clock changes, and
    // one the input picks.
    let start = instant(from: bytes)
    let picked = Recording(start: start, end: start + 600, type: RecordType(rawValue: Int(bytes.first ?? 0) - 1))
    if let layout = try? ArchiveLayout(template: text) {
        // UTC, Berlin and New York: the zones the sample clips change clocks in.
        for clip in sampleClips + [picked] {
            for zone in zones.prefix(3) { _ = layout.relativePath(deviceName: "Garage", camera: CameraID("00:62:6e:8a:1b:02")!, recording: clip, timeZone: zone) }
        }
    }
    for zone in zones {
        if let camera = CameraID(text) { _ = defaultLayout.relativePath(deviceName: text, camera: camera, recording: picked, timeZone: zone) }
        _ = defaultLayout.relativePath(deviceName: text, camera: CameraID("00626E8A1B02")!, recording: picked, timeZone: zone)
        _ = RecordingTime(picked.start).wallClock(in: zone)
    }
    _ = (ArchiveLayout.safeName(text), CameraID(text))
    return 0
}

/// Zones with daylight saving time both ways, half- and quarter-hour offsets, a 30-minute
/// shift (Lord Howe), and none.
private let zones: [TimeZone] = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns"]
    .compactMap { TimeZone(identifier: $0) }

private let defaultLayout = try! ArchiveLayout()

/// Clips on clock changes: 2023-11-05 01:30 in New York, both times; 2023-10-29 02:30 in
/// Berlin, both times; one across Berlin's skipped hour on 2023-03-26; and a chunk across
/// midnight UTC.
private let sampleClips: [Recording] = [
    Recording(start: 1_699_162_200, end: 1_699_162_260, type: .motion),
    Recording(start: 1_699_165_800, end: 1_699_166_400, type: .continuous),
    Recording(start: 1_698_539_400, end: 1_698_539_460, type: .human),
    Recording(start: 1_698_543_000, end: 1_698_543_600, type: .continuous),
    Recording(start: 1_679_792_100, end: 1_679_792_700, type: RecordType(rawValue: 42)),
    Recording(start: 1_700_006_100, end: 1_700_006_700, type: .continuous),
]

/// An instant in 2000-2100 (the range the client accepts from the cloud) from the input's bytes.
private func instant(from bytes: [UInt8]) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    let first: Int64 = 946_684_800, last: Int64 = 4_102_444_800
    return first + Int64(hash % UInt64(last - first))
}
