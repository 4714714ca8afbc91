import DataFiles
import SoftFloat
import TrainingArithmetic

/// Minibatch SGD of softmax regression with every scalar operation in `Work`'s format,
/// written once for every arithmetic and specialised per type.
///
///     let bf16 = FastArithmetic<Float>(format: .bf16)!
///     let pure = Trainer(work: bf16, configuration: .init(), policy: .init())
///     let fp32 = FastArithmetic<Float>(format: .fp32)!
///     let mixed = Trainer(work: bf16, accumulation: ConvertingBridge(work: bf16, wide: fp32),
///                         master: IdentityBridge(bf16), configuration: .init(),
///                         policy: TrainingPolicy(accumulation: .fp32))
///     let result = mixed.train(data)
///
/// A step: the batch's examples are spread over the threads (logits, loss, logit
/// gradient: each example independent); then the rows of the weight gradient are spread
/// over the threads, each row summed over the batch in order and its weights updated at
/// once. Every reduction runs in a fixed order and stochastic rounding draws from a
/// generator per (step, example) or (step, weight row), so the bits do not depend on the
/// number of threads.
///
/// Each phase is written once, through two bridges: the dot products (logits, weight and
/// bias gradients) run in `Accumulation`'s wide arithmetic and are rounded once to the
/// training format; the update runs in the master bridge's, and its weights are rounded
/// to the training format after each step (see `TrainingParameters`). A part without a
/// format of its own goes through `IdentityBridge`, which converts nothing and shares the
/// training format's buffers.
///
/// Edge cases: rounding the data and the initial weights to the formats is done to
/// nearest-even whatever the policy.
///
/// - Parameters:
///   - work: the training format's arithmetic.
///   - accumulation: the dot products' arithmetic (`--accumulate`), or the identity.
///   - master: the master weights' arithmetic (`--master-weights`), or the identity.
public final class Trainer<Work: ScalarArithmetic, Accumulation: ArithmeticBridge> where Accumulation.Work == Work {
    public let work: Work
    public let accumulation: Accumulation
    public let configuration: TrainingConfiguration
    public let policy: TrainingPolicy
    /// A description of the arithmetic path, for reports.
    public var arithmeticDescription: String
    /// The parameters of a run from the initial weights, in the master bridge's formats.
    let parameters: (_ initial: [Double], _ model: SoftmaxRegression, _ events: inout NumericalEvents)
        -> TrainingParameters<Work, Accumulation.Wide.Scalar>

    /// Examples per chunk of the per-example work.
    static var exampleChunk: Int { 16 }
    /// Chunks of weight-gradient rows (fixed: the bits must not depend on the threads).
    static var rowChunks: Int { 16 }

    public init<Master: ArithmeticBridge>(work: Work, accumulation: Accumulation, master: Master,
                                          configuration: TrainingConfiguration, policy: TrainingPolicy,
                                          arithmeticDescription: String? = nil) where Master.Work == Work {
        self.work = work
        self.accumulation = accumulation
        self.configuration = configuration
        self.policy = policy
        self.arithmeticDescription = arithmeticDescription ?? work.name
        parameters = { initial, model, events in
            TrainingParameters(initial: initial, model: model, accumulation: accumulation, master: master,
                               configuration: configuration, policy: policy, events: &events)
        }
    }

    /// A trainer that computes every part of the step in the training format.
    public convenience init(work: Work, configuration: TrainingConfiguration, policy: TrainingPolicy,
                            arithmeticDescription: String? = nil) where Accumulation == IdentityBridge<Work> {
        self.init(work: work, accumulation: IdentityBridge(work), master: IdentityBridge(work),
                  configuration: configuration, policy: policy, arithmeticDescription: arithmeticDescription)
    }

    /// Trains on `data` and evaluates; reports through `observer` as it goes.
    public func train(_ data: TrainingData, observer: TrainingObserver = TrainingObserver()) -> TrainingResult {
        let start = ContinuousClock.now
        var run = Run(trainer: self, data: data)
        var result = run.train(observer: observer)
        result.seconds = (ContinuousClock.now - start).seconds
        return result
    }

    /// The state of one run of the trainer: parameters, data in the formats, and working
    /// buffers.
    ///
    /// A buffer in the accumulation format is the training format's buffer itself when
    /// the accumulation bridge is the identity.
    struct Run {
        /// A value of the accumulation format.
        typealias AccumulationScalar = Accumulation.Wide.Scalar

        let trainer: Trainer
        let data: TrainingData
        let model: SoftmaxRegression
        let parallel: ParallelChunks
        var setupEvents = NumericalEvents()

