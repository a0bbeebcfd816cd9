import Foundation
import IvyCloud
import IvyConcurrency
import IvyDomain

extension Backup {
    /// What one run will fetch, oldest first, and what it already knows it cannot.
    struct Plan: Sendable {
        struct Item: Sendable {
            var camera: CameraID
            /// For the cloud's calls, which take the MAC as the cloud spells it.
            var device: Device
            var recording: Recording
            var path: String

            var key: ClipKey { ClipKey(camera: camera, start: recording.start) }
        }

        /// A camera the cloud listed, under its one spelling.
        struct Camera: Sendable {
            var id: CameraID
            var device: Device
        }

        var items: [Item] = []
        var skipped = 0
        var skippedByCamera: [CameraID: Int] = [:]
        var failures: [Summary.Failure] = []
        /// The cameras walked, in the cloud's order.
        var cameras: [Camera] = []
        /// Every clip the cloud listed in this run, by camera: what it still holds.
        var listed: [CameraID: Set<Int64>] = [:]
        var from: Int64
        var to: Int64

        /// No listing had a gap (a camera or an entry that could not be read, a camera whose
        /// clips could not be listed: the failures without a clip). Only such a run is
        /// complete; otherwise the next starts before it.
        var listedInFull: Bool { !failures.contains { $0.start == nil } }
    }

    /// Lists every device's clips over its window and keeps those the archive lacks.
    func plan(_ context: Context, now: Int64) async throws -> Plan {
        let options = context.options
        let horizon = now - options.horizon
        let to = min(options.to ?? now, now)
        let listing = try await client.deviceListing()
        var plan = Plan(from: to, to: to)
        func listingFailed(_ camera: CameraID?, _ reason: String) {
            plan.failures.append(.init(device: camera, start: nil, reason: reason))
            context.events(.failed(device: camera, start: nil, reason: reason))
        }
        let (listed, unreadableMACs) = Self.distinct(listing.elements)
        var cameras = listed
        let unreadable = listing.unreadable + unreadableMACs
        if !unreadable.isEmpty {
            listingFailed(nil, "the cloud's device list had \(unreadable.count) entr\(unreadable.count == 1 ? "y" : "ies") "
                + "that could not be read (\(unreadable[0])): their cameras were not archived")
        }
        if !options.devices.isEmpty {
            // By MAC (any notation) or by name; a camera asked for that is not there is a mistake.
            let chosen = try options.devices.map { wanted in
                switch CameraLookup.find(wanted, in: cameras, camera: \.id, name: \.device.deviceName, place: "on the account") {
                case .success(let camera): return camera.id
                case .failure(let failure): throw BackupError.unknownDevice(failure.message)
                }
            }
            cameras = cameras.filter { chosen.contains($0.id) }
        }
        plan.cameras = cameras
        let lastWalk = options.from == nil ? try await context.catalog.lastCompleteWalk() : nil
        /// Archive-relative paths taken, so that a template that cannot tell two clips apart
        /// fails those clips instead of overwriting one with the other.
        var taken: [String: ClipKey] = [:]
        var unavailableCameras = 0
        var lastUnavailable: CloudClientError?
        for (index, camera) in cameras.enumerated() {
            let device = camera.device, mac = camera.id
            context.events(.listing(device: mac, name: device.deviceName, index: index, count: cameras.count))
            var from = options.from ?? 0
            if options.from == nil { from = try await walkStart(camera: mac, lastWalk: lastWalk, horizon: horizon, context: context) }
            plan.from = min(plan.from, from)
            let recordings: [Recording]
            do {
                let listing = try await list(device: device.macAddr, from: from, to: to, now: now, window: options.queryWindow)
                recordings = listing.elements
                if !listing.unreadable.isEmpty {
                    listingFailed(mac, "\(listing.unreadable.count) of its listed clips could not be read (\(listing.unreadable[0])); "
                        + "the next run lists them again")
                }
            } catch let error where Self.isCameraFailure(error) {
                // This camera's answer, not the account's: the other cameras go on.
                if let unavailable = error as? CloudClientError, unavailable.isUnavailable {
                    lastUnavailable = unavailable
                    unavailableCameras += 1
                }
                listingFailed(mac, "listing its recordings failed: \(error)")
                continue
            }
            plan.listed[mac, default: []].formUnion(recordings.map(\.start))
            try await context.catalog.noteCamera(mac, name: device.deviceName)
            try await context.catalog.noteSeen(mac, recordings: recordings)
            let zone = options.timeZone(of: mac)
            // What the catalog knows of the listed clips, in one query.
            let starts = recordings.map(\.start)
            var catalogued: [Int64: Catalog.Clip] = [:]
            if let first = starts.min(), let last = starts.max() { catalogued = try await context.catalog.clips(of: mac, startingIn: first...last) }
            var planned = 0
            for recording in recordings {
                let key = ClipKey(camera: mac, start: recording.start)
                let path = options.layout.relativePath(deviceName: device.deviceName, camera: mac, recording: recording, timeZone: zone)
                let known = catalogued[recording.start]
                if known?.state == .pruned { continue }
                if known?.state == .archived, let file = known?.file, FileManager.default.fileExists(atPath: context.root + "/" + file) {
                    plan.skipped += 1
                    plan.skippedByCamera[mac, default: 0] += 1
                    taken[file] = key
                    continue
                }
                if let owner = taken[path], owner != key {
                    let reason = "its file \(path) is already clip \(owner.start) of \(owner.camera): the path template must tell them apart"
                    try? await context.catalog.markFailed(key, error: reason)
                    plan.failures.append(.init(device: mac, start: recording.start, reason: reason))
                    context.events(.failed(device: mac, start: recording.start, reason: reason))
                    continue
                }
                taken[path] = key
                plan.items.append(.init(camera: mac, device: device, recording: recording, path: path))
                planned += 1
            }
            context.events(.planned(device: mac, clips: planned))
            if planned == 0 { context.events(.deviceFinished(device: mac)) }
        }
        // Every camera failed for want of the cloud: the cloud is down, not the cameras (exit 3).
        if let lastUnavailable, unavailableCameras == cameras.count { throw lastUnavailable }
        plan.items.sort { $0.recording.start < $1.recording.start }
        return plan
    }

