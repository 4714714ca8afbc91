import DataFiles
import SoftFloat
import TrainingArithmetic

/// Minibatch SGD of softmax regression with every scalar operation in `Work`'s format,
/// written once for every arithmetic and specialised per type.
///
///     let bf16 = FastArithmetic<Float>(format: .bf16)!
///     let trainer = Trainer<FastArithmetic<Float>, FastArithmetic<Float>>(
///         work: bf16, accumulation: nil, master: nil, configuration: .init(), policy: .init())
///     let result = trainer.train(data)
///
/// A step: the batch's examples are spread over the threads (logits, loss, logit
/// gradient: each example independent); then the rows of the weight gradient are spread
/// over the threads, each row summed over the batch in order and its weights updated at
/// once. Every reduction runs in a fixed order and stochastic rounding draws from a
/// generator per (step, example) or (step, weight row), so the bits do not depend on the
/// number of threads.
///
/// Edge cases: `Wide` is the arithmetic of the accumulation and master-weight formats of
/// the policy (either may be nil: then that part runs in `Work`). Rounding the data and
/// the initial weights to the format is done to nearest-even whatever the policy.
///
/// - Parameters:
///   - work: the training format's arithmetic.
///   - accumulation: the dot products' arithmetic (`--accumulate`), or nil.
///   - master: the master weights' arithmetic (`--master-weights`), or nil.
public final class Trainer<Work: ScalarArithmetic, Wide: ScalarArithmetic> {
    public let work: Work
    public let accumulation: Wide?
    public let master: Wide?
    public let configuration: TrainingConfiguration
    public let policy: TrainingPolicy
    /// A description of the arithmetic path, for reports.
    public var arithmeticDescription: String

    /// Examples per chunk of the per-example work.
    static var exampleChunk: Int { 16 }
    /// Chunks of weight-gradient rows (fixed: the bits must not depend on the threads).
    static var rowChunks: Int { 16 }

    public init(work: Work, accumulation: Wide?, master: Wide?,
                configuration: TrainingConfiguration, policy: TrainingPolicy,
                arithmeticDescription: String? = nil) {
        self.work = work
        self.accumulation = accumulation
        self.master = master
        self.configuration = configuration
        self.policy = policy
        self.arithmeticDescription = arithmeticDescription ?? work.name
    }

    /// Trains on `data` and evaluates; reports through `observer` as it goes.
    public func train(_ data: TrainingData, observer: TrainingObserver = TrainingObserver()) -> TrainingResult {
        let start = ContinuousClock.now
        var run = Run(trainer: self, data: data)
        var result = run.train(observer: observer)
        result.seconds = (ContinuousClock.now - start).seconds
        return result
    }

    /// The state of one run: parameters, data in the formats, and working buffers.
    struct Run {
        let trainer: Trainer
        let data: TrainingData
        let model: SoftmaxRegression
        let work: Work
        let accumulation: Wide?
        let master: Wide?
        let configuration: TrainingConfiguration
        let policy: TrainingPolicy
        let parallel: ParallelChunks
        var setupEvents = NumericalEvents()

        // Data, in the training format and (with accumulation) in the wide format.
        let trainRows: FeatureRows<Work.Scalar>
        let trainRowsWide: FeatureRows<Wide.Scalar>?

        // Parameters: weights (inputs × classes) with the bias as the last row.
        let parameters: WorkBuffer<Work.Scalar>
        let parametersWide: WorkBuffer<Wide.Scalar>?
        let masterParameters: WorkBuffer<Wide.Scalar>?
        var parametersFinite = true

        // Per-step buffers.
        let batch: WorkBuffer<Int>
        let logits: WorkBuffer<Work.Scalar>
        let logitsWide: WorkBuffer<Wide.Scalar>?
        let dz: WorkBuffer<Work.Scalar>
        let dzWide: WorkBuffer<Wide.Scalar>?
        let dzFinite: WorkBuffer<Bool>
        let losses: WorkBuffer<Double>
        let correct: WorkBuffer<Bool>
        let gradient: WorkBuffer<Work.Scalar>
        let gradientWide: WorkBuffer<Wide.Scalar>?
        let envs: WorkBuffer<FloatEnvironment>
        let chunkEvents: WorkBuffer<NumericalEvents>
        let chunkFirstBad: WorkBuffer<Int>
        let chunkBadEnv: WorkBuffer<FloatEnvironment>
        let chunkFinite: WorkBuffer<Bool>

