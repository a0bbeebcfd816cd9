// swift-tools-version:6.2
import PackageDescription

/// Every target of ours builds in Swift 6 mode with strict concurrency, and a warning fails
/// the build: "no warnings" is a rule, not a hope.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "IvyArchiver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ivy-archiver", targets: ["IvyArchiverCLI"]),
        .library(name: "IvyCloud", targets: ["IvyCloud"]),
        .library(name: "IvySandbox", targets: ["IvySandbox"]),
        // Benches only, never packaged (scripts/package.sh builds ivy-archiver alone).
        .executable(name: "ivy-bench-fixtures", targets: ["IvyBenchFixturesTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // 4.x: CryptoExtras reads and writes Ed25519 keys as PEM (export signatures).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Tests only: children spawned without Foundation's Process (see IvyTestSupport's Spawn.swift).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // Ours, with no dependencies, so that its tests also run in release builds in seconds.
        .package(path: "Packages/IvyConcurrency"),
    ],
    targets: [
        // C libraries: each wrapped by exactly one Swift module below.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // glibc's mallopt and malloc_trim (the CLI's MemoryTuning).
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswresample-dev", "libswscale-dev"])]
        ),

        // The pipeline, lowest first. A module imports only modules above it in this list.
        // The archive's vocabulary (cameras, clips, states), shared by the archive and the CLI.
        .target(name: "IvyDomain", swiftSettings: strict),
        // Child processes (rclone, notify_command, password_command): one runner, in a process
        // group of its own, its output in files, killed with all it started when cancelled.
        .target(
            name: "IvyProcess",
            dependencies: [.product(name: "IvyConcurrency", package: "IvyConcurrency")],
            swiftSettings: strict
        ),
        // Many accounts: their names and which worker (shard) runs each.
        .target(name: "IvyFleet", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .target(
            name: "IvyHTTP",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "IvyCloud",
            dependencies: [
                "IvyHTTP",
                .product(name: "IvyConcurrency", package: "IvyConcurrency"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "IvyHLS",
            dependencies: [
                "IvyHTTP",
                .product(name: "IvyConcurrency", package: "IvyConcurrency"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "IvyMedia",
            dependencies: ["CFFmpeg", .product(name: "IvyConcurrency", package: "IvyConcurrency")],
            swiftSettings: strict
        ),
        .target(
            name: "IvyArchive",
            dependencies: [
                "IvyCloud", "IvyDomain", "IvyHLS", "IvyHTTP", "IvyMedia",
                .product(name: "IvyConcurrency", package: "IvyConcurrency"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Notifications of a run's outcome (a command, a URL, a daily digest), from its summary.
        .target(
            name: "IvyNotify",
            dependencies: [
                "IvyArchive", "IvyCloud", "IvyDomain", "IvyHTTP", "IvyProcess",
                .product(name: "IvyConcurrency", package: "IvyConcurrency"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The archive's pages (HTML): drawn from its listing, never touching the cloud.
        .target(
            name: "IvyArchivePages",
            dependencies: [
                "IvyArchive", "IvyCloud", "IvyDomain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // Copies of the archive's clips at remote destinations (rclone), checked and recorded in
        // the catalog; keep_local_days and verify --remote.
        .target(
            name: "IvyShip",
            dependencies: [
                "IvyArchive", "IvyDomain", "IvyProcess",
                .product(name: "IvyConcurrency", package: "IvyConcurrency"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "IvySandbox",
            dependencies: [
                "IvyHTTP",
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Media")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "IvyArchiverCLI",
            dependencies: [
                "CMalloc",
                "IvyArchive",
                "IvyArchivePages",
                "IvyCloud",
                "IvyDomain",
                "IvyFleet",
                "IvyShip",
                "IvyNotify",
                "IvyProcess",
                "IvyHLS",
                "IvyHTTP",
                "IvySandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Synthetic archives for benches and tests (a year of clips without fetching one): a
        // library, so that both the tests and the bench's executable use the same code.
        .target(
            name: "IvyBenchFixtures",
            dependencies: [
                "IvyArchive", "IvyCloud", "IvyDomain", "IvySandbox",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "IvyBenchFixturesTool",
            dependencies: ["IvyArchive", "IvyBenchFixtures", "IvySandbox", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),

        // Shared by the tests: an in-process sandbox and ffprobe as the independent judge.
        .target(
            name: "IvyTestSupport",
            dependencies: [
                "IvyArchive", "IvyCloud", "IvyHTTP", "IvySandbox", .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Tests/IvyTestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "IvyProcessTests", dependencies: ["IvyProcess"], swiftSettings: strict),
        .testTarget(name: "IvyFleetTests", dependencies: ["IvyFleet"], swiftSettings: strict),
        .testTarget(name: "IvyHTTPTests", dependencies: ["IvyHTTP", "IvyTestSupport"], swiftSettings: strict),
        .testTarget(name: "IvyCloudTests", dependencies: ["IvyCloud", "IvyHTTP", "IvySandbox", "IvyTestSupport"], swiftSettings: strict),
        .testTarget(name: "IvyHLSTests", dependencies: ["IvyHLS", "IvyHTTP", "IvyTestSupport"], swiftSettings: strict),
        .testTarget(name: "IvyMediaTests", dependencies: ["IvyMedia", "IvySandbox", "IvyTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "IvyArchiveTests",
            dependencies: ["IvyArchive", "IvyDomain", "IvyHLS", "IvyCloud", "IvySandbox", "IvyTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IvyArchivePagesTests",
            dependencies: ["IvyArchivePages", "IvyArchive", "IvyDomain", "IvyTestSupport", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IvyShipTests",
            dependencies: ["IvyShip", "IvyArchive", "IvyCloud", "IvyDomain", "IvyHLS", "IvySandbox", "IvyTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IvyNotifyTests",
            dependencies: [
                "IvyNotify", "IvyArchive", "IvyDomain", "IvyHTTP", "IvyTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "IvySandboxTests", dependencies: ["IvySandbox", "IvyHTTP", "IvyCloud", "IvyTestSupport"], swiftSettings: strict),
        .testTarget(name: "IvyArchiverCLITests", dependencies: ["IvyArchiverCLI", "IvyBenchFixtures", "IvyTestSupport"], swiftSettings: strict),
    ]
)

// Fuzz targets (libFuzzer), seen only when IVY_FUZZ is set: `scripts/fuzz.sh` builds them with
// `-sanitize=fuzzer`, which an ordinary build must not need. See docs/FUZZING.md.
if !(Context.environment["IVY_FUZZ"] ?? "").isEmpty {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzCloudAnswers", ["IvyCloud", "IvyHTTP", .product(name: "Logging", package: "swift-log")]),
        ("FuzzPlaylist", ["IvyHLS"]),
        ("FuzzDates", ["IvyArchive", "IvyCloud", "IvyDomain"]),
    ]
    package.products += fuzzTargets.map { Product.executable(name: $0.name, targets: [$0.name]) }
    package.targets += [
        // Declares libFuzzer's driver for Swift; `-sanitize=fuzzer` links it.
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Fuzz/FuzzSupport", swiftSettings: strict),
    ]
    package.targets += fuzzTargets.map {
        Target.executableTarget(name: $0.name, dependencies: [.target(name: "FuzzSupport")] + $0.dependencies, path: "Fuzz/\($0.name)", swiftSettings: strict)
    }
}
