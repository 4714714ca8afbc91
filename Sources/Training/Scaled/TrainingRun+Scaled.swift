import DataFiles
import SoftFloat
import TrainingArithmetic

extension TrainingRun {
    /// Trains with a scaled format's recipe (`ScaledTrainer`): the rest format and the
    /// accumulation format each get the fastest exact arithmetic (`kind(of:)`).
    ///
    ///     let recipe = ScaledRecipe(name: "nvfp4", format: .nvfp4(.standard))
    ///     try TrainingRun.train(recipe: recipe, configuration: configuration, policy: TrainingPolicy(), data: data)
    ///
    /// Edge cases: `TrainingSetupError` for master weights other than fp32 (the recipe's
    /// master weights are FP32), for an accumulation format in the policy (the recipe
    /// carries it), and for an amax history on a block format (only per-tensor formats scale
    /// from a history).
    public static func train(recipe: ScaledRecipe, configuration: TrainingConfiguration, policy: TrainingPolicy,
                             data: TrainingData, observer: TrainingObserver = TrainingObserver()) throws -> TrainingResult {
        try validate(configuration, policy, data)
        if let master = policy.masterWeights, master != .fp32 {
            throw TrainingSetupError("\(recipe.name) keeps FP32 master weights: --master-weights \(master.name) "
                                     + "does not apply")
        }
        if policy.accumulation != nil {
            throw TrainingSetupError("a scaled recipe takes its accumulation format from the recipe")
        }
        if let history = recipe.amaxHistory {
            guard case .tensor = recipe.format else {
                throw TrainingSetupError("--amax-history applies to per-tensor formats (tensor-int8, tensor-fp8-...), "
                                         + "not to \(recipe.name), whose blocks are scaled from their own values")
            }
            guard history >= 1 else { throw TrainingSetupError("--amax-history must be at least 1") }
        }
        func run<R: ScalarArithmetic>(rest: R, _ restPath: String) throws -> TrainingResult {
            func train<A: ScalarArithmetic>(_ a: A, _ sumsPath: String) -> TrainingResult {
                ScaledTrainer(rest: rest, accumulation: a, recipe: recipe, configuration: configuration, policy: policy,
                              arithmeticDescription: "rest: \(restPath); sums: \(sumsPath)")
                    .train(data, observer: observer)
            }
            let accumulation = recipe.accumulation
            switch try kind(of: accumulation, path: .automatic, policy: policy) {
            case .float:
                return train(FastArithmetic<Float>(format: accumulation)!,
                             accumulation == .fp32 && policy.rounding == .nearestEven
                                ? "hardware FP32 kernel (exact products)" : describe(.float, accumulation))
            case .double:
                return train(FastArithmetic<Double>(format: accumulation)!, describe(.double, accumulation))
            case .soft:
                return train(SoftArithmetic(format: accumulation), describe(.soft, accumulation))
            }
        }
        switch try kind(of: recipe.rest, path: .automatic, policy: policy) {
        case .float: return try run(rest: FastArithmetic<Float>(format: recipe.rest)!, describe(.float, recipe.rest))
        case .double: return try run(rest: FastArithmetic<Double>(format: recipe.rest)!, describe(.double, recipe.rest))
        case .soft: return try run(rest: SoftArithmetic(format: recipe.rest), describe(.soft, recipe.rest))
        }
    }
}
