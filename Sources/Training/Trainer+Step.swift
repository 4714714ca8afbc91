import DataFiles
import SoftFloat
import TrainingArithmetic

/// One SGD step: the per-example phase, then the per-row phase.
extension Trainer.Run {
    struct StepOutcome {
        var lossSum = 0.0
        var correct = 0
        var events = NumericalEvents()
        var nonFinite: (example: Int?, reason: String)?
    }

    /// One SGD step on `batch[0..<count]`.
    mutating func trainStep(count: Int, step: Int) -> StepOutcome {
        var outcome = StepOutcome()
        // The step's constants in the training format (as `forwardPhase` rounds them):
        // counted once per step, and named when one is not finite.
        var constantEnv = FloatEnvironment()
        var constantProblems: [String] = []
        let work = trainer.work
        for (x, what) in [(Double(count), "the batch size"), (trainer.policy.lossScale, "the loss scale")] {
            guard let x else { continue }
            let value = work.fromDouble(x, &constantEnv)
            if let problem = outcome.events.noteConversion(work, value, from: x, what: what) {
                constantProblems.append(problem)
            }
        }
        let forwardStart = ContinuousClock.now
        forwardPhase(count: count, step: step)
        phases.add(.forward, since: forwardStart)
        let exampleChunks = (count + Trainer.exampleChunk - 1) / Trainer.exampleChunk
        for chunk in 0..<exampleChunks {
            outcome.events += chunkEvents[chunk]
            if outcome.nonFinite == nil, chunkFirstBad[chunk] != Int.max {
                let b = chunkFirstBad[chunk]
                let c = model.classes
                let z = (0..<c).map { logits[b * c + $0] }
                let reason = model.explainNonFiniteLoss(trainer.work, trainer.configuration.loss, logits: z,
                                                        label: Int(data.train.labels[batch[b]]),
                                                        chunkBadEnv[chunk])
                outcome.nonFinite = (b, reason)
            }
        }
        for b in 0..<count {
            outcome.lossSum += losses[b]
            if correct[b] { outcome.correct += 1 }
        }
        let wasFinite = parametersFinite
        let backwardStart = ContinuousClock.now
        backwardPhase(count: count, step: step, logitGradientsFinite: (0..<count).allSatisfy { dzFinite[$0] })
        phases.add(.backward, since: backwardStart)
        for chunk in 0...Trainer.rowChunks { outcome.events += chunkEvents[chunk] }
        parametersFinite = (0...Trainer.rowChunks).allSatisfy { chunkFinite[$0] }
        if wasFinite && !parametersFinite && outcome.nonFinite == nil {
            let constants = constantProblems + (parameters.constantProblem.map { [$0] } ?? [])
            outcome.nonFinite = (nil, constants.isEmpty
                ? "the update made a parameter ∞ or NaN although the loss was finite "
                    + "(a gradient or an update overflowed in \(trainer.work.name))"
                : "the update made a parameter ∞ or NaN: " + constants.joined(separator: ", "))
        }
        return outcome
    }

    /// Logits, loss and logit gradient of each example of the batch.
    func forwardPhase(count: Int, step: Int) {
        let work = trainer.work, accumulation = trainer.accumulation, configuration = trainer.configuration
        let c = model.classes
        let chunks = (count + Trainer.exampleChunk - 1) / Trainer.exampleChunk
        var constantEnv = FloatEnvironment()
        let batchSize = work.fromDouble(Double(count), &constantEnv)
        let lossScale = trainer.policy.lossScale.map { work.fromDouble($0, &constantEnv) }
        let skipping = skippingZeros
        let finiteParameters = parametersFinite
        let dense = denseWidth > 0 && skipping
        let leastWeight = dense ? leastNonzeroMagnitude(parameters.valuesWide.pointer, count: model.inputs * c) : 0
        parallel.run(chunks) { chunk in
            var events = NumericalEvents()
            var firstBad = Int.max
            let first = chunk * Trainer.exampleChunk
            let last = min(first + Trainer.exampleChunk, count)
            var envs = (first..<last).map { forwardEnvironment(step: step, example: $0) }
            envs.withUnsafeMutableBufferPointer { envs in
                events.underflowsToZero += dense
                    ? denseLogits(first..<last, leastWeight: leastWeight, chunk: chunk, envs: envs.baseAddress!)
                    : sparseLogits(first..<last, skipping: skipping, envs: envs.baseAddress!)
            }
            for example in first..<last {
                let i = batch[example]
                let y = Int(data.train.labels[i])
                let z = logits.pointer + example * c
                if finiteParameters {
                    for j in 0..<c where !work.isFinite(z[j]) {
                        if work.isNaN(z[j]) { events.nans += 1 } else { events.overflows += 1 }
                    }
                    for j in 0..<c where work.isSaturated(z[j]) { events.saturations += 1 }
                }
                var env = envs[example - first]
                let before = env
                let p = dz.pointer + example * c
                let loss = model.crossEntropy(work, configuration.loss, logits: z, label: y,
                                              probabilities: p, &env, &events)
                losses[example] = work.toDouble(loss)
                correct[example] = model.predictedClass(work, logits: z) == y
                if !work.isFinite(loss) && firstBad == Int.max {
                    firstBad = example
                    chunkBadEnv[chunk] = before
                }
                model.logitGradient(work, probabilities: p, label: y, lossScale: lossScale,
                                    batchSize: batchSize, &env, &events)
                var finite = true
                for j in 0..<c where !work.isFinite(p[j]) { finite = false }
                dzFinite[example] = finite
                accumulation.widen(p, into: dzWide.pointer + example * c, count: c, &env)
            }
            chunkEvents[chunk] = events
            chunkFirstBad[chunk] = firstBad
        }
    }

