import DataFiles
import SoftFloat
import TrainingArithmetic

/// Which implementation of a binary format's arithmetic training uses.
public enum ArithmeticPath: String, CaseIterable, Sendable {
    /// The fast path where it is exact, the soft-float path elsewhere.
    case automatic
    /// Hardware `Float`/`Double` with exact rounding (an error where that is not exact).
    case fast
    /// The integer soft-float path.
    case soft
}

/// A training run that cannot be set up as asked (a usage error).
public struct TrainingSetupError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Chooses the arithmetic types for a format and a policy and runs the `Trainer`,
/// specialised for them.
///
///     let result = try TrainingRun.train(format: .binary(.bf16), path: .automatic,
///                                        configuration: TrainingConfiguration(threads: 2),
///                                        policy: TrainingPolicy(), data: data)
///     result.testAccuracy
///
/// The fast path (`FastArithmetic<Float>` or `<Double>`) is chosen where it is exact:
/// round-to-nearest-even and a format the rule of `FastArithmetic` admits; otherwise the
/// soft-float path. Accumulation and master-weight formats get the narrowest hardware type
/// that is exact for both, or the soft path.
public enum TrainingRun {
    /// Trains in any format of the registry: a binary format (`fp32`, `bf16`, `e5m7`, ...)
    /// or an 8-bit format with its own arithmetic (`lns8`, `lns8-f3`, `int8`, `int8s-s4`, ...).
    ///
    ///     try TrainingRun.train(format: try NumberFormat(name: "lns8"), path: .automatic,
    ///                           configuration: configuration, policy: TrainingPolicy(), data: data)
    ///
    /// A scaled format trains with its `ScaledRecipe`'s defaults (the policy's accumulation
    /// format, else fp32; the rest in fp32); `train(recipe:)` sets the rest.
    ///
    /// Edge cases: `--arithmetic fast` is an error (`TrainingSetupError`) for the 8-bit
    /// formats (they have one path) and for binary formats the fast path cannot round exactly.
    public static func train(format: NumberFormat, path: ArithmeticPath, configuration: TrainingConfiguration,
                             policy: TrainingPolicy, data: TrainingData,
                             observer: TrainingObserver = TrainingObserver()) throws -> TrainingResult {
        switch format {
        case let .binary(format):
            return try train(format: format, path: path, configuration: configuration, policy: policy,
                             data: data, observer: observer)
        case let .logarithmic(format):
            return try train(eightBit: format, path: path, configuration: configuration, policy: policy,
                             data: data, observer: observer)
        case let .linear(format):
            return try train(eightBit: format, path: path, configuration: configuration, policy: policy,
                             data: data, observer: observer)
        case let .scaled(scaled):
            // The recipe's defaults; the policy's accumulation format becomes the recipe's.
            var recipePolicy = policy
            recipePolicy.accumulation = nil
            let recipe = ScaledRecipe(name: format.name, format: scaled, accumulation: policy.accumulation ?? .fp32)
            return try train(recipe: recipe, configuration: configuration, policy: recipePolicy, data: data,
                             observer: observer)
        }
    }

    /// Trains in an 8-bit format through `EightBitArithmetic`, specialised for its type.
    static func train<Format: EightBitFormat>(eightBit format: Format, path: ArithmeticPath,
                                              configuration: TrainingConfiguration, policy: TrainingPolicy,
                                              data: TrainingData, observer: TrainingObserver) throws -> TrainingResult {
        if path == .fast {
            throw TrainingSetupError("no fast path for \(format.name): use --arithmetic soft or automatic")
        }
        return try train(work: EightBitArithmetic(format: format, threads: configuration.threads), workPath: "8-bit arithmetic on \(format.name) codes",
                         path: path, configuration: configuration, policy: policy, data: data, observer: observer)
    }

    /// Trains in a binary format.
    public static func train(format: FloatFormat, path: ArithmeticPath, configuration: TrainingConfiguration,
                             policy: TrainingPolicy, data: TrainingData,
                             observer: TrainingObserver = TrainingObserver()) throws -> TrainingResult {
        switch try kind(of: format, path: path, policy: policy) {
        case .float:
            return try train(work: FastArithmetic<Float>(format: format)!, workPath: describe(.float, format),
                             path: path, configuration: configuration, policy: policy, data: data, observer: observer)
        case .double:
            return try train(work: FastArithmetic<Double>(format: format)!, workPath: describe(.double, format),
                             path: path, configuration: configuration, policy: policy, data: data, observer: observer)
        case .soft:
            return try train(work: SoftArithmetic(format: format), workPath: describe(.soft, format),
                             path: path, configuration: configuration, policy: policy, data: data, observer: observer)
        }
    }

