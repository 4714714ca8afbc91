// swift-tools-version:6.0
import PackageDescription

// The modules, each depending only on those above it:
//
//   SoftFloat            formats, roundPack, operations, elementary functions, decimal text,
//                        the 8-bit formats
//   DataFiles            gzip, IDX, Fashion-MNIST, JSON and atomic output files
//   TrainingArithmetic   the trainer's scalar back ends: soft, fast (hardware + exact rounding),
//                        8-bit operation tables
//   Training             softmax regression, the trainer, policies, events, the data split
//   Experiments          exp-range, exhaustive tables of 8-bit arithmetic
//   Benchmarks           the speed measurements
//   Reports              Markdown and SVG writers, the exercise reports
//   PrecisionLabCLI      the commands
//   precision-lab        main.swift
let package = Package(
    name: "precision-lab",
    products: [
        .executable(name: "precision-lab", targets: ["precision-lab"]),
        .library(name: "SoftFloat", targets: ["SoftFloat"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "SoftFloat"),
        .target(name: "DataFiles", dependencies: ["CZlib"]),
        .target(name: "TrainingArithmetic", dependencies: ["SoftFloat"]),
        .target(name: "Training", dependencies: ["SoftFloat", "TrainingArithmetic", "DataFiles"]),
        .target(name: "Experiments", dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic"]),
        .target(name: "Benchmarks", dependencies: ["SoftFloat", "TrainingArithmetic", "Training", "DataFiles"]),
        .target(name: "Reports", dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic", "Training", "Experiments"]),
        .target(name: "PrecisionLabCLI",
                dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic", "Training", "Experiments",
                               "Benchmarks", "Reports"]),
        .executableTarget(name: "precision-lab", dependencies: ["PrecisionLabCLI"]),
        .testTarget(name: "SoftFloatTests", dependencies: ["SoftFloat"]),
        .testTarget(name: "DataFilesTests", dependencies: ["DataFiles"]),
        .testTarget(name: "TrainingArithmeticTests", dependencies: ["TrainingArithmetic", "SoftFloat", "Benchmarks"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TrainingArithmetic", "DataFiles", "SoftFloat"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "TrainingArithmetic", "SoftFloat"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "SoftFloat"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Training", "DataFiles", "SoftFloat"]),
        .testTarget(name: "PrecisionLabCLITests", dependencies: ["PrecisionLabCLI", "SoftFloat"]),
    ]
)
