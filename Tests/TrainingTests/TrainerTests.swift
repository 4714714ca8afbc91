import DataFiles
import SoftFloat
import Testing
import Training
import TrainingArithmetic

/// Training on small synthetic problems with known answers.
@Suite("Trainer")
struct TrainerTests {
    /// Gaussian blobs, one per class, around well separated centres: a linearly separable
    /// problem. Every fourth feature is exactly zero (so sparse rows are exercised).
    static func blobs(count: Int, classes: Int = 3, dimension: Int = 8, seed: UInt64,
                      scale: Double = 1, noise: Double = 0.3) -> Dataset {
        var random = SplitMix64(seed: seed)
        var values: [Double] = []
        var labels: [UInt8] = []
        for i in 0..<count {
            let c = i % classes
            labels.append(UInt8(c))
            for k in 0..<dimension {
                if k % 4 == 3 { values.append(0); continue }
                let centre = k % classes == c ? 1.0 : 0.0
                values.append(scale * (centre + noise * random.nextGaussian()))
            }
        }
        return Dataset(reals: values, labels: labels, dimension: dimension, classes: classes)
    }

    static let data = TrainingData(train: blobs(count: 240, seed: 1), validation: blobs(count: 60, seed: 2),
                                   test: blobs(count: 150, seed: 3))

    static func configuration(epochs: Int = 8, threads: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(epochs: epochs, learningRate: 0.5, batchSize: 16, seed: 5, threads: threads)
    }

    static func run(_ format: FloatFormat, _ path: ArithmeticPath, configuration: TrainingConfiguration = configuration(),
                    policy: TrainingPolicy = TrainingPolicy(), data: TrainingData = data) throws -> TrainingResult {
        try TrainingRun.train(format: format, path: path, configuration: configuration, policy: policy, data: data)
    }

    /// Everything two runs report that must agree bit for bit (not the times).
    static func fingerprint(_ r: TrainingResult) -> [UInt64] {
        var bits = r.weights.map(\.bitPattern) + r.bias.map(\.bitPattern) + (r.masterWeights ?? []).map(\.bitPattern)
        for e in r.epochs {
            bits += [e.trainLoss, e.trainAccuracy, e.validationLoss ?? -1, e.validationAccuracy ?? -1].map(\.bitPattern)
            bits += [e.events.overflows, e.events.underflowsToZero, e.events.nans, e.events.swallowedUpdates].map { UInt64($0) }
        }
        bits += [r.testLoss ?? -1, r.testAccuracy ?? -1].map(\.bitPattern)
        return bits
    }

    /// The named formats of 8 bits and more with IEEE's or OCP E4M3's encoding; the
    /// others have a test of their own below.
    static let ieeeLikeNamed = FloatFormat.named.filter {
        ($0.encoding == .ieee || $0.encoding == .finite) && $0.bias == $0.ieeeBias && $0.bitWidth >= 8
            && $0 != .float8E3M4
    }

    @Test(arguments: Self.ieeeLikeNamed)
    func learnsSeparableBlobsInEveryNamedFormat(format: FloatFormat) throws {
        let result = try Self.run(format, .automatic)
        let accuracy = try #require(result.testAccuracy)
        #expect(accuracy > 0.95, "\(format.name): \(accuracy)")
        #expect(result.epochs.count == 8)
        #expect(result.epochs.last!.trainLoss < result.epochs.first!.trainLoss)
    }

    /// fnuz, FP6 and P3109 formats train on the soft path (the fast path refuses their
    /// encodings), and learn: far above the chance of one class in three.
    @Test(arguments: [FloatFormat.fp8E4M3FNUZ, .fp8E5M2FNUZ, .fp8E4M3B11FNUZ, .fp6E2M3, .fp6E3M2,
                      .binary8(precision: 3), .binary8(precision: 1)])
    func learnsInTheOtherEncodings(format: FloatFormat) throws {
        let result = try Self.run(format, .automatic)
        #expect(result.arithmetic.contains("soft"), "\(result.arithmetic)")
        let accuracy = try #require(result.testAccuracy)
        #expect(accuracy > 0.6, "\(format.name): \(accuracy)")
        #expect(result.epochs.allSatisfy { $0.trainLoss.isFinite })
    }

