// swift-tools-version:6.0
import Foundation
import PackageDescription

// The modules, each depending only on those above it:
//
//   CCPUID, CPUSupport   the start-up check of the CPU (CPUID; always built for baseline x86-64)
//   CMemoryHints         a cache prefetch hint, for reading the examples in shuffled order
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

// The instruction set: `haswell` (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE: 256-bit vectors)
// when the building CPU has it, baseline x86-64 (SSE2) otherwise; PRECISION_LAB_CPU=haswell
// or PRECISION_LAB_CPU=baseline chooses. Every module but CPUSupport, CCPUID and main is compiled
// for it (the flags below are CPUSupport.haswellFlags, which a test compares);
// `main` refuses, with one line, to run on a CPU that lacks it (CPUSupport.swift).
let haswellFlags = ["ssse3", "sse4_1", "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "abm", "movbe"]
let buildsForHaswell: Bool = {
    switch ProcessInfo.processInfo.environment["PRECISION_LAB_CPU"] {
    case "haswell": return true
    case "baseline": return false
    case nil, "": break
    case let other?:
        FileHandle.standardError.write("error: PRECISION_LAB_CPU is haswell or baseline, not \(other)\n".data(using: .utf8)!)
        exit(64)
    }
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let flags = Set(line.split(separator: " ").map(String.init))
    return haswellFlags.allSatisfy(flags.contains)
    #else
    return false
    #endif
}()
let cpuDefine: [SwiftSetting] = buildsForHaswell ? [.define("PRECISION_LAB_CPU_HASWELL")] : []
let cpu: [SwiftSetting] = cpuDefine + (buildsForHaswell ? [.unsafeFlags(["-target-cpu", "haswell"])] : [])

let package = Package(
    name: "precision-lab",
    products: [
        .executable(name: "precision-lab", targets: ["precision-lab"]),
        .library(name: "SoftFloat", targets: ["SoftFloat"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "CCPUID"),
        .target(name: "CMemoryHints"),
        .target(name: "CPUSupport", dependencies: ["CCPUID"], swiftSettings: cpuDefine),
        .target(name: "SoftFloat", swiftSettings: cpu),
        .target(name: "DataFiles", dependencies: ["CZlib"], swiftSettings: cpu),
        .target(name: "TrainingArithmetic", dependencies: ["SoftFloat"], swiftSettings: cpu),
        .target(name: "Training", dependencies: ["SoftFloat", "TrainingArithmetic", "DataFiles", "CMemoryHints"], swiftSettings: cpu),
        .target(name: "Experiments", dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic"], swiftSettings: cpu),
        .target(name: "Benchmarks", dependencies: ["SoftFloat", "TrainingArithmetic", "Training", "DataFiles"],
                swiftSettings: cpu),
        .target(name: "Reports", dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic", "Training", "Experiments",
                                         "CPUSupport"],
                swiftSettings: cpu),
        .target(name: "PrecisionLabCLI",
                dependencies: ["SoftFloat", "DataFiles", "TrainingArithmetic", "Training", "Experiments",
                               "Benchmarks", "Reports", "CPUSupport"],
                swiftSettings: cpu),
        .executableTarget(name: "precision-lab", dependencies: ["PrecisionLabCLI", "CPUSupport"]),
        .testTarget(name: "SoftFloatTests", dependencies: ["SoftFloat"], swiftSettings: cpu),
        .testTarget(name: "DataFilesTests", dependencies: ["DataFiles"], swiftSettings: cpu),
        .testTarget(name: "TrainingArithmeticTests", dependencies: ["TrainingArithmetic", "SoftFloat", "Benchmarks"], swiftSettings: cpu),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TrainingArithmetic", "DataFiles", "SoftFloat"], swiftSettings: cpu),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "TrainingArithmetic", "SoftFloat"], swiftSettings: cpu),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "SoftFloat"], swiftSettings: cpu),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Training", "DataFiles", "SoftFloat"], swiftSettings: cpu),
        .testTarget(name: "PrecisionLabCLITests", dependencies: ["PrecisionLabCLI", "SoftFloat", "CPUSupport"],
                    swiftSettings: cpu),
    ]
)
