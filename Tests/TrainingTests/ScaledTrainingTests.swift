import DataFiles
import Foundation
import SoftFloat
import Testing
import TrainingArithmetic
@testable import Training

/// Training with the scaled recipes (`ScaledTrainer`) on synthetic blobs and on the real data.
@Suite("Scaled training")
struct ScaledTrainingTests {
    /// 40 features: a whole MX block and a partial one, two NVFP4 blocks and a partial one.
    static let data = TrainingData(train: TrainerTests.blobs(count: 240, dimension: 40, seed: 1),
                                   validation: TrainerTests.blobs(count: 60, dimension: 40, seed: 2),
                                   test: TrainerTests.blobs(count: 150, dimension: 40, seed: 3))

    static func recipe(_ name: String) throws -> ScaledRecipe {
        guard case let .scaled(format) = try NumberFormat(name: name, accepting: .scaled) else {
            throw TrainingSetupError("not scaled")
        }
        return ScaledRecipe(name: name, format: format)
    }

    static func run(_ recipe: ScaledRecipe, threads: Int = 1, epochs: Int = 4, policy: TrainingPolicy = TrainingPolicy(),
                    data: TrainingData = data) throws -> TrainingResult {
        try TrainingRun.train(recipe: recipe, configuration: TrainerTests.configuration(epochs: epochs, threads: threads),
                              policy: policy, data: data)
    }

    @Test("every scaled format learns the blobs; the recipe and the scaling events are reported",
          arguments: ScaledQuantiserTests.formats.map(\.0))
    func learns(name: String) throws {
        let result = try Self.run(try Self.recipe(name))
        #expect(result.firstNonFinite == nil)
        #expect(try #require(result.testAccuracy) > 0.8, "\(name)")
        #expect(result.recipe?.hasPrefix(name) == true)
        let scaling = try #require(result.epochs.first?.scaling)
        // Four operands a step, each of its values once: the images twice (along the
        // features, along the batch), the logit gradients, and the 3 × 40 weights.
        let steps = result.epochs[0].steps
        #expect(scaling.elements == (40 + 3 + 40) * 240 + 3 * 40 * steps)
        #expect(scaling[.clipped] + scaling[.flushedToZero] <= scaling.elements && scaling.blocks > 0)
        if case let .object(fields) = result.json {
            #expect(fields.contains { $0.0 == "recipe" })
        }
    }

    @Test("1 and 2 threads give the same bits, in nearest-even and stochastic rounding and with delayed scaling")
    func threadsDoNotChangeTheBits() throws {
        var delayed = try Self.recipe("tensor-fp8-e4m3")
        delayed.amaxHistory = 4
        for (recipe, policy) in [(try Self.recipe("mxfp4-e2m1"), TrainingPolicy()),
                                 (try Self.recipe("nvfp4"), TrainingPolicy(rounding: .stochastic)),
                                 (try Self.recipe("mxint8"), TrainingPolicy(stochasticUpdate: true)),
                                 (delayed, TrainingPolicy())] {
            let one = try Self.run(recipe, threads: 1, epochs: 2, policy: policy)
            let two = try Self.run(recipe, threads: 2, epochs: 2, policy: policy)
            #expect(TrainerTests.fingerprint(one) == TrainerTests.fingerprint(two), "\(recipe.name) \(policy.name)")
        }
    }

    @Test("the hardware FP32 kernel gives the bits of the general one (FP32 through the soft-float path)")
    func hardwareSumsAreTheGeneralSums() throws {
        for name in ["mxfp8-e4m3", "nvfp4", "tensor-int8"] {
            let recipe = try Self.recipe(name)
            let configuration = TrainerTests.configuration(epochs: 2, threads: 2)
            let fast = ScaledTrainer(rest: FastArithmetic<Float>(format: .fp32)!,
                                     accumulation: FastArithmetic<Float>(format: .fp32)!, recipe: recipe,
                                     configuration: configuration, policy: TrainingPolicy())
            let general = ScaledTrainer(rest: SoftArithmetic(format: .fp32), accumulation: SoftArithmetic(format: .fp32),
                                        recipe: recipe, configuration: configuration, policy: TrainingPolicy(),
                                        hardwareSums: false)
            #expect(fast.usesHardwareSums && !general.usesHardwareSums)
            let a = fast.train(Self.data), b = general.train(Self.data)
            #expect(TrainerTests.fingerprint(a) == TrainerTests.fingerprint(b), "\(name)")
        }
    }

