import DataFiles
import SoftFloat
import TrainingArithmetic

/// Minibatch SGD of softmax regression with the matrix products in a scaled format
/// (`ScaledRecipe`): the images and the weights quantised along the features for the
/// logits, the logit gradients and the images quantised along the batch for the weight
/// gradient, exact products summed in `Accumulation`, the rest of the step in `Rest`, and
/// FP32 master weights.
///
///     let trainer = ScaledTrainer(rest: FastArithmetic<Float>(format: .fp32)!,
///                                 accumulation: FastArithmetic<Float>(format: .fp32)!,
///                                 recipe: recipe, configuration: configuration, policy: policy)
///     let result = trainer.train(data)
///
/// One step:
/// 1. X (batch × 784) is quantised along its rows, and W (784 × 10, as 10 rows of 784);
///    each logit is `((Σ_k x_k·w_k) × f_X) × f_W + b` with the sum over k in increasing
///    order from +0 in `Accumulation`, the factors (the tensor scales) and the bias applied
///    in FP32.
/// 2. The logit goes to `Rest`, where the loss (log-sum-exp), the softmax and the logit
///    gradient dz are computed as in the elementwise trainer.
/// 3. dz (as 10 rows of the batch) and X (as 784 rows of the batch) are quantised along
///    the batch; each weight gradient is `((Σ_b x_b·dz_b) × f_X) × f_dz` summed over the
///    batch in order; the bias gradient is `Σ_b dz_b`, unquantised, in `Accumulation`.
/// 4. Each parameter: the step `lr·g` (with weight decay, loss unscaling) in `Rest`, then
///    `w ← w − step` in FP32.
///
/// Rounding: the policy's mode rounds the elements, the sums, the rest and the update
/// (`--stochastic-update`: the update alone stochastic); stochastic bits come from streams
/// of (step, operand) for the quantisation and (step, example) or (step, weight row) for
/// the arithmetic, so the bits do not depend on the number of threads. Evaluation
/// quantises each chunk of `batchSize` examples, and the weights, with current scaling.
///
/// Edge cases: products of two units are exact while they lie in FP32's range. Where the
/// sums are FP32 and round to nearest-even, a hardware kernel serves (zero features
/// skipped while the other operand is finite: bit-identical); otherwise each exact product
/// is rounded to `Accumulation` and added there.
public final class ScaledTrainer<Rest: ScalarArithmetic, Accumulation: ScalarArithmetic> {
    public let rest: Rest
    public let accumulation: Accumulation
    public let recipe: ScaledRecipe
    public let configuration: TrainingConfiguration
    public let policy: TrainingPolicy
    /// A description of the arithmetic path, for reports.
    public var arithmeticDescription: String
    let master = FastArithmetic<Float>(format: .fp32)!
    let quantiser: ScaledQuantiser
    /// Whether the hardware kernel computes the sums (FP32 accumulation, nearest-even).
    public let usesHardwareSums: Bool

    public init(rest: Rest, accumulation: Accumulation, recipe: ScaledRecipe, configuration: TrainingConfiguration,
                policy: TrainingPolicy, arithmeticDescription: String? = nil, hardwareSums: Bool = true) {
        self.rest = rest
        self.accumulation = accumulation
        self.recipe = recipe
        self.configuration = configuration
        self.policy = policy
        quantiser = ScaledQuantiser(format: recipe.format, rule: recipe.scaleRule)
        usesHardwareSums = hardwareSums && recipe.accumulation == .fp32 && policy.rounding == .nearestEven
        self.arithmeticDescription = arithmeticDescription
            ?? "scaled recipe; sums in \(recipe.accumulation.name), rest in \(rest.name)"
    }

    /// Examples per task of the per-example work, weight rows per task of the gradient.
    static var exampleChunk: Int { 16 }
    static var rowChunks: Int { 16 }

    /// The operands a step quantises, each with a stream of stochastic bits of its own.
    enum Operand: UInt64, CaseIterable {
        case forwardInputs, forwardWeights, errors, backwardInputs
    }

    /// Trains on `data` and evaluates; reports through `observer` as it goes.
    public func train(_ data: TrainingData, observer: TrainingObserver = TrainingObserver()) -> TrainingResult {
        let start = ContinuousClock.now
        var run = Run(trainer: self, data: data)
        var result = run.train(observer: observer)
        result.seconds = (ContinuousClock.now - start).seconds
        return result
    }