        init(trainer: Trainer, data: TrainingData) {
            self.trainer = trainer
            self.data = data
            work = trainer.work
            accumulation = trainer.accumulation
            master = trainer.master
            configuration = trainer.configuration
            policy = trainer.policy
            parallel = ParallelChunks(threads: configuration.threads)
            let d = data.train.dimension, c = data.train.classes
            model = SoftmaxRegression(inputs: d, classes: c)
            var events = NumericalEvents()
            trainRows = FeatureRows(data.train, in: work, events: &events)
            // The weight gradient starts each example's features at the chunks' first rows.
            let bounds = (0...Trainer.rowChunks).map { $0 * d / Trainer.rowChunks }
            trainRows.indexBounds(bounds)
            if let accumulation {
                trainRowsWide = FeatureRows(converting: trainRows, from: work, to: accumulation)
                trainRowsWide?.indexBounds(bounds)
            } else {
                trainRowsWide = nil
            }

            // Initial parameters: N(0, σ²) weights rounded once to the storage format, zero bias.
            let initial = model.initialWeights(standardDeviation: configuration.initialStandardDeviation,
                                               seed: configuration.seed) + Array(repeating: 0, count: c)
            var env = FloatEnvironment()
            let arithmetic = work
            var initialWork: [Work.Scalar] = []
            if let master {
                var m: [Wide.Scalar] = []
                for x in initial {
                    let v = master.fromDouble(x, &env)
                    if x != 0 && master.isZero(v) { events.underflowsToZero += 1 }
                    m.append(v)
                    initialWork.append(arithmetic.convert(v, from: master, &env))
                }
                masterParameters = WorkBuffer(m)
            } else {
                masterParameters = nil
                for x in initial {
                    let v = arithmetic.fromDouble(x, &env)
                    if x != 0 && arithmetic.isZero(v) { events.underflowsToZero += 1 }
                    initialWork.append(v)
                }
            }
            parameters = WorkBuffer(initialWork)
            setupEvents = events
            if let accumulation {
                var wide: [Wide.Scalar] = []
                for v in initialWork { wide.append(accumulation.convert(v, from: arithmetic, &env)) }
                parametersWide = WorkBuffer(wide)
            } else {
                parametersWide = nil
            }

            let b = configuration.batchSize
            batch = WorkBuffer(repeating: 0, count: b)
            logits = WorkBuffer(repeating: work.zero, count: b * c)
            dz = WorkBuffer(repeating: work.zero, count: b * c)
            dzFinite = WorkBuffer(repeating: true, count: b)
            losses = WorkBuffer(repeating: 0, count: b)
            correct = WorkBuffer(repeating: false, count: b)
            gradient = WorkBuffer(repeating: work.zero, count: (d + 1) * c)
            if let accumulation {
                logitsWide = WorkBuffer(repeating: accumulation.zero, count: b * c)
                dzWide = WorkBuffer(repeating: accumulation.zero, count: b * c)
                gradientWide = WorkBuffer(repeating: accumulation.zero, count: (d + 1) * c)
            } else {
                logitsWide = nil
                dzWide = nil
                gradientWide = nil
            }
            envs = WorkBuffer(repeating: FloatEnvironment(), count: d + 1)
            let chunks = max((b + Trainer.exampleChunk - 1) / Trainer.exampleChunk, Trainer.rowChunks + 1)
            chunkEvents = WorkBuffer(repeating: NumericalEvents(), count: chunks)
            chunkFirstBad = WorkBuffer(repeating: Int.max, count: chunks)
            chunkBadEnv = WorkBuffer(repeating: FloatEnvironment(), count: chunks)
            chunkFinite = WorkBuffer(repeating: true, count: chunks)
            parametersFinite = initialWork.allSatisfy { arithmetic.isFinite($0) }
        }

