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
        forwardPhase(count: count, step: step)
        let exampleChunks = (count + Trainer.exampleChunk - 1) / Trainer.exampleChunk
        for chunk in 0..<exampleChunks {
            outcome.events += chunkEvents[chunk]
            if outcome.nonFinite == nil, chunkFirstBad[chunk] != Int.max {
                let b = chunkFirstBad[chunk]
                let c = model.classes
                let z = (0..<c).map { logits[b * c + $0] }
                let reason = model.explainNonFiniteLoss(work, configuration.loss, logits: z,
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
        backwardPhase(count: count, step: step, logitGradientsFinite: (0..<count).allSatisfy { dzFinite[$0] })
        for chunk in 0...Trainer.rowChunks { outcome.events += chunkEvents[chunk] }
        parametersFinite = (0...Trainer.rowChunks).allSatisfy { chunkFinite[$0] }
        if wasFinite && !parametersFinite && outcome.nonFinite == nil {
            outcome.nonFinite = (nil, "the update made a parameter ∞ or NaN although the loss was finite "
                                 + "(a gradient or an update overflowed in \(work.name))")
        }
        return outcome
    }

    /// Logits, loss and logit gradient of each example of the batch.
    func forwardPhase(count: Int, step: Int) {
        let c = model.classes
        let chunks = (count + Trainer.exampleChunk - 1) / Trainer.exampleChunk
        var constantEnv = FloatEnvironment()
        let batchSize = work.fromDouble(Double(count), &constantEnv)
        let lossScale = policy.lossScale.map { work.fromDouble($0, &constantEnv) }
        let skipping = skippingZeros
        let finiteParameters = parametersFinite
        parallel.run(chunks) { chunk in
            var events = NumericalEvents()
            var firstBad = Int.max
            let last = min((chunk + 1) * Trainer.exampleChunk, count)
            var b = chunk * Trainer.exampleChunk
            while b < last {
                // Two examples at a time: their logits are computed interleaved.
                let pair = b + 1 < last
                var env = forwardEnvironment(step: step, example: b)
                var env2 = forwardEnvironment(step: step, example: b + 1)
                events.underflowsToZero += computeLogits(
                    examples: batch[b], pair ? batch[b + 1] : nil, rows: trainRows, rowsWide: trainRowsWide,
                    into: logits.pointer + b * c, wideScratch: logitsWide.map { $0.pointer + b * c },
                    skipping: skipping, &env, &env2)
                for example in b..<(pair ? b + 2 : b + 1) {
                    let i = batch[example]
                    let y = Int(data.train.labels[i])
                    let z = logits.pointer + example * c
                    if finiteParameters {
                        for j in 0..<c where !work.isFinite(z[j]) {
                            if work.isNaN(z[j]) { events.nans += 1 } else { events.overflows += 1 }
                        }
                        for j in 0..<c where work.isSaturated(z[j]) { events.saturations += 1 }
                    }
                    if example == b + 1 { swap(&env, &env2) }
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
                    if let accumulation, let dzWide {
                        for j in 0..<c { dzWide[example * c + j] = accumulation.convert(p[j], from: work, &env) }
                    }
                }
                b += 2
            }
            chunkEvents[chunk] = events
            chunkFirstBad[chunk] = firstBad
        }
    }

    /// The environment of example `b` of the batch in the forward pass: the policy's
    /// rounding, and the generator of (step, example).
    func forwardEnvironment(step: Int, example b: Int) -> FloatEnvironment {
        var env = FloatEnvironment(rounding: policy.rounding)
        env.random = SplitMix64.stream(seed: configuration.seed, purpose: TrainingStream.forward,
                                       step: UInt64(step), element: UInt64(b))
        return env
    }

    /// The logits of example `i` (and `j`, when given, into the next `classes` places of
    /// `z`) in the training format, through the accumulation format when the policy has
    /// one; returns the products that underflowed to zero.
    func computeLogits(examples i: Int, _ j: Int?, rows: FeatureRows<Work.Scalar>,
                       rowsWide: FeatureRows<Wide.Scalar>?, into z: UnsafeMutablePointer<Work.Scalar>,
                       wideScratch: UnsafeMutablePointer<Wide.Scalar>?, skipping: Bool,
                       _ env: inout FloatEnvironment, _ env2: inout FloatEnvironment) -> Int {
        let c = model.classes, d = model.inputs
        if let accumulation, let rowsWide, let parametersWide, let wideScratch {
            let w = parametersWide.pointer
            let underflows: Int
            if let j {
                underflows = model.logits(accumulation, rows: rowsWide, examples: i, j, weights: w,
                                          bias: w + d * c, into: wideScratch, wideScratch + c,
                                          skippingZeros: skipping, &env, &env2)
                for k in 0..<c { z[c + k] = work.convert(wideScratch[c + k], from: accumulation, &env2) }
            } else {
                underflows = model.logits(accumulation, rows: rowsWide, example: i, weights: w, bias: w + d * c,
                                          into: wideScratch, skippingZeros: skipping, &env)
            }
            for k in 0..<c { z[k] = work.convert(wideScratch[k], from: accumulation, &env) }
            return underflows
        }
        let w = parameters.pointer
        if let j {
            return model.logits(work, rows: rows, examples: i, j, weights: w, bias: w + d * c,
                                into: z, z + c, skippingZeros: skipping, &env, &env2)
        }
        return model.logits(work, rows: rows, example: i, weights: w, bias: w + d * c, into: z,
                            skippingZeros: skipping, &env)
    }

    /// Weight and bias gradients, row by row, each row updated as soon as it is summed.
    func backwardPhase(count: Int, step: Int, logitGradientsFinite: Bool) {
        let c = model.classes, d = model.inputs
        let rowChunks = Trainer.rowChunks
        let skipping = skippingZeros
        var constantEnv = FloatEnvironment()
        let constants = UpdateConstants(work, configuration, policy, &constantEnv)
        let masterConstants = master.map { UpdateConstants($0, configuration, policy, &constantEnv) }
        parallel.run(rowChunks + 1) { chunk in
            var events = NumericalEvents()
            let rows = chunk == rowChunks ? d..<(d + 1) : (chunk * d / rowChunks)..<((chunk + 1) * d / rowChunks)
            for k in rows {
                envs[k] = FloatEnvironment(rounding: policy.rounding)
                envs[k].random = SplitMix64.stream(seed: configuration.seed, purpose: TrainingStream.backward,
                                                   step: UInt64(step), element: UInt64(k))
            }
            // The gradient rows, in the accumulation format or the training format.
            if let accumulation, let gradientWide, let dzWide, let trainRowsWide {
                if chunk == rowChunks {
                    model.biasGradient(accumulation, dz: dzWide.pointer, count: count,
                                       into: gradientWide.pointer + d * c, &envs[d], &events)
                } else {
                    events.underflowsToZero += model.weightGradient(
                        accumulation, rows: trainRowsWide, batch: batch.pointer, count: count,
                        dz: dzWide.pointer, dzIsFinite: dzFinite.pointer, range: rows,
                        into: gradientWide.pointer, skippingZeros: skipping, envs: envs.pointer)
                }
                for k in rows {
                    for j in 0..<c {
                        gradient[k * c + j] = work.convert(gradientWide[k * c + j], from: accumulation, &envs[k])
                    }
                }
            } else if chunk == rowChunks {
                model.biasGradient(work, dz: dz.pointer, count: count, into: gradient.pointer + d * c,
                                   &envs[d], &events)
            } else {
                events.underflowsToZero += model.weightGradient(
                    work, rows: trainRows, batch: batch.pointer, count: count, dz: dz.pointer,
                    dzIsFinite: dzFinite.pointer, range: rows, into: gradient.pointer,
                    skippingZeros: skipping, envs: envs.pointer)
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
            var finite = true
            for k in rows {
                let isBias = k == d
                envs[k].rounding = policy.updateRounding
                for j in 0..<c {
                    let e = k * c + j
                    if let master, let masterParameters, let masterConstants {
                        let g = master.convert(gradient[e], from: work, &envs[k])
                        model.update(master, weight: &masterParameters[e], gradient: g,
                                     learningRate: masterConstants.learningRate,
                                     decay: isBias ? nil : masterConstants.decay,
                                     unscale: masterConstants.lossScale, &envs[k], &events)
                        envs[k].rounding = policy.rounding
                        parameters[e] = work.convert(masterParameters[e], from: master, &envs[k])
                        envs[k].rounding = policy.updateRounding
                    } else {
                        model.update(work, weight: &parameters[e], gradient: gradient[e],
                                     learningRate: constants.learningRate, decay: isBias ? nil : constants.decay,
                                     unscale: constants.lossScale, &envs[k], &events)
                    }
                    if let accumulation, let parametersWide {
                        parametersWide[e] = accumulation.convert(parameters[e], from: work, &envs[k])
                    }
                    if !work.isFinite(parameters[e]) { finite = false }
                }
            }
            chunkEvents[chunk] = events
            chunkFinite[chunk] = finite
        }
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
