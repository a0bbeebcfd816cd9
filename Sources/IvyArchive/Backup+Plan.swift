import Foundation
import IvyCloud

extension Backup {
    /// What one run will fetch, oldest first, and what it already knows it cannot.
    struct Plan: Sendable {
        struct Item: Sendable {
            var device: Device
            var recording: Recording
            var path: String
        }

        var items: [Item] = []
        var skipped = 0
        var failures: [Summary.Failure] = []
        /// The devices walked, in the cloud's order.
        var devices: [Device] = []
        /// Every clip the cloud listed in this run, by device: what it still holds.
        var listed: [String: Set<Int64>] = [:]
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
        var devices = Self.distinct(listing.elements)
        var plan = Plan(devices: [], from: to, to: to)
        func listingFailed(_ device: String, _ reason: String) {
            plan.failures.append(.init(device: device, start: nil, reason: reason))
            context.events(.failed(device: device, start: nil, reason: reason))
        }
        if !listing.unreadable.isEmpty {
            listingFailed("account", "the cloud's device list had \(listing.unreadable.count) entr\(listing.unreadable.count == 1 ? "y" : "ies") "
                + "that could not be read (\(listing.unreadable[0])): their cameras were not archived")
        }
        if !options.devices.isEmpty {
            // By MAC (any notation) or by name; a camera asked for that is not there is a mistake.
            let chosen = try options.devices.map { wanted in
                switch CameraLookup.find(wanted, in: devices, mac: \.macAddr, name: \.deviceName, place: "on the account") {
                case .success(let device): return device.macAddr
                case .failure(let failure): throw BackupError.unknownDevice(failure.message)
                }
            }
            devices = devices.filter { chosen.contains($0.macAddr) }
        }
        plan.devices = devices
        let lastWalk = options.from == nil ? try context.catalog.lastCompleteWalk() : nil
        /// Archive-relative paths taken, so that a template that cannot tell two clips apart
        /// fails those clips instead of overwriting one with the other.
        var taken: [String: (device: String, start: Int64)] = [:]
        var unavailableCameras = 0
        var lastUnavailable: CloudClientError?
        for device in devices {
            let mac = device.macAddr
            let from = try options.from ?? walkStart(device: mac, lastWalk: lastWalk, horizon: horizon, context: context)
            plan.from = min(plan.from, from)
            let recordings: [Recording]
            do {
                let listing = try await list(device: mac, from: from, to: to, now: now, window: options.queryWindow)
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
            try context.catalog.noteDevice(mac: mac, name: device.deviceName)
            try context.catalog.noteSeen(device: mac, recordings: recordings)
            let zone = options.timeZone(of: mac)
            var planned = 0
            for recording in recordings {
                let path = options.layout.relativePath(deviceName: device.deviceName, mac: mac, recording: recording, timeZone: zone)
                let known = try context.catalog.clip(device: mac, start: recording.start)
                if known?.state == .pruned { continue }
                if known?.state == .archived, let file = known?.file, FileManager.default.fileExists(atPath: context.root + "/" + file) {
                    plan.skipped += 1
                    taken[file] = (mac, recording.start)
                    continue
                }
                if let owner = taken[path], owner != (mac, recording.start) {
                    let reason = "its file \(path) is already clip \(owner.start) of \(owner.device): the path template must tell them apart"
                    try? context.catalog.markFailed(device: mac, start: recording.start, error: reason)
                    plan.failures.append(.init(device: mac, start: recording.start, reason: reason))
                    context.events(.failed(device: mac, start: recording.start, reason: reason))
                    continue
                }
                taken[path] = (mac, recording.start)
                plan.items.append(.init(device: device, recording: recording, path: path))
                planned += 1
            }
            context.events(.planned(device: mac, clips: planned))
            if planned == 0 { context.events(.deviceFinished(device: mac)) }
        }
        // Every camera failed for want of the cloud: the cloud is down, not the cameras (exit 3).
        if let lastUnavailable, unavailableCameras == devices.count { throw lastUnavailable }
        plan.items.sort { $0.recording.start < $1.recording.start }
        return plan
    }

    /// Where a default run starts for one device: where the last complete run stopped, less the
    /// overlap, or earlier for a clip the archive still misses (failed, or deleted by hand);
    /// everything the cloud may hold for a device never seen before.
    private func walkStart(device: String, lastWalk: Int64?, horizon: Int64, context: Context) throws -> Int64 {
        guard let lastWalk, try context.catalog.knows(device: device) else { return horizon }
        var start = lastWalk - context.options.overlap
        let pending = try context.catalog.pending(device: device).map(\.start)
        let vanished = try context.catalog.archived(device: device)
            .filter { clip in clip.file.map { !FileManager.default.fileExists(atPath: context.root + "/" + $0) } ?? true }
            .map(\.start)
        if let oldest = (pending + vanished).filter({ $0 >= horizon }).min() { start = min(start, oldest) }
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

    /// One device per MAC (in any notation), the first the cloud listed: a device listed
    /// twice must not have its clips fetched twice.
    static func distinct(_ devices: [Device]) -> [Device] {
        var seen: Set<String> = []
        return devices.filter { seen.insert(ArchiveLayout.safeMAC($0.macAddr)).inserted }
    }

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
        var lists: [[Recording]] = []
        var unreadable: [String] = []
        for window in RecordingSet.windows(from: from, to: to, size: window) {
            if let days {
                let first = window.lowerBound / 86_400 - 1, last = window.upperBound / 86_400 + 1
                guard (first...last).contains(where: days.contains) else { continue }
            }
            let listing = try await client.recordingListing(device: device, from: window.lowerBound, to: window.upperBound)
            lists.append(listing.elements)
            unreadable += listing.unreadable
        }
        // A clip still being recorded is left for the next run.
        return Listing(elements: RecordingSet.merge(lists).filter { $0.end <= now }, unreadable: unreadable)
    }
}
