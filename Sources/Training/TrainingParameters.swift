import SoftFloat
import TrainingArithmetic

/// The parameters of one training run in each of its formats, and their update: the
/// weights (inputs × classes) with the bias as the last row, in the training format, in
/// the accumulation format (what the dot products read) and in the master format (what
/// the update writes).
///
///     let parameters = TrainingParameters<FastArithmetic<Float>, Float>(
///         initial: w0, model: model, accumulation: IdentityBridge(bf16),
///         master: ConvertingBridge(work: bf16, wide: fp32), configuration: configuration,
///         policy: policy, events: &events)
///     let finite = parameters.update(0..<49, gradient.pointer, envs.pointer, &events)
///
/// One parameter's step: its gradient widened to the master format, the SGD update there
/// (`SoftmaxRegression.update`, in the update's rounding), the master weight rounded to
/// the training format (in the policy's rounding) and widened to the accumulation format.
/// Through `IdentityBridge` a format is the training format's buffer itself.
///
/// Only the update and its buffers depend on the master format, so only they are
/// specialised per master bridge: `init`, generic over both bridges, builds the closures
/// below over that specialised code, and the trainer, generic over the training and
/// accumulation arithmetics alone, calls them once per chunk of rows. A master format so
/// adds its update to the program, not another copy of the trainer.
///
/// Edge cases: the initial weights are rounded to the master format (the training format
/// without one) to nearest-even, counting those that underflow to zero; the training
/// format's are the master weights rounded to nearest-even.
struct TrainingParameters<Work: ScalarArithmetic, AccumulationScalar> {
    /// In the training format.
    let values: WorkBuffer<Work.Scalar>
    /// In the accumulation format.
    let valuesWide: WorkBuffer<AccumulationScalar>
    /// Updates rows `rows` (`classes` parameters each) from the gradient in the training
    /// format, row `k` in environment `envs[k]`; returns whether every updated parameter is
    /// finite in the training format.
    let update: (_ rows: Range<Int>, _ gradient: UnsafePointer<Work.Scalar>,
                 _ envs: UnsafeMutablePointer<FloatEnvironment>, _ events: inout NumericalEvents) -> Bool
    /// Keeps a copy of the parameters in every format (the best epoch's, for early stopping).
    let save: () -> Void
    /// Puts the copy back.
    let restore: () -> Void
    /// The master weights' values, or nil without a master format.
    let masterValues: () -> [Double]?
    /// With a master format: the events of rounding the initial weights to it (the
    /// training format's are counted in the `events` given to `init`).
    let masterSetupEvents: NumericalEvents?
    /// What went wrong rounding the update's constants (the learning rate, the decay, the
    /// loss scale) to the master format, when one became infinite, NaN or zero.
    let constantProblem: String?
    /// Sets the learning rate of the updates that follow (a schedule's rate for an epoch),
    /// rounded to the master format; returns what went wrong, as `constantProblem` does.
    let setLearningRate: (_ rate: Double, _ events: inout NumericalEvents) -> String?

    init<Accumulation: ArithmeticBridge, Master: ArithmeticBridge>(
        initial: [Double], model: SoftmaxRegression, accumulation: Accumulation, master: Master,
        configuration: TrainingConfiguration, policy: TrainingPolicy, events: inout NumericalEvents
    ) where Accumulation.Work == Work, Master.Work == Work, Accumulation.Wide.Scalar == AccumulationScalar {
        let arithmetic = master.wide, work = master.work
        var env = FloatEnvironment()
        // Events in the master format are the training format's without a master format.
        var masterEvents = NumericalEvents()
        let masterWeights = WorkBuffer(initial.map { x in
            let v = arithmetic.fromDouble(x, &env)
            if x != 0 && arithmetic.isZero(v) { masterEvents.underflowsToZero += 1 }
            return v
        })
        let values = master.narrow(masterWeights), valuesWide = accumulation.widen(values)
        if !Master.isIdentity {
            // The training format's weights: the master weights rounded once more.
            for e in 0..<values.count where !arithmetic.isZero(masterWeights[e]) && work.isZero(values[e]) {
                events.underflowsToZero += 1
            }
        }
        self.values = values
        self.valuesWide = valuesWide

        var constantEnv = FloatEnvironment()
        let constants = UpdateConstants(arithmetic, configuration, policy, &constantEnv)
        var problems: [String] = []
        for (value, x, what) in [(Optional(constants.learningRate), configuration.learningRate, "the learning rate"),
                                 (constants.decay, configuration.weightDecay, "the weight decay"),
                                 (constants.lossScale, policy.lossScale ?? 0, "the loss scale")] {
            guard let value else { continue }
            if let problem = masterEvents.noteConversion(arithmetic, value, from: x, what: what) {
                problems.append(problem)
            }
        }
        constantProblem = problems.isEmpty ? nil : problems.joined(separator: ", ")
        if Master.isIdentity {
            events += masterEvents
            masterSetupEvents = nil
        } else {
            masterSetupEvents = masterEvents
        }
        let c = model.classes, d = model.inputs
        let rate = WorkBuffer([constants.learningRate])
        setLearningRate = { x, events in
            var env = FloatEnvironment()
            rate[0] = arithmetic.fromDouble(x, &env)
            return events.noteConversion(arithmetic, rate[0], from: x, what: "the learning rate")
        }
        update = { rows, gradient, envs, events in
            let learningRate = rate[0]
            var finite = true
            for k in rows {
                let isBias = k == d
                envs[k].rounding = policy.updateRounding
                for j in 0..<c {
                    let e = k * c + j
                    let g = master.widen(gradient[e], &envs[k])
                    model.update(arithmetic, weight: &masterWeights[e], gradient: g,
                                 learningRate: learningRate, decay: isBias ? nil : constants.decay,
                                 unscale: constants.lossScale, &envs[k], &events)
                    envs[k].rounding = policy.rounding
                    values[e] = master.narrow(masterWeights[e], &envs[k])
                    envs[k].rounding = policy.updateRounding
                    valuesWide[e] = accumulation.widen(values[e], &envs[k])
                    if !work.isFinite(values[e]) { finite = false }
                }
            }
            return finite
        }

        let n = values.count
        let savedValues = WorkBuffer(values.array), savedMaster = WorkBuffer(masterWeights.array)
        save = {
            savedValues.pointer.update(from: values.pointer, count: n)
            savedMaster.pointer.update(from: masterWeights.pointer, count: n)
        }
        restore = {
            var env = FloatEnvironment()
            values.pointer.update(from: savedValues.pointer, count: n)
            masterWeights.pointer.update(from: savedMaster.pointer, count: n)
            accumulation.widen(values.pointer, into: valuesWide.pointer, count: n, &env)
        }
        masterValues = { Master.isIdentity ? nil : masterWeights.array.map { arithmetic.toDouble($0) } }
    }
}

/// The constants of the update, rounded once to an arithmetic's format.
struct UpdateConstants<A: ScalarArithmetic> {
    let learningRate: A.Scalar
    let decay: A.Scalar?
    let lossScale: A.Scalar?

    init(_ a: A, _ configuration: TrainingConfiguration, _ policy: TrainingPolicy, _ env: inout FloatEnvironment) {
        learningRate = a.fromDouble(configuration.learningRate, &env)
        decay = configuration.weightDecay != 0 ? a.fromDouble(configuration.weightDecay, &env) : nil
        lossScale = policy.lossScale.map { a.fromDouble($0, &env) }
    }
}