    /// The environment of example `b` of the batch in the forward pass: the policy's
    /// rounding, and the generator of (step, example).
    func forwardEnvironment(step: Int, example b: Int) -> FloatEnvironment {
        var env = FloatEnvironment(rounding: trainer.policy.rounding)
        env.random = StochasticBits(seed: trainer.configuration.seed, site: TrainingStream.forward,
                                       step: UInt64(step), element: UInt64(b))
        return env
    }

    /// The logits of example `i` (and `j`, when given, into the next `classes` places of
    /// `z`), summed in the accumulation format into `wide` and rounded once to the
    /// training format into `z`; returns the products that underflowed to zero.
    func computeLogits(examples i: Int, _ j: Int?, rows: FeatureRows<AccumulationScalar>,
                       into z: UnsafeMutablePointer<Work.Scalar>, wide: UnsafeMutablePointer<AccumulationScalar>,
                       skipping: Bool, _ env: inout FloatEnvironment, _ env2: inout FloatEnvironment) -> Int {
        let accumulation = trainer.accumulation
        let c = model.classes, d = model.inputs
        let w = parameters.valuesWide.pointer
        let underflows: Int
        if let j {
            underflows = model.logits(accumulation.wide, rows: rows, examples: i, j, weights: w, bias: w + d * c,
                                      into: wide, wide + c, skippingZeros: skipping, &env, &env2)
            accumulation.narrow(wide + c, into: z + c, count: c, &env2)
        } else {
            underflows = model.logits(accumulation.wide, rows: rows, example: i, weights: w, bias: w + d * c,
                                      into: wide, skippingZeros: skipping, &env)
        }
        accumulation.narrow(wide, into: z, count: c, &env)
        return underflows
    }

    /// Weight and bias gradients, row by row, each row updated as soon as it is summed.
    func backwardPhase(count: Int, step: Int, logitGradientsFinite: Bool) {
        let work = trainer.work, accumulation = trainer.accumulation
        let configuration = trainer.configuration, policy = trainer.policy
        let c = model.classes, d = model.inputs
        let rowChunks = Trainer.rowChunks
        let skipping = skippingZeros
        let dense = denseWidth > 0 && skipping && logitGradientsFinite && denseProductsStayNonzero(count: count)
        parallel.run(rowChunks + 1) { chunk in
            var events = NumericalEvents()
            let rows = chunk == rowChunks ? d..<(d + 1) : (chunk * d / rowChunks)..<((chunk + 1) * d / rowChunks)
            for k in rows {
                envs[k] = FloatEnvironment(rounding: policy.rounding)
                envs[k].random = StochasticBits(seed: configuration.seed, site: TrainingStream.backward,
                                                   step: UInt64(step), element: UInt64(k))
            }
            // The gradient rows, summed in the accumulation format, rounded to the training format.
            if chunk == rowChunks {
                model.biasGradient(accumulation.wide, dz: dzWide.pointer, count: count,
                                   into: gradientWide.pointer + d * c, &envs[d], &events)
            } else if dense {
                model.denseWeightGradient(accumulation.wide, features: denseBatch.pointer, xStride: denseStride,
                                          count: count, dz: dzWide.pointer, range: rows, into: gradientWide.pointer,
                                          envs: envs.pointer)
            } else {
                events.underflowsToZero += model.weightGradient(
                    accumulation.wide, rows: trainRows, batch: batch.pointer, count: count,
                    dz: dzWide.pointer, dzIsFinite: dzFinite.pointer, range: rows,
                    into: gradientWide.pointer, skippingZeros: skipping, envs: envs.pointer)
            }
            for k in rows {
                accumulation.narrow(gradientWide.pointer + k * c, into: gradient.pointer + k * c, count: c, &envs[k])
            }
            // A gradient that is not finite although the logit gradients are: an overflow
            // (or an invalid operation) in its sum.
            if logitGradientsFinite {
                for e in rows.lowerBound * c..<rows.upperBound * c where !work.isFinite(gradient[e]) {
                    if work.isNaN(gradient[e]) { events.nans += 1 } else { events.overflows += 1 }
                }
                for e in rows.lowerBound * c..<rows.upperBound * c where work.isSaturated(gradient[e]) {
                    events.saturations += 1
                }
            }
            // The update of those rows.
            let finite = parameters.update(rows, gradient.pointer, envs.pointer, &events)
            chunkEvents[chunk] = events
            chunkFinite[chunk] = finite
        }
    }
}