    @Test("another accumulation or rest format, or stochastic rounding, changes the run; the same seed repeats it")
    func optionsChangeTheRun() throws {
        let base = try Self.recipe("mxfp8-e4m3")
        var bf16Sums = base
        bf16Sums.accumulation = .bf16
        var bf16Rest = base
        bf16Rest.rest = .bf16
        var ceiling = try Self.recipe("mxfp4-e2m1")
        ceiling.scaleRule = .ceiling
        let reference = TrainerTests.fingerprint(try Self.run(base, epochs: 2))
        for (recipe, policy) in [(bf16Sums, TrainingPolicy()), (bf16Rest, TrainingPolicy()),
                                 (base, TrainingPolicy(rounding: .stochastic))] {
            let a = try Self.run(recipe, epochs: 2, policy: policy)
            #expect(TrainerTests.fingerprint(a) != reference, "\(recipe.description) \(policy.name)")
            #expect(TrainerTests.fingerprint(a) == TrainerTests.fingerprint(try Self.run(recipe, epochs: 2, policy: policy)))
            #expect(try #require(a.testAccuracy) > 0.8)
        }
        let floor = try Self.run(try Self.recipe("mxfp4-e2m1"), epochs: 1)
        let noClip = try Self.run(ceiling, epochs: 1)
        #expect(try #require(floor.epochs[0].scaling)[.clipped] > 0)
        #expect(try #require(noClip.epochs[0].scaling)[.clipped] == 0)
    }

    @Test("MX images quantised once, row by row, are the batch's quantisation: units and events")
    func cachedRowsAreTheBatchQuantisation() throws {
        for name in ["mxfp8-e4m3", "mxfp4-e2m1", "mxint8"] {
            let recipe = try Self.recipe(name)
            let trainer = ScaledTrainer(rest: FastArithmetic<Float>(format: .fp32)!,
                                        accumulation: FastArithmetic<Float>(format: .fp32)!, recipe: recipe,
                                        configuration: TrainerTests.configuration(), policy: TrainingPolicy(rounding: .up))
            let rows = ScaledTrainer<FastArithmetic<Float>, FastArithmetic<Float>>.rows(Self.data.train)
            let parallel = ParallelChunks(threads: 2)
            let n = Self.data.train.count, d = Self.data.train.dimension
            let cached = try #require(ScaledTrainer.quantisedRows(rows, count: n, dimension: d, trainer: trainer,
                                                                  parallel: parallel))
            let units = WorkBuffer<Float>(repeating: 0, count: n * d)
            var events = ScalingEvents()
            _ = trainer.quantiser.quantise(rows.pointer, rows: n, length: d, into: units.pointer, mode: .up,
                                           random: StochasticBits(key: 1), parallel: parallel, events: &events)
            #expect(units.array.map(\.bitPattern) == cached.units.array.map(\.bitPattern), "\(name)")
            var summed = ScalingEvents()
            for e in cached.events { summed += e }
            #expect(ScaledQuantiserTests.same(summed, events), "\(name)")
        }
        // Stochastic rounding and formats whose scale spans the batch are not cached.
        let nvfp4 = ScaledTrainer(rest: FastArithmetic<Float>(format: .fp32)!,
                                  accumulation: FastArithmetic<Float>(format: .fp32)!, recipe: try Self.recipe("nvfp4"),
                                  configuration: TrainerTests.configuration(), policy: TrainingPolicy())
        let rows = ScaledTrainer<FastArithmetic<Float>, FastArithmetic<Float>>.rows(Self.data.train)
        #expect(ScaledTrainer.quantisedRows(rows, count: 240, dimension: 40, trainer: nvfp4,
                                            parallel: ParallelChunks(threads: 1)) == nil)
    }

    @Test("setups the recipes do not take are refused with a reason")
    func refusals() throws {
        var history = try Self.recipe("mxfp8-e4m3")
        history.amaxHistory = 8
        #expect(throws: TrainingSetupError.self) { try Self.run(history) }
        #expect(throws: TrainingSetupError.self) {
            try Self.run(try Self.recipe("nvfp4"), policy: TrainingPolicy(masterWeights: .bf16))
        }
        // Through the registry, the policy's accumulation format becomes the recipe's.
        let result = try TrainingRun.train(format: try NumberFormat(name: "mxint8", accepting: .all), path: .automatic,
                                           configuration: TrainerTests.configuration(epochs: 1),
                                           policy: TrainingPolicy(accumulation: .fp16), data: Self.data)
        #expect(result.recipe?.contains("accumulated in fp16") == true)
    }

    /// Two epochs on 6,000 real images: far above chance (10%) for the four formats the
    /// issue names.
    @Test(.enabled(if: FashionMNISTTests.available, FashionMNISTTests.skipMessage),
          arguments: ["mxfp8-e4m3", "mxfp4-e2m1", "nvfp4", "mxint8"])
    func realDataLearns(name: String) throws {
        let loaded = try FashionMNIST.load(from: FashionMNISTTests.directory)
        let data = TrainingData(train: loaded.train.prefix(6000), validation: nil, test: loaded.test.prefix(2000))
        let result = try TrainingRun.train(recipe: try Self.recipe(name),
                                           configuration: TrainingConfiguration(epochs: 2, threads: 2),
                                           policy: TrainingPolicy(), data: data)
        #expect(try #require(result.testAccuracy) > 0.65, "\(name)")
        #expect(result.firstNonFinite == nil)
    }
}