        /// The training examples, rounded to the training format, in the accumulation format.
        let trainRows: FeatureRows<AccumulationScalar>
        let parameters: TrainingParameters<Work, AccumulationScalar>
        var parametersFinite = true
        /// Where the epochs' time goes.
        var phases = PhaseTimes()

        // Per-step buffers; the dot products write the accumulation format's.
        let batch: WorkBuffer<Int>
        let logits: WorkBuffer<Work.Scalar>
        let logitsWide: WorkBuffer<AccumulationScalar>
        let dz: WorkBuffer<Work.Scalar>
        let dzWide: WorkBuffer<AccumulationScalar>
        let dzFinite: WorkBuffer<Bool>
        let losses: WorkBuffer<Double>
        let correct: WorkBuffer<Bool>
        let gradient: WorkBuffer<Work.Scalar>
        let gradientWide: WorkBuffer<AccumulationScalar>
        let envs: WorkBuffer<FloatEnvironment>
        let chunkEvents: WorkBuffer<NumericalEvents>
        let chunkFirstBad: WorkBuffer<Int>
        let chunkBadEnv: WorkBuffer<FloatEnvironment>
        let chunkFinite: WorkBuffer<Bool>
        /// Examples a dense block takes and weight rows a dense call fills; 0 when the dense
        /// kernels do not serve this run (see `Trainer+Dense.swift`).
        let denseWidth: Int
        /// The batch's features, dense, one row of `denseStride` per example (zero past the
        /// inputs), for the dense weight gradient.
        let denseBatch: WorkBuffer<AccumulationScalar>
        let denseStride: Int
        /// Each example chunk's working space for a dense block: `denseBlockSize` values.
        let denseBlocks: WorkBuffer<AccumulationScalar>
        let denseBlockSize: Int

        init(trainer: Trainer, data: TrainingData) {
            self.trainer = trainer
            self.data = data
            let configuration = trainer.configuration, work = trainer.work, accumulation = trainer.accumulation
            parallel = ParallelChunks(threads: configuration.threads)
            let d = data.train.dimension, c = data.train.classes
            model = SoftmaxRegression(inputs: d, classes: c)
            var events = NumericalEvents()
            let rows = FeatureRows(data.train, in: work, parallel: parallel, events: &events)
            // The weight gradient starts each example's features at the chunks' first rows.
            rows.indexBounds((0...Trainer.rowChunks).map { $0 * d / Trainer.rowChunks }, parallel: parallel)
            trainRows = FeatureRows(rows, widenedBy: accumulation)

            // Initial parameters: N(0, σ²) weights, zero bias.
            let initial = model.initialWeights(standardDeviation: configuration.initialStandardDeviation,
                                               seed: configuration.seed) + Array(repeating: 0, count: c)
            parameters = trainer.parameters(initial, model, &events)
            setupEvents = events

            // A batch larger than the training set is the whole set: buffers for what is used.
            let b = min(configuration.batchSize, data.train.count)
            batch = WorkBuffer(repeating: 0, count: b)
            logits = WorkBuffer(repeating: work.zero, count: b * c)
            logitsWide = accumulation.widen(logits)
            dz = WorkBuffer(repeating: work.zero, count: b * c)
            dzWide = accumulation.widen(dz)
            dzFinite = WorkBuffer(repeating: true, count: b)
            losses = WorkBuffer(repeating: 0, count: b)
            correct = WorkBuffer(repeating: false, count: b)
            gradient = WorkBuffer(repeating: work.zero, count: (d + 1) * c)
            gradientWide = accumulation.widen(gradient)
            envs = WorkBuffer(repeating: FloatEnvironment(), count: d + 1)
            let chunks = max((b + Trainer.exampleChunk - 1) / Trainer.exampleChunk, Trainer.rowChunks + 1)
            chunkEvents = WorkBuffer(repeating: NumericalEvents(), count: chunks)
            chunkFirstBad = WorkBuffer(repeating: Int.max, count: chunks)
            chunkBadEnv = WorkBuffer(repeating: FloatEnvironment(), count: chunks)
            chunkFinite = WorkBuffer(repeating: true, count: chunks)
            denseWidth = configuration.skipsZeroFeatures
                ? accumulation.wide.denseWidth(FloatEnvironment(rounding: trainer.policy.rounding)) : 0
            denseStride = denseWidth > 0 ? d + denseWidth : 0
            denseBatch = WorkBuffer(repeating: accumulation.wide.zero, count: b * denseStride)
            denseBlockSize = denseWidth * (d + c)
            denseBlocks = WorkBuffer(repeating: accumulation.wide.zero, count: chunks * denseBlockSize)
            parametersFinite = allParametersFinite
        }

        /// Whether every parameter is finite in the training format.
        var allParametersFinite: Bool {
            (0..<parameters.values.count).allSatisfy { trainer.work.isFinite(parameters.values[$0]) }
        }

