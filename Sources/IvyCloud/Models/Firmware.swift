/// What `firmware.latest` needs to know about the camera's current firmware.
public struct FirmwareQuery: Sendable {
    public var macAddr: String
    public var machineTypeName: String
    public var sysVersion: (Int, Int, Int)
    public var appVersion: (Int, Int, Int)
    public var patchVersion: Int?
    public var oemCode: String?

    /// Versions as the camera shows them, `a.x.b.c`: the document asks for parts 1, 3 and 4.
    public init(
        macAddr: String, machineTypeName: String, sysVersion: (Int, Int, Int), appVersion: (Int, Int, Int),
        patchVersion: Int? = nil, oemCode: String? = nil
    ) {
        self.macAddr = macAddr
        self.machineTypeName = machineTypeName
        self.sysVersion = sysVersion
        self.appVersion = appVersion
        self.patchVersion = patchVersion
        self.oemCode = oemCode
    }
}

/// One firmware image offered by `firmware.latest`.
public struct Firmware: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String?
    /// A JSON object of translations (`{"en": ...}`), sent as a string or an object.
    public var descriptions: [String: String]
    public var downloadUri: String?
    public var backupUri: String?
    public var path: String?
    public var md5: String?
    public var type: Int?
    public var interim: Bool?
    public var version: String
    public var patchVersion: Int?
    /// Unix seconds.
    public var createTime: Int64?
    public var seqNo: Int?
    public var newest: Bool?
    public var active: Bool?
    public var remind: Int?
    public var firmwarePlatform: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        id = try c.required(c.int("id"), "id")
        name = c.string("name")
        if let object = try? c.decodeIfPresent([String: String].self, forKey: AnyKey("desc")) {
            descriptions = object
        } else if let text = c.string("desc"),
            let object = try? JSONDecoding.decode([String: String].self, from: Array(text.utf8))
        {
            descriptions = object
        } else {
            descriptions = c.string("desc").map { ["": $0] } ?? [:]
        }
        downloadUri = c.string("downloadUri")
        backupUri = c.string("backupUri")
        path = c.string("path")
        md5 = c.string("md5")
        type = c.int("type").map { Int($0) }
        interim = c.bool("interim")
        let parts = ["version1", "version2", "version3", "version4"].map { c.string($0) ?? "?" }
        version = parts.joined(separator: ".")
        patchVersion = c.int("patchVersion").map { Int($0) }
        createTime = try c.time("createTime")
        seqNo = c.int("seqNo").map { Int($0) }
        newest = c.bool("newest")
        active = c.bool("active")
        remind = c.int("remind").map { Int($0) }
        firmwarePlatform = c.string("firmwarePlatform")
    }
}

/// `firmware.latest`'s answer: `firmwareList` and `remind` sit at the top level (NOTES.md).
public struct FirmwareUpdate: Sendable {
    public var firmware: [Firmware]
    public var remind: Int?
}
