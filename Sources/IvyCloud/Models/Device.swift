/// A camera on the account (`getOemDeviceByUser`, `getOemDeviceByUserAndMac`).
public struct Device: Sendable, Equatable, Decodable {
    public var userId: Int64?
    public var macAddr: String
    public var deviceName: String
    public var productName: String?
    /// The device's own login, as the user set it in the vendor app.
    public var username: String?
    /// The device's own password: a secret, kept for API completeness, never printed.
    public var password: String?
    /// 0 no push, 1 push supported (write failed), 2 push supported (written).
    public var hasusertag: Int?
    public var supportStore: Bool
    public var supportRichMedia: Bool
    public var oemCode: String?

    public init(
        userId: Int64? = nil, macAddr: String, deviceName: String, productName: String? = nil,
        username: String? = nil, password: String? = nil, hasusertag: Int? = nil,
        supportStore: Bool = true, supportRichMedia: Bool = false, oemCode: String? = nil
    ) {
        self.userId = userId
        self.macAddr = macAddr
        self.deviceName = deviceName
        self.productName = productName
        self.username = username
        self.password = password
        self.hasusertag = hasusertag
        self.supportStore = supportStore
        self.supportRichMedia = supportRichMedia
        self.oemCode = oemCode
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        userId = c.int("userId")
        macAddr = try c.required(c.string("macAddr"), "macAddr")
        guard !macAddr.trimmingCharacters(in: " ").isEmpty else {
            throw UnreadableValue(field: "macAddr", value: "(empty)", expected: "a MAC address")
        }
        deviceName = c.string("deviceName") ?? ""
        productName = c.string("productName")
        username = c.string("username")
        password = c.string("password")
        hasusertag = c.int("hasusertag").map { Int($0) }
        supportStore = c.bool("supportStore") ?? false
        supportRichMedia = c.bool("supportRichMedia") ?? false
        oemCode = c.string("oemCode")
    }
}

/// What `addOemDevice` needs. `password` is the device's password as the vendor app stores it
/// ("please encrypt" says the document): the client passes it through untouched.
public struct NewDevice: Sendable {
    public var macAddr: String
    public var deviceName: String
    public var username: String
    public var password: String
    public var hasusertag: Int
    public var supportStore: Bool
    public var supportRichMedia: Bool
    public var productName: String
    /// `nil` takes the configuration's `oemCode`.
    public var oemCode: String?

    public init(
        macAddr: String, deviceName: String, username: String, password: String, hasusertag: Int = 0,
        supportStore: Bool = true, supportRichMedia: Bool = false, productName: String, oemCode: String? = nil
    ) {
        self.macAddr = macAddr
        self.deviceName = deviceName
        self.username = username
        self.password = password
        self.hasusertag = hasusertag
        self.supportStore = supportStore
        self.supportRichMedia = supportRichMedia
        self.productName = productName
        self.oemCode = oemCode
    }
}

/// What `updateOemDevice` changes: only the fields that are set are sent.
public struct DeviceUpdate: Sendable {
    public var macAddr: String
    public var deviceName: String?
    public var username: String?
    public var password: String?
    public var hasusertag: Int?
    public var supportStore: Bool?
    public var supportRichMedia: Bool?
    public var productName: String?

    public init(
        macAddr: String, deviceName: String? = nil, username: String? = nil, password: String? = nil,
        hasusertag: Int? = nil, supportStore: Bool? = nil, supportRichMedia: Bool? = nil, productName: String? = nil
    ) {
        self.macAddr = macAddr
        self.deviceName = deviceName
        self.username = username
        self.password = password
        self.hasusertag = hasusertag
        self.supportStore = supportStore
        self.supportRichMedia = supportRichMedia
        self.productName = productName
    }
}