    /// A data set as FP32 rows (each feature rounded to nearest-even).
    static func rows(_ dataset: Dataset) -> WorkBuffer<Float> {
        let d = dataset.dimension
        return WorkBuffer(count: dataset.count * d) { p in
            switch dataset.features {
            case let .bytes(bytes, divisor):
                // As `Dataset.feature`: the byte over the divisor in `Double`, then to FP32.
                for i in 0..<bytes.count { (p + i).initialize(to: Float(Double(bytes[i]) / divisor)) }
            case .reals:
                for i in 0..<dataset.count {
                    for k in 0..<d { (p + i * d + k).initialize(to: Float(dataset.feature(i, k))) }
                }
            }
        }
    }

    /// Every row of `rows` quantised on its own (see `Run.quantisedTrainX`), or nil where a
    /// step's quantisation of a row depends on more than the row.
    static func quantisedRows(_ rows: WorkBuffer<Float>, count: Int, dimension d: Int, trainer: ScaledTrainer,
                              parallel: ParallelChunks) -> (units: WorkBuffer<Float>, events: [ScalingEvents])? {
        guard case .mx = trainer.recipe.format, trainer.policy.rounding != .stochastic else { return nil }
        let units = WorkBuffer<Float>(repeating: 0, count: count * d)
        let events = WorkBuffer(repeating: ScalingEvents(), count: count)
        let perTask = 64
        let one = ParallelChunks(threads: 1)
        parallel.run((count + perTask - 1) / perTask) { task in
            for i in task * perTask..<min((task + 1) * perTask, count) {
                _ = trainer.quantiser.quantise(rows.pointer + i * d, rows: 1, length: d, into: units.pointer + i * d,
                                               mode: trainer.policy.rounding, random: StochasticBits(key: 0),
                                               parallel: one, events: &events[i])
            }
        }
        return (units, events.array)
    }

    /// The state of one run: master weights, data and working buffers.
    struct Run {
        let trainer: ScaledTrainer
        let data: TrainingData
        let model: SoftmaxRegression
        let parallel: ParallelChunks
        let trainX: WorkBuffer<Float>
        /// The training images quantised along their features once, with each image's
        /// scaling events, where that is what every step would compute: MX blocks lie within
        /// one image, so without stochastic rounding an image's quantisation is the same in
        /// every batch (nil for the formats whose scale spans the batch, and for stochastic
        /// rounding, whose bits depend on the step).
        let quantisedTrainX: (units: WorkBuffer<Float>, events: [ScalingEvents])?
        /// Weights input-major (`k * classes + j`), then the bias.
        let parameters: WorkBuffer<Float>
        var saved: [Float] = []
        /// Where the epochs' time goes.
        var phases = PhaseTimes()
        /// The current epoch's learning rate (`TrainingConfiguration.learningRate(epoch:)`).
        var learningRate: Double
        var histories: [AmaxHistory?]

        let x, xQ, xT, xTQ: WorkBuffer<Float>
        let wT, wTQ, wQ: WorkBuffer<Float>
        let logits, dz, dzT, dzTQ, dzQ, gradient: WorkBuffer<Float>
        let restZ, restP: WorkBuffer<Rest.Scalar>
        let losses: WorkBuffer<Double>
        let correct: WorkBuffer<Bool>
        let taskEvents: WorkBuffer<NumericalEvents>
        let badExample: WorkBuffer<Int>

        init(trainer: ScaledTrainer, data: TrainingData) {
            self.trainer = trainer
            self.data = data
            let configuration = trainer.configuration
            parallel = ParallelChunks(threads: configuration.threads)
            let d = data.train.dimension, c = data.train.classes
            model = SoftmaxRegression(inputs: d, classes: c)
            trainX = ScaledTrainer.rows(data.train)
            quantisedTrainX = ScaledTrainer.quantisedRows(trainX, count: data.train.count, dimension: d,
                                                          trainer: trainer, parallel: parallel)
            let initial = model.initialWeights(standardDeviation: configuration.initialStandardDeviation,
                                               seed: configuration.seed).map { Float($0) }
            parameters = WorkBuffer(initial + Array(repeating: 0, count: c))
            histories = Operand.allCases.map { _ in trainer.recipe.amaxHistory.map { AmaxHistory(length: $0) } }
            learningRate = trainer.configuration.learningRate
            let b = min(configuration.batchSize, data.train.count)
            let evaluationRows = max(b, min(configuration.batchSize, max(data.validation?.count ?? 0,
                                                                           data.test?.count ?? 0)))
            func buffer(_ n: Int) -> WorkBuffer<Float> { WorkBuffer(repeating: 0, count: n) }
            x = buffer(evaluationRows * d)
            xQ = buffer(evaluationRows * d)
            xT = buffer(b * d)
            xTQ = buffer(b * d)
            wT = buffer(c * d)
            wTQ = buffer(c * d)
            wQ = buffer(c * d)
            logits = buffer(evaluationRows * c)
            dz = buffer(b * c)
            dzT = buffer(b * c)
            dzTQ = buffer(b * c)
            dzQ = buffer(b * c)
            gradient = buffer((d + 1) * c)
            restZ = WorkBuffer(repeating: trainer.rest.zero, count: evaluationRows * c)
            restP = WorkBuffer(repeating: trainer.rest.zero, count: evaluationRows * c)
            losses = WorkBuffer(repeating: 0, count: evaluationRows)
            correct = WorkBuffer(repeating: false, count: evaluationRows)
            let tasks = max((evaluationRows + ScaledTrainer.exampleChunk - 1) / ScaledTrainer.exampleChunk,
                            ScaledTrainer.rowChunks + 1)
            taskEvents = WorkBuffer(repeating: NumericalEvents(), count: tasks)
            badExample = WorkBuffer(repeating: Int.max, count: tasks)
        }