    /// FP4 E2M1 and E3M4 do not learn this small problem in pure arithmetic (they stay at
    /// chance): they run on the soft path to the end with finite losses.
    @Test(arguments: [FloatFormat.fp4E2M1, .float8E3M4])
    func runsInTheNarrowestFormats(format: FloatFormat) throws {
        let result = try Self.run(format, .automatic)
        #expect(result.epochs.count == 8 && result.epochs.allSatisfy { $0.trainLoss.isFinite })
        #expect(result.arithmetic.contains(format == .fp4E2M1 ? "soft" : "Float"), "\(result.arithmetic)")
    }

    @Test(arguments: [FloatFormat.bf16, .fp8E4M3, try! FloatFormat(name: "e4m2")])
    func learnsOnTheSoftPathToo(format: FloatFormat) throws {
        let result = try Self.run(format, .soft)
        #expect(try #require(result.testAccuracy) > 0.95)
        #expect(result.arithmetic.contains("soft"))
    }

    /// The fast path trains to the same bits as the soft path: same losses, accuracies,
    /// events and weights, epoch by epoch.
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp8E4M3, .fp8E5M2, .tf32, .fp32, try! FloatFormat(name: "e6m5")])
    func fastPathTrainsBitIdenticallyToTheSoftPath(format: FloatFormat) throws {
        let fast = try Self.run(format, .fast)
        let soft = try Self.run(format, .soft)
        #expect(fast.arithmetic != soft.arithmetic)
        #expect(fast.arithmetic.contains(format.precision <= 11 || format == .fp32 ? "Float" : "Double"))
        #expect(Self.fingerprint(fast) == Self.fingerprint(soft))
    }

    /// Features near 2^-62 make the products of features and weights subnormal in tf32,
    /// where its fast path in `Float` recomputes them in `Double`: still the soft path's bits,
    /// with one thread or two.
    @Test func tf32FastPathWithTinyProductsTrainsLikeTheSoftPath() throws {
        let data = TrainingData(train: Self.blobs(count: 240, seed: 1, scale: 0x1p-62),
                                validation: Self.blobs(count: 60, seed: 2, scale: 0x1p-62),
                                test: Self.blobs(count: 150, seed: 3, scale: 0x1p-62))
        let fast = try Self.run(.tf32, .fast, configuration: Self.configuration(epochs: 3), data: data)
        let soft = try Self.run(.tf32, .soft, configuration: Self.configuration(epochs: 3), data: data)
        let two = try Self.run(.tf32, .fast, configuration: Self.configuration(epochs: 3, threads: 2), data: data)
        #expect(fast.arithmetic.contains("Float"))
        #expect(Self.fingerprint(fast) == Self.fingerprint(soft))
        #expect(Self.fingerprint(fast) == Self.fingerprint(two))
    }

    @Test func fastPathMatchesTheSoftPathUnderEveryPolicy() throws {
        let policies = [
            TrainingPolicy(accumulation: .fp32),
            TrainingPolicy(masterWeights: .fp32),
            TrainingPolicy(accumulation: .fp32, masterWeights: .fp32, lossScale: 1024),
            TrainingPolicy(stochasticUpdate: true),
            TrainingPolicy(accumulation: .tf32),
        ]
        var configuration = Self.configuration(epochs: 3)
        configuration.weightDecay = 0.01
        for format in [FloatFormat.bf16, .fp16] {
            for policy in policies {
                let fast = try Self.run(format, .fast, configuration: configuration, policy: policy)
                let soft = try Self.run(format, .soft, configuration: configuration, policy: policy)
                #expect(Self.fingerprint(fast) == Self.fingerprint(soft), "\(format.name), \(policy.name)")
            }
        }
    }

    /// The same seed gives the same bits with 1, 2 or 3 threads, stochastic rounding included.
    @Test func threadCountDoesNotChangeTheBits() throws {
        let data = TrainingData(train: Self.blobs(count: 600, dimension: 40, seed: 1),
                                validation: Self.blobs(count: 100, dimension: 40, seed: 2),
                                test: Self.blobs(count: 200, dimension: 40, seed: 3))
        for (format, path, policy) in [(FloatFormat.bf16, ArithmeticPath.fast, TrainingPolicy()),
                                       (.tf32, .fast, TrainingPolicy()),
                                       (.fp16, .soft, TrainingPolicy(rounding: .stochastic)),
                                       (.bf16, .fast, TrainingPolicy(accumulation: .fp32, stochasticUpdate: true))] {
            let runs = try [1, 2, 3].map { threads in
                try Self.run(format, path, configuration: Self.configuration(epochs: 3, threads: threads),
                             policy: policy, data: data)
            }
            #expect(Self.fingerprint(runs[0]) == Self.fingerprint(runs[1]))
            #expect(Self.fingerprint(runs[0]) == Self.fingerprint(runs[2]))
        }
    }

    /// Leaving out the products of zero features changes no bit.
    @Test func skippingZeroFeaturesIsExact() throws {
        for format in [FloatFormat.bf16, .fp8E4M3] {
            var dense = Self.configuration(epochs: 3)
            dense.skipsZeroFeatures = false
            let a = try Self.run(format, .automatic, configuration: Self.configuration(epochs: 3))
            let b = try Self.run(format, .automatic, configuration: dense)
            #expect(Self.fingerprint(a) == Self.fingerprint(b))
        }
    }

    /// The dense kernels (fp32 and fp64 in their own hardware type, and fp32 accumulation
    /// under bf16) give the soft path's bits and the sparse reference's, on 1 and 2
    /// threads: with 8 features, with 21 (row blocks that end part-way) and with features so
    /// small that products underflow in fp32, where each block falls back to the sparse path.
    @Test func denseKernelsMatchTheSoftPath() throws {
        func data(dimension: Int, scale: Double) -> TrainingData {
            TrainingData(train: Self.blobs(count: 200, dimension: dimension, seed: 1, scale: scale),
                         validation: Self.blobs(count: 40, dimension: dimension, seed: 2, scale: scale),
                         test: Self.blobs(count: 60, dimension: dimension, seed: 3, scale: scale))
        }
        let tiny = data(dimension: 21, scale: 1e-41)
        var sparse = Self.configuration(epochs: 3)
        sparse.skipsZeroFeatures = false
        for data in [Self.data, data(dimension: 21, scale: 1), tiny] {
            for (format, policy) in [(FloatFormat.fp32, TrainingPolicy()), (.fp64, TrainingPolicy()),
                                     (.bf16, TrainingPolicy(accumulation: .fp32))] {
                let fast = try Self.run(format, .fast, configuration: Self.configuration(epochs: 3), policy: policy,
                                        data: data)
                let two = try Self.run(format, .fast, configuration: Self.configuration(epochs: 3, threads: 2),
                                       policy: policy, data: data)
                let soft = try Self.run(format, .soft, configuration: Self.configuration(epochs: 3), policy: policy,
                                        data: data)
                let reference = try Self.run(format, .fast, configuration: sparse, policy: policy, data: data)
                #expect(Self.fingerprint(fast) == Self.fingerprint(soft), "\(format.name), \(policy.name)")
                #expect(Self.fingerprint(fast) == Self.fingerprint(two), "\(format.name), \(policy.name)")
                #expect(Self.fingerprint(fast) == Self.fingerprint(reference), "\(format.name), \(policy.name)")
            }
        }
        let underflowing = try Self.run(.fp32, .fast, configuration: Self.configuration(epochs: 3), data: tiny)
        #expect(underflowing.epochs.contains { $0.events.underflowsToZero > 0 })
    }

    @Test func differentSeedsGiveDifferentRuns() throws {
        var other = Self.configuration()
        other.seed = 6
        #expect(Self.fingerprint(try Self.run(.bf16, .fast)) != Self.fingerprint(try Self.run(.bf16, .fast, configuration: other)))
    }

    /// The naive loss overflows `exp` where the log-sum-exp loss does not, and the run says
    /// at which step and why.
    @Test func naiveLossReportsTheFirstInfinity() throws {
        let data = TrainingData(train: Self.blobs(count: 240, seed: 1, scale: 8), validation: nil,
                                test: Self.blobs(count: 60, seed: 3, scale: 8))
        var configuration = Self.configuration(epochs: 4)
        configuration.loss = .naive
        let naive = try Self.run(.fp16, .automatic, configuration: configuration, data: data)
        let event = try #require(naive.firstNonFinite)
        #expect(event.step >= 1)
        #expect(event.reason.contains("exp(") || event.reason.contains("underflowed"))
        #expect(naive.epochs.contains { $0.events.overflows > 0 || $0.events.nans > 0 })
        configuration.loss = .logSumExp
        let stable = try Self.run(.fp16, .automatic, configuration: configuration, data: data)
        #expect(stable.firstNonFinite == nil)
        #expect(try #require(stable.testAccuracy) > 0.95)
    }

    /// A learning rate far below half an ulp of the weights leaves bf16 weights unchanged:
    /// the updates are swallowed, which fp32 (16 more bits) mostly avoids.
    @Test func swallowedUpdatesAreCounted() throws {
        var configuration = Self.configuration(epochs: 2)
        configuration.learningRate = 1e-4
        configuration.initialStandardDeviation = 1
        let bf16 = try Self.run(.bf16, .fast, configuration: configuration)
        let fp32 = try Self.run(.fp32, .fast, configuration: configuration)
        let swallowedBF16 = bf16.epochs.map(\.events.swallowedUpdates).reduce(0, +)
        let swallowedFP32 = fp32.epochs.map(\.events.swallowedUpdates).reduce(0, +)
        #expect(swallowedBF16 > 10 * max(swallowedFP32, 1))
        // Master weights in fp32 take the small updates.
        let master = try Self.run(.bf16, .fast, configuration: configuration, policy: TrainingPolicy(masterWeights: .fp32))
        #expect(master.epochs.map(\.events.swallowedUpdates).reduce(0, +) < swallowedBF16)
    }

    /// fp8 products of small features and weights underflow to zero, and the count agrees
    /// between paths (checked above); here it is nonzero.
    @Test func underflowsToZeroAreCounted() throws {
        var configuration = Self.configuration(epochs: 1)
        configuration.initialStandardDeviation = 0.01
        let result = try Self.run(.fp8E4M3, .fast, configuration: configuration)
        #expect(result.setupEvents.underflowsToZero + result.epochs[0].events.underflowsToZero > 0)
    }

    @Test func weightDecayShrinksTheWeights() throws {
        var decayed = Self.configuration()
        decayed.weightDecay = 0.5
        let plain = try Self.run(.fp32, .fast)
        let shrunk = try Self.run(.fp32, .fast, configuration: decayed)
        func norm(_ w: [Double]) -> Double { w.map { $0 * $0 }.reduce(0, +) }
        #expect(norm(shrunk.weights) < 0.8 * norm(plain.weights))
    }

    /// Early stopping keeps the best epoch's parameters: the same as a run that stops there.
    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let noisy = TrainingData(train: Self.blobs(count: 240, seed: 1, noise: 1.2),
                                 validation: Self.blobs(count: 60, seed: 2, noise: 1.2), test: nil)
        var configuration = Self.configuration(epochs: 30)
        configuration.learningRate = 4
        configuration.patience = 2
        let stopped = try Self.run(.bf16, .fast, configuration: configuration, data: noisy)
        let best = try #require(stopped.bestEpoch)
        let losses = stopped.epochs.compactMap(\.validationLoss)
        #expect(losses[best - 1] == losses.min())
        #expect(stopped.stoppedEarly)
        #expect(stopped.epochs.count == best + 2)
        configuration.epochs = best
        configuration.patience = nil
        let plain = try Self.run(.bf16, .fast, configuration: configuration, data: noisy)
        #expect(plain.weights.map(\.bitPattern) == stopped.weights.map(\.bitPattern))
    }

    @Test func jsonHasEveryEpochAndTheTestAccuracy() throws {
        let result = try Self.run(.bf16, .fast, configuration: Self.configuration(epochs: 3))
        let text = result.json.text()
        #expect(text.contains("\"epochs\": ["))
        #expect(text.contains("\"test_accuracy\": \(result.testAccuracy!)"))
        #expect(text.components(separatedBy: "\"train_loss\"").count == 4)
        #expect(text.contains("\"swallowed_updates\""))
    }

    @Test func rejectsImpossibleSetups() {
        #expect(throws: TrainingSetupError.self) { try Self.run(try FloatFormat(name: "e8m30"), .fast) }
        #expect(throws: FormatNameError.self) {
            try TrainingRun.train(format: try NumberFormat(name: "bf17"), path: .automatic,
                                  configuration: Self.configuration(), policy: TrainingPolicy(), data: Self.data)
        }
        #expect(throws: TrainingSetupError.self) {
            try Self.run(.fp16, .automatic, policy: TrainingPolicy(lossScale: -1))
        }
    }

    @Test func validationSplitIsSeededAndDisjoint() {
        let all = Self.blobs(count: 100, seed: 7)
        let (train, validation) = all.split(validationCount: 20, seed: 1)
        let again = all.split(validationCount: 20, seed: 1)
        let other = all.split(validationCount: 20, seed: 2)
        #expect(train.count == 80 && validation.count == 20)
        func rows(_ d: Dataset) -> [[Double]] { (0..<d.count).map { i in (0..<d.dimension).map { d.feature(i, $0) } } }
        #expect(rows(validation) == rows(again.validation))
        #expect(rows(validation) != rows(other.validation))
        #expect(Set(rows(train) + rows(validation)) == Set(rows(all)))
    }
}
