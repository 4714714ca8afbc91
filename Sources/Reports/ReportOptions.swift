import Foundation
import Training

/// What `precision-lab report` was asked to do.
///
///     var options = ReportOptions(outputDirectory: "Reports")
///     options.quick = true            // small and fast: for tests
///     options.only = ["int8-range"]   // one report (and the index)
///
/// - Parameters:
///   - outputDirectory: where the Markdown files go; figures go to its `figures/` folder.
///   - quick: small sweeps (a 2,000-image training subset, 1–2 epochs, few formats).
///   - only: the report names to generate (nil: all of them).
///   - dataDirectory: the Fashion-MNIST folder (nil: `--data`'s default rules).
///   - seed: the seed of every run (splits, initial weights, shuffles, stochastic rounding).
///   - threads: how many runs or threads work at once.
public struct ReportOptions: Sendable, Equatable {
    public var outputDirectory: String
    public var quick: Bool
    public var only: [String]?
    public var dataDirectory: String?
    public var seed: UInt64
    public var threads: Int
    /// For tests: every measured time the reports show (each run's and epoch's seconds, the
    /// index's run time) reads this value instead, so that two runs can be compared to the byte.
    var fixedSeconds: Double?
    /// For tests: each run trains on, validates on and tests on at most this many images
    /// (the first of its split), to compare runs quickly; the reports still describe their plan.
    var imageLimit: Int?

    public init(outputDirectory: String = "Reports", quick: Bool = false, only: [String]? = nil,
                dataDirectory: String? = nil, seed: UInt64 = 0,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.outputDirectory = outputDirectory
        self.quick = quick
        self.only = only
        self.dataDirectory = dataDirectory
        self.seed = seed
        self.threads = min(max(1, threads), TrainingConfiguration.maximumThreads)
    }

    /// The command line that regenerates a report (or all of them when `report` is nil).
    public func commandLine(report: String? = nil) -> String {
        var words = ["precision-lab", "report"]
        if quick { words.append("--quick") }
        if let report { words += ["--only", report] }
        if seed != 0 { words += ["--seed", String(seed)] }
        return words.joined(separator: " ")
    }
}