        /// Zero features may be skipped (bit-identically) while this holds.
        var skippingZeros: Bool {
            trainer.configuration.skipsZeroFeatures && trainer.policy.rounding != .down && parametersFinite
        }

        /// A data set rounded to the training format, in the accumulation format.
        func rows(_ dataset: Dataset, events: inout NumericalEvents) -> FeatureRows<AccumulationScalar> {
            FeatureRows(FeatureRows(dataset, in: trainer.work, parallel: parallel, events: &events),
                        widenedBy: trainer.accumulation)
        }

        mutating func train(observer: TrainingObserver) -> TrainingResult {
            let configuration = trainer.configuration, work = trainer.work
            let n = data.train.count
            let b = min(configuration.batchSize, n)
            let stepsPerEpoch = (n + b - 1) / b
            var records: [EpochRecord] = []
            var stepLosses: [Double] = []
            var firstNonFinite: NonFiniteEvent?
            var step = 0
            var best: (epoch: Int, loss: Double)?
            var stoppedEarly = false
            let validationRows = data.validation.map { rows($0, events: &setupEvents) }

            for epoch in 1..<(configuration.epochs + 1) {
                let epochStart = ContinuousClock.now
                let order = configuration.order(epoch: epoch, count: n)
                var lossSum = 0.0
                var correctCount = 0
                var events = NumericalEvents()
                if configuration.schedule != .constant {
                    _ = parameters.setLearningRate(configuration.learningRate(epoch: epoch), &events)
                }
                for s in 0..<stepsPerEpoch {
                    step += 1
                    let lower = s * b, upper = min(lower + b, n)
                    for (slot, index) in order[lower..<upper].enumerated() { batch[slot] = index }
                    let outcome = trainStep(count: upper - lower, step: step)
                    if step <= configuration.recordedSteps {
                        stepLosses.append(outcome.lossSum / Double(upper - lower))
                    }
                    lossSum += outcome.lossSum
                    correctCount += outcome.correct
                    events += outcome.events
                    if firstNonFinite == nil, let bad = outcome.nonFinite {
                        firstNonFinite = NonFiniteEvent(epoch: epoch, step: step, example: bad.example,
                                                        reason: bad.reason)
                    }
                    observer.step?(epoch, s + 1, stepsPerEpoch)
                }
                var record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(n),
                                         trainAccuracy: Double(correctCount) / Double(n),
                                         validationLoss: nil, validationAccuracy: nil, seconds: 0,
                                         steps: stepsPerEpoch, events: events)
                if let validation = data.validation, let rows = validationRows {
                    let evaluationStart = ContinuousClock.now
                    let figures = evaluate(rows, labels: validation.labels, pass: UInt64(epoch))
                    phases.add(.evaluation, since: evaluationStart)
                    record.validationLoss = figures.loss
                    record.validationAccuracy = figures.accuracy
                }
                record.seconds = (ContinuousClock.now - epochStart).seconds
                records.append(record)
                observer.epochFinished?(record)

                if let patience = configuration.patience, let loss = record.validationLoss {
                    if best == nil || loss < best!.loss {
                        best = (epoch, loss)
                        parameters.save()
                    } else if epoch - best!.epoch >= patience {
                        stoppedEarly = epoch < configuration.epochs
                        break
                    }
                }
            }
            if let best, best.epoch != records.last?.epoch {
                parameters.restore()
                parametersFinite = allParametersFinite
            }

            var testLoss: Double?
            var testAccuracy: Double?
            if let test = data.test {
                var ignored = NumericalEvents()
                let figures = evaluate(rows(test, events: &ignored), labels: test.labels, pass: 0)
                testLoss = figures.loss
                testAccuracy = figures.accuracy
            }
            let c = model.classes, d = model.inputs
            let all = parameters.values.array.map { work.toDouble($0) }
            return TrainingResult(
                format: work.name, arithmetic: trainer.arithmeticDescription, policy: trainer.policy,
                configuration: configuration, trainCount: n, validationCount: data.validation?.count ?? 0,
                testCount: data.test?.count ?? 0, validationIsTest: data.validationIsTest,
                epochs: records, testLoss: testLoss, testAccuracy: testAccuracy,
                firstNonFinite: firstNonFinite, bestEpoch: best?.epoch, stoppedEarly: stoppedEarly,
                setupEvents: setupEvents, masterSetupEvents: parameters.masterSetupEvents, weights: Array(all[..<(d * c)]), bias: Array(all[(d * c)...]),
                masterWeights: parameters.masterValues(),
                seconds: 0, stepLosses: stepLosses, phases: phases)
        }
    }
}