        var parametersFinite: Bool { (0..<parameters.count).allSatisfy { parameters[$0].isFinite } }

        mutating func train(observer: TrainingObserver) -> TrainingResult {
            let configuration = trainer.configuration
            let n = data.train.count
            let b = min(configuration.batchSize, n)
            let stepsPerEpoch = (n + b - 1) / b
            var records: [EpochRecord] = []
            var stepLosses: [Double] = []
            var firstNonFinite: NonFiniteEvent?
            var step = 0
            var best: (epoch: Int, loss: Double)?
            var stoppedEarly = false
            let validationRows = data.validation.map(ScaledTrainer.rows)
            let quantisedValidation = validationRows.flatMap {
                ScaledTrainer.quantisedRows($0, count: data.validation!.count, dimension: model.inputs,
                                            trainer: trainer, parallel: parallel)?.units
            }
            var batch = [Int](repeating: 0, count: b)

            for epoch in 1..<(configuration.epochs + 1) {
                let epochStart = ContinuousClock.now
                let order = configuration.order(epoch: epoch, count: n)
                var lossSum = 0.0, correctCount = 0
                var events = NumericalEvents()
                learningRate = configuration.learningRate(epoch: epoch)
                var scaling = ScalingEvents()
                for s in 0..<stepsPerEpoch {
                    step += 1
                    let lower = s * b, upper = min(lower + b, n)
                    for (slot, index) in order[lower..<upper].enumerated() { batch[slot] = index }
                    let outcome = trainStep(batch: batch[0..<(upper - lower)], step: step, scaling: &scaling)
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
                                         steps: stepsPerEpoch, events: events, scaling: scaling)
                if let validation = data.validation, let rows = validationRows {
                    let evaluationStart = ContinuousClock.now
                    let figures = evaluate(rows, labels: validation.labels, pass: UInt64(epoch),
                                           quantised: quantisedValidation)
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
                        saved = parameters.array
                    } else if epoch - best!.epoch >= patience {
                        stoppedEarly = epoch < configuration.epochs
                        break
                    }
                }
            }
            if let best, best.epoch != records.last?.epoch {
                for i in 0..<parameters.count { parameters[i] = saved[i] }
            }
            var testLoss: Double?, testAccuracy: Double?
            if let test = data.test {
                let figures = evaluate(ScaledTrainer.rows(test), labels: test.labels, pass: 0)
                testLoss = figures.loss
                testAccuracy = figures.accuracy
            }
            let c = model.classes, d = model.inputs
            let all = parameters.array.map(Double.init)
            return TrainingResult(
                format: trainer.recipe.name, arithmetic: trainer.arithmeticDescription, policy: trainer.policy,
                configuration: configuration, trainCount: n, validationCount: data.validation?.count ?? 0,
                testCount: data.test?.count ?? 0, validationIsTest: data.validationIsTest,
                epochs: records, testLoss: testLoss, testAccuracy: testAccuracy,
                firstNonFinite: firstNonFinite, bestEpoch: best?.epoch, stoppedEarly: stoppedEarly,
                setupEvents: NumericalEvents(), weights: Array(all[..<(d * c)]), bias: Array(all[(d * c)...]),
                masterWeights: nil, seconds: 0, recipe: trainer.recipe.description, stepLosses: stepLosses,
                phases: phases)
        }
    }
}
