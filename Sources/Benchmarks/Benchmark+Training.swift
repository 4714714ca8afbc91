import DataFiles
import Dispatch
import SoftFloat
import Training
import TrainingArithmetic

extension Benchmark {
    /// A training configuration `bench train` measures: a format and a policy, under a
    /// short name.
    ///
    ///     Benchmark.TrainingCase(name: "bf16+acc-fp32", format: .binary(.bf16),
    ///                            policy: TrainingPolicy(accumulation: .fp32))
    public struct TrainingCase: Sendable, Equatable {
        public var name: String
        public var format: NumberFormat
        public var policy: TrainingPolicy

        public init(name: String, format: NumberFormat, policy: TrainingPolicy = TrainingPolicy()) {
            self.name = name
            self.format = format
            self.policy = policy
        }
    }

    /// Every configuration `bench train` knows, in the order it prints them; the first is
    /// the hardware FP32 reference. A configuration whose training is not available in this
    /// build (one `TrainingRun` refuses) is reported as such, not measured.
    public static let trainingCases: [TrainingCase] = {
        let pure: [FloatFormat] = [.fp32, .tf32, .bf16, .fp16, .fp8E5M2, .fp8E4M3]
        var cases = pure.map { TrainingCase(name: $0.name, format: .binary($0)) }
        let policies: [(String, TrainingPolicy)] = [
            ("acc-fp32", TrainingPolicy(accumulation: .fp32)), ("master-fp32", TrainingPolicy(masterWeights: .fp32)),
            ("stochastic", TrainingPolicy(rounding: .stochastic)), ("loss-scale", TrainingPolicy(lossScale: 1024)),
        ]
        for (suffix, policy) in policies {
            for format in [FloatFormat.bf16, .fp16] {
                cases.append(TrainingCase(name: "\(format.name)+\(suffix)", format: .binary(format), policy: policy))
            }
        }
        // The same kernels as stochastic rounding without its random bits: the difference is their cost.
        for format in [FloatFormat.bf16, .fp16] {
            cases.append(TrainingCase(name: "\(format.name)+toward-zero", format: .binary(format),
                                      policy: TrainingPolicy(rounding: .towardZero)))
        }
        cases.append(TrainingCase(name: "lns8", format: .logarithmic(.lns8)))
        for name in ["mxfp8-e4m3", "nvfp4"] {
            if let format = try? NumberFormat(name: name, accepting: .scaled) {
                cases.append(TrainingCase(name: name, format: format))
            }
        }
        return cases
    }()

    /// One row of `bench train`.
    public struct TrainingRate: Sendable {
        public var trainingCase: TrainingCase
        /// The arithmetic path, in words (nil when the format is not available).
        public var arithmetic: String?
        /// The fastest epoch's seconds, evaluation of the validation set included.
        public var secondsPerEpoch: Double
        /// Why the configuration could not run, when it could not.
        public var unavailable: String?
        public var testAccuracy: Double?
        /// Where the time went, per epoch (the run's phases over its epochs).
        public var phasesPerEpoch = PhaseTimes()
        /// The mean epoch's seconds.
        public var meanSecondsPerEpoch = Double.nan
    }

    /// Trains one configuration for `configuration.epochs` epochs; the fastest epoch's time.
    ///
    /// Edge cases: a configuration `TrainingRun` refuses (such as a policy another build
    /// adds) comes back with `unavailable` set.
    public static func measureTraining(_ trainingCase: TrainingCase, configuration: TrainingConfiguration,
                                       data: TrainingData) -> TrainingRate {
        do {
            let result = try TrainingRun.train(format: trainingCase.format, path: .automatic,
                                               configuration: configuration, policy: trainingCase.policy, data: data)
            let fastest = result.epochs.map(\.seconds).min() ?? .nan
            let epochs = Double(max(result.epochs.count, 1))
            var phases = PhaseTimes()
            for phase in PhaseTimes.Phase.allCases { phases[phase] = result.phases[phase] / epochs }
            return TrainingRate(trainingCase: trainingCase, arithmetic: result.arithmetic, secondsPerEpoch: fastest,
                                unavailable: nil, testAccuracy: result.testAccuracy, phasesPerEpoch: phases,
                                meanSecondsPerEpoch: result.epochs.reduce(0) { $0 + $1.seconds } / epochs)
        } catch {
            return TrainingRate(trainingCase: trainingCase, arithmetic: nil, secondsPerEpoch: .nan,
                                unavailable: "\(error)", testAccuracy: nil)
        }
    }

    /// The floating-point operations one epoch of softmax regression needs, counted densely
    /// (every feature, zero or not): a multiply and an add per weight for each training
    /// example's logits, again for its share of the weight gradient, and for each
    /// evaluated example's logits; a multiply and a subtract per parameter per step.
    ///
    ///     Benchmark.usefulOperationsPerEpoch(train: 55000, evaluated: 5000, inputs: 784,
    ///                                        classes: 10, batchSize: 256)   // ≈ 1.0e9
    public static func usefulOperationsPerEpoch(train: Int, evaluated: Int, inputs: Int, classes: Int,
                                                batchSize: Int) -> Double {
        let weights = Double(inputs * classes)
        let steps = Double((train + batchSize - 1) / batchSize)
        return 2 * weights * Double(2 * train + evaluated) + 2 * (weights + Double(classes)) * steps
    }

    /// The hardware's multiply-add rate on one thread, in floating-point operations per
    /// second: eight independent chains of `a ← a × b + c` on `SIMD8<Float>` (16 operations
    /// each), as this build compiles them.
    ///
    /// Edge cases: the figure is the limit of the instruction set the program was built
    /// for (`swift build` targets baseline x86-64: SSE, no FMA), which is the limit that
    /// the training code runs against too.
    public static func peakOperationsPerSecond(seconds: Double) -> Double {
        rate(seconds: seconds) { multiplyAddChains($0) } * 8 * 16 * 64
    }

    @inline(never)
    static func multiplyAddChains(_ repetitions: Int) -> UInt64 {
        typealias V = SIMD8<Float>
        let b = V(repeating: 0.999_999), c = V(repeating: 1e-7)
        var a0 = V(repeating: 1), a1 = V(repeating: 2), a2 = V(repeating: 3), a3 = V(repeating: 4)
        var a4 = V(repeating: 5), a5 = V(repeating: 6), a6 = V(repeating: 7), a7 = V(repeating: 8)
        for _ in 0..<repetitions {
            for _ in 0..<64 {
                a0 = a0 * b + c; a1 = a1 * b + c; a2 = a2 * b + c; a3 = a3 * b + c
                a4 = a4 * b + c; a5 = a5 * b + c; a6 = a6 * b + c; a7 = a7 * b + c
            }
        }
        let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        return UInt64(s.sum().bitPattern)
    }
}
