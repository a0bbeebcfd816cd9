// swift-tools-version:6.2
import PackageDescription

// The bounded-concurrency helper of IvyArchiver, in a package of its own with no dependencies:
// task-group code like it broke twice in release builds only, and on its own its tests build
// and run in release mode in seconds (`scripts/test.sh` runs them in both modes).
let package = Package(
    name: "IvyConcurrency",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IvyConcurrency", targets: ["IvyConcurrency"]),
    ],
    targets: [
        .target(
            name: "IvyConcurrency",
            swiftSettings: [
                .treatAllWarnings(as: .error),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
        .testTarget(
            name: "IvyConcurrencyTests",
            dependencies: ["IvyConcurrency"],
            swiftSettings: [.treatAllWarnings(as: .error), .enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