    /// Trains with any arithmetic as the training format (the 8-bit log format plugs in
    /// here); the policy's wide formats are binary formats.
    public static func train<Work: ScalarArithmetic>(work: Work, workPath: String, path: ArithmeticPath,
                                                     configuration: TrainingConfiguration, policy: TrainingPolicy,
                                                     data: TrainingData,
                                                     observer: TrainingObserver = TrainingObserver()) throws -> TrainingResult {
        try validate(configuration, policy, data)
        let wideFormats = [policy.accumulation, policy.masterWeights].compactMap { $0 }
        if wideFormats.isEmpty {
            return Trainer(work: work, configuration: configuration, policy: policy, arithmeticDescription: workPath)
                .train(data, observer: observer)
        }
        let kinds = try wideFormats.map { try kind(of: $0, path: path, policy: policy) }
        let wideKind: Kind = kinds.allSatisfy { $0 == .float } && wideFormats.allSatisfy(FastArithmetic<Float>.isExact)
            ? .float
            : kinds.allSatisfy { $0 != .soft } && wideFormats.allSatisfy(FastArithmetic<Double>.isExact) ? .double : .soft
        var description = workPath
        if let a = policy.accumulation { description += "; accumulation: " + describe(wideKind, a) }
        if let m = policy.masterWeights { description += "; master weights: " + describe(wideKind, m) }
        switch wideKind {
        case .float:
            return train(work: work, wide: { FastArithmetic<Float>(format: $0)! }, description: description,
                         configuration: configuration, policy: policy, data: data, observer: observer)
        case .double:
            return train(work: work, wide: { FastArithmetic<Double>(format: $0)! }, description: description,
                         configuration: configuration, policy: policy, data: data, observer: observer)
        case .soft:
            return train(work: work, wide: { SoftArithmetic(format: $0) }, description: description,
                         configuration: configuration, policy: policy, data: data, observer: observer)
        }
    }

    /// Trains with the policy's accumulation and master-weight formats computed in `Wide`
    /// (the part without a format of its own through `IdentityBridge`).
    static func train<Work: ScalarArithmetic, Wide: ScalarArithmetic>(
        work: Work, wide: (FloatFormat) -> Wide, description: String, configuration: TrainingConfiguration,
        policy: TrainingPolicy, data: TrainingData, observer: TrainingObserver
    ) -> TrainingResult {
        func run<A: ArithmeticBridge, M: ArithmeticBridge>(_ accumulation: A, _ master: M) -> TrainingResult
        where A.Work == Work, M.Work == Work {
            Trainer(work: work, accumulation: accumulation, master: master, configuration: configuration,
                    policy: policy, arithmeticDescription: description).train(data, observer: observer)
        }
        let same = IdentityBridge(work)
        switch (policy.accumulation.map { ConvertingBridge(work: work, wide: wide($0)) },
                policy.masterWeights.map { ConvertingBridge(work: work, wide: wide($0)) }) {
        case let (accumulation?, master?): return run(accumulation, master)
        case let (accumulation?, nil): return run(accumulation, same)
        case let (nil, master?): return run(same, master)
        case (nil, nil): return run(same, same)
        }
    }

    /// The arithmetic types a format can be computed with.
    enum Kind: Equatable {
        case float, double, soft
    }

    static func kind(of format: FloatFormat, path: ArithmeticPath, policy: TrainingPolicy) throws -> Kind {
        // Other modes than nearest-even need bits to drop: not the hardware's own format.
        let nearestEven = policy.rounding == .nearestEven && policy.updateRounding == .nearestEven
        func serves<Wide: HardwareFloat>(_: Wide.Type) -> Bool {
            FastArithmetic<Wide>.isExact(for: format) && (nearestEven || format != Wide.format)
        }
        let fast: Kind? = serves(Float.self) ? .float : serves(Double.self) ? .double : nil
        switch path {
        case .soft:
            return .soft
        case .fast:
            guard let fast else {
                throw TrainingSetupError("no exact fast path for \(format.name) (p = \(format.precision)): "
                                         + "use --arithmetic soft or automatic")
            }
            return fast
        case .automatic:
            return fast ?? .soft
        }
    }

    /// How a format is computed, in words.
    static func describe(_ kind: Kind, _ format: FloatFormat) -> String {
        switch kind {
        case .float:
            return format == .fp32 ? "hardware Float (native fp32)"
                : "fast path: hardware Float, rounded exactly to \(format.name)"
        case .double:
            return format == .fp64 ? "hardware Double (native fp64)"
                : "fast path: hardware Double, rounded exactly to \(format.name)"
        case .soft:
            return "soft-float path (integer arithmetic) in \(format.name)"
        }
    }

    static func validate(_ configuration: TrainingConfiguration, _ policy: TrainingPolicy, _ data: TrainingData) throws {
        guard configuration.epochs >= 0 else { throw TrainingSetupError("--epochs must be 0 or more") }
        guard configuration.batchSize >= 1 else { throw TrainingSetupError("--batch must be at least 1") }
        guard configuration.threads >= 1 else { throw TrainingSetupError("--threads must be at least 1") }
        guard configuration.threads <= TrainingConfiguration.maximumThreads else {
            throw TrainingSetupError("--threads \(configuration.threads) is more than the "
                                     + "\(TrainingConfiguration.maximumThreads) threads a run accepts")
        }
        guard configuration.learningRate.isFinite else { throw TrainingSetupError("--lr must be finite") }
        guard data.train.count > 0 else { throw TrainingSetupError("no training examples") }
        if let lossScale = policy.lossScale, !(lossScale.isFinite && lossScale > 0) {
            throw TrainingSetupError("--loss-scale must be a positive finite number")
        }
        for other in [data.validation, data.test].compactMap({ $0 }) {
            guard other.dimension == data.train.dimension, other.classes == data.train.classes else {
                throw TrainingSetupError("validation and test data must have the training data's shape")
            }
        }
    }
}
