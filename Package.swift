// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "precision-lab",
    products: [
        .executable(name: "precision-lab", targets: ["precision-lab"]),
        .library(name: "SoftFloat", targets: ["SoftFloat"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "SoftFloat"),
        .target(name: "Lab", dependencies: ["SoftFloat", "CZlib"]),
        .target(name: "Reports", dependencies: ["SoftFloat", "Lab"]),
        .target(name: "PrecisionLabCLI", dependencies: ["SoftFloat", "Lab", "Reports"]),
        .executableTarget(name: "precision-lab", dependencies: ["PrecisionLabCLI"]),
        .testTarget(name: "SoftFloatTests", dependencies: ["SoftFloat"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "SoftFloat"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Lab", "SoftFloat"]),
        .testTarget(name: "PrecisionLabCLITests", dependencies: ["PrecisionLabCLI", "SoftFloat"]),
    ]
)