        /// Zero features may be skipped (bit-identically) while this holds.
        var skippingZeros: Bool {
            configuration.skipsZeroFeatures && policy.rounding != .down && parametersFinite
        }

        mutating func train(observer: TrainingObserver) -> TrainingResult {
            let n = data.train.count
            let b = configuration.batchSize
            let stepsPerEpoch = (n + b - 1) / b
            var records: [EpochRecord] = []
            var firstNonFinite: NonFiniteEvent?
            var step = 0
            var best: (epoch: Int, loss: Double, parameters: [Work.Scalar], master: [Wide.Scalar]?)?
            var stoppedEarly = false
            let validationRows = data.validation.map { FeatureRows($0, in: work, events: &setupEvents) }

            for epoch in 1..<(configuration.epochs + 1) {
                let epochStart = ContinuousClock.now
                var order = Array(0..<n)
                var shuffler = SplitMix64.stream(seed: configuration.seed, purpose: TrainingStream.shuffle,
                                                 step: UInt64(epoch), element: 0)
                shuffler.shuffle(&order)
                var lossSum = 0.0
                var correctCount = 0
                var events = NumericalEvents()
                for s in 0..<stepsPerEpoch {
                    step += 1
                    let lower = s * b, upper = min(lower + b, n)
                    for (slot, index) in order[lower..<upper].enumerated() { batch[slot] = index }
                    let outcome = trainStep(count: upper - lower, step: step)
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
                    let figures = evaluate(rows, labels: validation.labels, pass: UInt64(epoch))
                    record.validationLoss = figures.loss
                    record.validationAccuracy = figures.accuracy
                }
                record.seconds = (ContinuousClock.now - epochStart).seconds
                records.append(record)
                observer.epochFinished?(record)

                if let patience = configuration.patience, let loss = record.validationLoss {
                    if best == nil || loss < best!.loss {
                        best = (epoch, loss, parameters.array, masterParameters?.array)
                    } else if epoch - best!.epoch >= patience {
                        stoppedEarly = epoch < configuration.epochs
                        break
                    }
                }
            }
            if let best, best.epoch != records.last?.epoch {
                restore(best.parameters, best.master)
            }

            var testLoss: Double?
            var testAccuracy: Double?
            if let test = data.test {
                var ignored = NumericalEvents()
                let rows = FeatureRows(test, in: work, events: &ignored)
                let figures = evaluate(rows, labels: test.labels, pass: 0)
                testLoss = figures.loss
                testAccuracy = figures.accuracy
            }
            let c = model.classes, d = model.inputs
            let all = parameters.array.map { work.toDouble($0) }
            return TrainingResult(
                format: work.name, arithmetic: trainer.arithmeticDescription, policy: policy,
                configuration: configuration, trainCount: n, validationCount: data.validation?.count ?? 0,
                testCount: data.test?.count ?? 0, validationIsTest: data.validationIsTest,
                epochs: records, testLoss: testLoss, testAccuracy: testAccuracy,
                firstNonFinite: firstNonFinite, bestEpoch: best?.epoch, stoppedEarly: stoppedEarly,
                setupEvents: setupEvents, weights: Array(all[..<(d * c)]), bias: Array(all[(d * c)...]),
                masterWeights: master.map { m in masterParameters!.array.map { m.toDouble($0) } },
                seconds: 0)
        }

        mutating func restore(_ saved: [Work.Scalar], _ savedMaster: [Wide.Scalar]?) {
            var env = FloatEnvironment()
            for e in 0..<saved.count { parameters[e] = saved[e] }
            if let savedMaster, let masterParameters {
                for e in 0..<savedMaster.count { masterParameters[e] = savedMaster[e] }
            }
            if let accumulation, let parametersWide {
                for e in 0..<saved.count { parametersWide[e] = accumulation.convert(saved[e], from: work, &env) }
            }
            parametersFinite = (0..<parameters.count).allSatisfy { work.isFinite(parameters[$0]) }
        }
    }
}