    /// Where a default run starts for one device: where the last complete run stopped, less the
    /// overlap, or earlier for a clip the archive still misses (failed, or deleted by hand);
    /// everything the cloud may hold for a device never seen before.
    private func walkStart(camera: CameraID, lastWalk: Int64?, horizon: Int64, context: Context) async throws -> Int64 {
        guard let lastWalk, try await context.catalog.knows(camera) else { return horizon }
        var start = lastWalk - context.options.overlap
        // Only what the cloud may still hold counts: a year of archived clips is not read (nor
        // its files looked at) to plan a night.
        let pending = try await context.catalog.pending(camera, from: horizon).map(\.start)
        let vanished = try await context.catalog.archived(camera, from: horizon)
            .filter { clip in clip.file.map { !FileManager.default.fileExists(atPath: context.root + "/" + $0) } ?? true }
            .map(\.start)
        if let oldest = (pending + vanished).min() { start = min(start, oldest) }
        return max(horizon, start)
    }

    /// Whether a listing error is the camera's own, so that the other cameras go on: anything
    /// but a cancelled run or an account that cannot log in.
    static func isCameraFailure(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError: return false
        case let error as CloudAPIError: return !error.code.isAuthentication
        // An upgrade outlasting the wait is the whole cloud's.
        case let error as CloudClientError: return error != .missingCredentials && error != .upgradeTimeout
        default: return true
        }
    }

    /// One camera per MAC (in any notation), the first the cloud listed: a device listed
    /// twice must not have its clips fetched twice. A MAC that is no MAC is an unreadable entry.
    static func distinct(_ devices: [Device]) -> (cameras: [Plan.Camera], unreadable: [String]) {
        var seen: Set<CameraID> = []
        var cameras: [Plan.Camera] = []
        var unreadable: [String] = []
        for device in devices {
            guard let id = CameraID(device.macAddr) else {
                unreadable.append("\(device.deviceName)'s MAC address \(device.macAddr) is not one")
                continue
            }
            if seen.insert(id).inserted { cameras.append(Plan.Camera(id: id, device: device)) }
        }
        return (cameras, unreadable)
    }

    /// `record.query` windows asked for at once, per camera.
    static let listingsAtOnce = 4

    /// `record.query` over `[from, to]` in bounded windows, skipping windows the date list says
    /// are empty. The date list's zone is undocumented, so a window is skipped only when no
    /// recorded day lies within a day either side of it: correctness never depends on it. A
    /// date list that cannot be had or read skips nothing.
    private func list(device: String, from: Int64, to: Int64, now: Int64, window: Int64) async throws -> Listing<Recording> {
        let days: Set<Int64>?
        do {
            days = Set(try await client.recordingHours(device: device).map(\.dayNumber))
        } catch let error where Self.isCameraFailure(error) {
            logger.notice("the date list could not be read; asking every window", metadata: ["device": "\(device)", "error": "\(error)"])
            days = nil
        }
        let windows = RecordingSet.windows(from: from, to: to, size: window).filter { window in
            guard let days else { return true }
            let first = window.lowerBound / 86_400 - 1, last = window.upperBound / 86_400 + 1
            return (first...last).contains(where: days.contains)
        }
        var lists: [[Recording]] = []
        var unreadable: [String] = []
        // A few windows at once: each answer costs the cloud's latency, and a night's plan is
        // a dozen of them per camera before the first clip can start.
        let client = client
        try await BoundedConcurrency.forEach(windows, limit: Self.listingsAtOnce, order: .elements) { window in
            try await client.recordingListing(device: device, from: window.lowerBound, to: window.upperBound)
        } handle: { _, listing in
            lists.append(listing.elements)
            unreadable += listing.unreadable
        }
        // A clip still being recorded is left for the next run.
        return Listing(elements: RecordingSet.merge(lists).filter { $0.end <= now }, unreadable: unreadable)
    }
}

extension Backup.Summary {
    /// What the plan already knows: the window walked, the clips found archived, the
    /// listings that failed, the cameras.
    init(_ plan: Backup.Plan) {
        self.init()
        from = plan.from
        to = plan.to
        skipped = plan.skipped
        failures = plan.failures
        cameras = plan.cameras.map { Camera(device: $0.id, name: $0.device.deviceName, skipped: plan.skippedByCamera[$0.id] ?? 0) }
    }
}
