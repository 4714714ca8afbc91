import DataFiles
import Experiments
import Foundation
import SoftFloat
import Training

/// One training run a report asks for: format, policy, hyperparameters and data plan.
/// Runs with equal specs are run once and shared between reports.
///
///     var spec = TrainingSpec(format: "bf16", seed: 0)
///     spec.policy.masterWeights = .fp32
///     spec.configuration.epochs = 50
///     spec.command      // "precision-lab train --format bf16 --epochs 50 --master-weights fp32"
///
/// The data follow `precision-lab train` (`DataBudget`).
public struct TrainingSpec: Sendable, Equatable {
    public var format: String
    public var policy: TrainingPolicy
    public var configuration: TrainingConfiguration
    public var data: DataBudget

    public init(format: String, seed: UInt64, epochs: Int = 10, learningRate: Double = 0.1,
                data: DataBudget = .full) {
        self.format = format
        self.policy = TrainingPolicy()
        self.configuration = TrainingConfiguration(epochs: epochs, learningRate: learningRate, seed: seed)
        self.data = data
    }

    /// A rough relative cost, for starting the longest runs first (results do not depend
    /// on the order).
    var estimatedCost: Double {
        let examples = Double(data.trainedCount)
        // Measured ratios to fp32 of the time per epoch, roughly.
        var factor: Double
        switch format {
        case "fp32": factor = 1
        case "bf16": factor = 2
        default: factor = 4
        }
        if policy.accumulation != nil { factor = min(factor, 1.5) }
        if policy.rounding != .nearestEven { factor *= 20 }
        if policy.stochasticUpdate { factor *= 1.2 }
        return Double(configuration.epochs) * examples * factor
    }

    /// A key that identifies the run's results (threads excluded: they do not change them).
    var key: String { command }

    /// The `precision-lab train` command that gives the same numbers.
    public var command: String {
        let c = configuration
        var words = ["precision-lab", "train", "--format", format, "--epochs", String(c.epochs),
                     "--lr", Self.number(c.learningRate)]
        if c.batchSize != 256 { words += ["--batch", String(c.batchSize)] }
        if c.seed != 0 { words += ["--seed", String(c.seed)] }
        if data.validationCount != 5000 { words += ["--validation", String(data.validationCount)] }
        if let limit = data.trainLimit { words += ["--train-limit", String(limit)] }
        if c.loss == .naive { words += ["--loss", "naive"] }
        if let a = policy.accumulation { words += ["--accumulate", a.name] }
        if let m = policy.masterWeights { words += ["--master-weights", m.name] }
        if policy.rounding != .nearestEven { words += ["--rounding", policy.rounding.rawValue] }
        if policy.stochasticUpdate { words.append("--stochastic-update") }
        if let s = policy.lossScale { words += ["--loss-scale", Self.number(s)] }
        if c.weightDecay != 0 { words += ["--weight-decay", Self.number(c.weightDecay)] }
        if let p = c.patience { words += ["--patience", String(p)] }
        if c.schedule != .constant { words += ["--lr-schedule", c.schedule.rawValue] }
        if !c.shuffles { words.append("--no-shuffle") }
        if c.recordedSteps > 0 { words += ["--step-losses", String(c.recordedSteps)] }
        return words.joined(separator: " ")
    }

    /// A short label for progress lines: `bf16, master weights fp32, lr 0.1, seed 0`.
    public var label: String {
        var parts = [format]
        if policy.name != "pure" { parts.append(policy.name) }
        if configuration.loss == .naive { parts.append("naive loss") }
        parts.append("lr \(Self.number(configuration.learningRate))")
        if configuration.schedule != .constant { parts.append("\(configuration.schedule.rawValue) schedule") }
        if configuration.batchSize != 256 { parts.append("batch \(configuration.batchSize)") }
        if !configuration.shuffles { parts.append("no shuffling") }
        if configuration.weightDecay != 0 { parts.append("weight decay \(Self.number(configuration.weightDecay))") }
        if let p = configuration.patience { parts.append("patience \(p)") }
        parts.append("seed \(configuration.seed)")
        return parts.joined(separator: ", ")
    }

    /// The shortest decimal that reads back as `x`.
    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
