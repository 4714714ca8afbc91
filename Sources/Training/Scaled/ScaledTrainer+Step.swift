import DataFiles
import SoftFloat
import TrainingArithmetic

/// One step of the scaled recipe, and evaluation (see `ScaledTrainer`).
extension ScaledTrainer.Run {
    struct StepOutcome {
        var lossSum = 0.0
        var correct = 0
        var events = NumericalEvents()
        var nonFinite: (example: Int?, reason: String)?
    }

    typealias Operand = ScaledTrainer.Operand

    /// The environment of one computation of a step: the policy's rounding (or `mode`)
    /// and the stochastic bits of (site, step, element).
    func environment(_ site: UInt64, _ step: Int, _ element: Int, mode: RoundingMode? = nil) -> FloatEnvironment {
        Self.environment(seed: trainer.configuration.seed, mode: mode ?? trainer.policy.rounding, site, step, element)
    }

    static func environment(seed: UInt64, mode: RoundingMode, _ site: UInt64, _ step: Int,
                            _ element: Int) -> FloatEnvironment {
        var env = FloatEnvironment(rounding: mode)
        env.random = StochasticBits(seed: seed, site: site, step: UInt64(step), element: UInt64(element))
        return env
    }

    /// Quantises an operand of a training step (delayed scaling from its history, if any).
    mutating func quantise(_ operand: Operand, _ source: UnsafePointer<Float>, rows: Int, length: Int,
                           into units: UnsafeMutablePointer<Float>, step: Int,
                           _ scaling: inout ScalingEvents) -> Float {
        let bits = StochasticBits(seed: trainer.configuration.seed, site: TrainingStream.scaledOperands,
                                  step: UInt64(step), element: operand.rawValue)
        let factor = trainer.quantiser.quantise(source, rows: rows, length: length, into: units,
                                                mode: trainer.policy.rounding, random: bits,
                                                delayed: histories[Int(operand.rawValue)]?.amax,
                                                parallel: parallel, events: &scaling)
        if histories[Int(operand.rawValue)] != nil {
            let (amax, special) = ScaledQuantiser.amax(source, count: rows * length)
            if !special { histories[Int(operand.rawValue)]!.record(amax) }
        }
        return factor
    }

    /// The weights as 10 rows of 784 (`wT`), quantised (`wTQ`), and back input-major (`wQ`).
    func transposeWeights() {
        let d = model.inputs, c = model.classes
        for k in 0..<d {
            for j in 0..<c { wT[j * d + k] = parameters[k * c + j] }
        }
    }

    func untransposeWeights() {
        let d = model.inputs, c = model.classes
        for k in 0..<d {
            for j in 0..<c { wQ[k * c + j] = wTQ[j * d + k] }
        }
    }

    /// One SGD step on the examples `batch`.
    mutating func trainStep(batch: ArraySlice<Int>, step: Int, scaling: inout ScalingEvents) -> StepOutcome {
        let configuration = trainer.configuration, policy = trainer.policy
        let d = model.inputs, c = model.classes, count = batch.count
        var outcome = StepOutcome()
        for (slot, i) in batch.enumerated() {
            (x.pointer + slot * d).update(from: trainX.pointer + i * d, count: d)
        }
        let wasFinite = parametersFinite
        var start = ContinuousClock.now

        // Forward: X and W quantised along the features.
        let xFactor: Float
        if let cached = quantisedTrainX {
            for (slot, i) in batch.enumerated() {
                (xQ.pointer + slot * d).update(from: cached.units.pointer + i * d, count: d)
                scaling += cached.events[i]
            }
            xFactor = 1
        } else {
            xFactor = quantise(.forwardInputs, x.pointer, rows: count, length: d, into: xQ.pointer, step: step, &scaling)
        }
        transposeWeights()
        let wFactor = quantise(.forwardWeights, wT.pointer, rows: c, length: d, into: wTQ.pointer,
                               step: step, &scaling)
        untransposeWeights()
        phases.add(.quantisation, since: start)
        start = ContinuousClock.now
        let seed = configuration.seed, mode = policy.rounding
        products(xQ.pointer, rows: count, length: d, wQ.pointer, factors: (xFactor, wFactor),
                 bias: parameters.pointer + d * c, into: logits.pointer) {
            Self.environment(seed: seed, mode: mode, TrainingStream.forward, step, $0)
        }

        phases.add(.forward, since: start)
        start = ContinuousClock.now

        // The rest: loss, softmax and logit gradient per example.
        let restOutcome = restPhase(batch: Array(batch), step: step, wasFinite: wasFinite)
        outcome.events += restOutcome.events
        outcome.nonFinite = restOutcome.nonFinite
        for r in 0..<count {
            outcome.lossSum += losses[r]
            if correct[r] { outcome.correct += 1 }
        }

        phases.add(.rest, since: start)
        start = ContinuousClock.now

        // Backward: dz and X quantised along the batch.
        for r in 0..<count {
            for j in 0..<c { dzT[j * count + r] = dz[r * c + j] }
        }
        let dzFactor = quantise(.errors, dzT.pointer, rows: c, length: count, into: dzTQ.pointer,
                                step: step, &scaling)
        for r in 0..<count {
            for j in 0..<c { dzQ[r * c + j] = dzTQ[j * count + r] }
        }
        for r in 0..<count {
            for k in 0..<d { xT[k * count + r] = x[r * d + k] }
        }
        let xtFactor = quantise(.backwardInputs, xT.pointer, rows: d, length: count, into: xTQ.pointer,
                                step: step, &scaling)
        phases.add(.quantisation, since: start)
        start = ContinuousClock.now
        products(xTQ.pointer, rows: d, length: count, dzQ.pointer, factors: (xtFactor, dzFactor), bias: nil,
                 into: gradient.pointer) {
            Self.environment(seed: seed, mode: mode, TrainingStream.backward, step, $0)
        }
        var biasEnv = environment(TrainingStream.backward, step, d)
        biasGradient(count: count, into: gradient.pointer + d * c, &biasEnv)

        phases.add(.backward, since: start)
        start = ContinuousClock.now

        // The update, row by row (the bias is row d).
        update(step: step)
        phases.add(.update, since: start)
        for task in 0...ScaledTrainer.rowChunks { outcome.events += taskEvents[task] }
        if wasFinite && !parametersFinite && outcome.nonFinite == nil {
            outcome.nonFinite = (nil, "the update made a parameter ∞ or NaN although the loss was finite "
                                 + "(a gradient or an update overflowed)")
        }
        return outcome
    }

    /// Loss, softmax and logit gradient (into `dz`) of each example of the batch.
    func restPhase(batch: [Int], step: Int, wasFinite: Bool) -> (events: NumericalEvents,
                                                                nonFinite: (example: Int?, reason: String)?) {
        let rest = trainer.rest, policy = trainer.policy, c = model.classes, count = batch.count
        var constantEnv = FloatEnvironment()
        let batchSize = rest.fromDouble(Double(count), &constantEnv)
        let lossScale = policy.lossScale.map { rest.fromDouble($0, &constantEnv) }
        let tasks = (count + ScaledTrainer.exampleChunk - 1) / ScaledTrainer.exampleChunk
        let labels = data.train.labels
        parallel.run(tasks) { task in
            var events = NumericalEvents()
            var bad = Int.max
            for r in task * ScaledTrainer.exampleChunk..<min((task + 1) * ScaledTrainer.exampleChunk, count) {
                var env = environment(TrainingStream.scaledRest, step, r)
                let y = Int(labels[batch[r]])
                if !restLoss(example: r, label: y, wasFinite: wasFinite, &env, &events) && bad == Int.max { bad = r }
                let p = restP.pointer + r * c
                model.logitGradient(rest, probabilities: p, label: y, lossScale: lossScale, batchSize: batchSize,
                                    &env, &events)
                for j in 0..<c { dz[r * c + j] = Float(rest.toDouble(p[j])) }
            }
            taskEvents[task] = events
            badExample[task] = bad
        }
        var events = NumericalEvents()
        var nonFinite: (example: Int?, reason: String)?
        for task in 0..<tasks {
            events += taskEvents[task]
            if nonFinite == nil, badExample[task] != Int.max {
                let r = badExample[task]
                let z = (0..<c).map { restZ[r * c + $0] }
                nonFinite = (r, model.explainNonFiniteLoss(rest, trainer.configuration.loss, logits: z,
                                                           label: Int(labels[batch[r]]),
                                                           environment(TrainingStream.scaledRest, step, r)))
            }
        }
        return (events, nonFinite)
    }

    /// Example r's logits (in `logits`) to the rest format, its loss and softmax (into
    /// `restP`), and whether the loss is finite.
    func restLoss(example r: Int, label y: Int, wasFinite: Bool, _ env: inout FloatEnvironment,
                  _ events: inout NumericalEvents) -> Bool {
        let rest = trainer.rest, c = model.classes
        let z = restZ.pointer + r * c, p = restP.pointer + r * c
        for j in 0..<c {
            z[j] = rest.fromDouble(Double(logits[r * c + j]), &env)
            if wasFinite && !rest.isFinite(z[j]) {
                if rest.isNaN(z[j]) { events.nans += 1 } else { events.overflows += 1 }
            }
        }
        let loss = model.crossEntropy(rest, trainer.configuration.loss, logits: z, label: y, probabilities: p,
                                      &env, &events)
        losses[r] = rest.toDouble(loss)
        correct[r] = model.predictedClass(rest, logits: z) == y
        return rest.isFinite(loss)
    }

    /// `out[r, :] = ((Σ_t a[r, t] · b[t, :]) × f_a) × f_b (+ bias)` for each of `rows` rows:
    /// the sums over t in increasing order from +0, in the hardware kernel or in
    /// `Accumulation`; the factors and the bias in FP32.
    func products(_ a: UnsafePointer<Float>, rows: Int, length: Int, _ b: UnsafePointer<Float>,
                  factors: (Float, Float), bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                  environment: (Int) -> FloatEnvironment) {
        let c = model.classes
        let tasks = (rows + ScaledTrainer.exampleChunk - 1) / ScaledTrainer.exampleChunk
        // Zero operands may be skipped (bit-identically) while every value of b is finite.
        let skipping = trainer.usesHardwareSums && (0..<length * c).allSatisfy { b[$0].isFinite }
        parallel.run(tasks) { task in
            for r in task * ScaledTrainer.exampleChunk..<min((task + 1) * ScaledTrainer.exampleChunk, rows) {
                let row = a + r * length, o = out + r * c
                if trainer.usesHardwareSums {
                    ScaledProducts.hardwareRow(row, length: length, b, classes: c, skipping: skipping, into: o)
                    for j in 0..<c {
                        var v = o[j] * factors.0 * factors.1
                        if let bias { v += bias[j] }
                        o[j] = v
                    }
                } else {
                    var env = environment(r)
                    let master = trainer.master
                    ScaledProducts.row(trainer.accumulation, row, length: length, b, classes: c, master: master,
                                       into: o, &env)
                    for j in 0..<c {
                        var v = master.multiply(master.multiply(o[j], factors.0, &env), factors.1, &env)
                        if let bias { v = master.add(v, bias[j], &env) }
                        o[j] = v
                    }
                }
            }
        }
    }

    /// `g_j = Σ_b dz[b, j]` in the accumulation format, in batch order from +0.
    func biasGradient(count: Int, into g: UnsafeMutablePointer<Float>, _ env: inout FloatEnvironment) {
        let c = model.classes, a = trainer.accumulation
        for j in 0..<c {
            if trainer.usesHardwareSums {
                var s: Float = 0
                for r in 0..<count { s += dz[r * c + j] }
                g[j] = s
            } else {
                var s = a.zero
                for r in 0..<count { s = a.add(s, a.fromDouble(Double(dz[r * c + j]), &env), &env) }
                g[j] = trainer.master.fromDouble(a.toDouble(s), &env)
            }
        }
    }

    /// `w ← w − step(lr, g)`: the step in the rest format, the subtraction in FP32; rows of
    /// the weights in fixed chunks (the bias the last), events into `taskEvents`.
    func update(step: Int) {
        let rest = trainer.rest, master = trainer.master, policy = trainer.policy
        let configuration = trainer.configuration
        let d = model.inputs, c = model.classes, chunks = ScaledTrainer.rowChunks
        var constantEnv = FloatEnvironment()
        let lr = rest.fromDouble(learningRate, &constantEnv)
        let decay = configuration.weightDecay == 0 ? nil : rest.fromDouble(configuration.weightDecay, &constantEnv)
        let unscale = policy.lossScale.map { rest.fromDouble($0, &constantEnv) }
        parallel.run(chunks + 1) { chunk in
            var events = NumericalEvents()
            let rows = chunk == chunks ? d..<(d + 1) : (chunk * d / chunks)..<((chunk + 1) * d / chunks)
            for k in rows {
                var env = environment(TrainingStream.scaledUpdate, step, k, mode: policy.updateRounding)
                for j in 0..<c {
                    let p = k * c + j
                    let w = parameters[p]
                    let s = model.step(rest, weight: rest.fromDouble(Double(w), &env),
                                       gradient: rest.fromDouble(Double(gradient[p]), &env), learningRate: lr,
                                       decay: k < d ? decay : nil, unscale: unscale, &env, &events)
                    let stepValue = master.fromDouble(rest.toDouble(s), &env)
                    let updated = master.subtract(w, stepValue, &env)
                    events.note(master, updated, w, stepValue)
                    if updated == w && stepValue != 0 && w.isFinite { events.swallowedUpdates += 1 }
                    parameters[p] = updated
                }
            }
            taskEvents[chunk] = events
        }
    }

    /// Mean loss and accuracy over `rows` with the current weights, quantised as in
    /// training (current scaling), `batchSize` examples at a time.
    /// `quantised`: the rows already quantised (see `ScaledTrainer.quantisedRows`), if so.
    func evaluate(_ rows: WorkBuffer<Float>, labels: [UInt8], pass: UInt64,
                  quantised: WorkBuffer<Float>? = nil) -> (loss: Double, accuracy: Double) {
        let d = model.inputs, c = model.classes
        let n = labels.count
        guard n > 0 else { return (.nan, .nan) }
        let chunk = min(trainer.configuration.batchSize, n)
        var ignored = ScalingEvents()
        let mode = trainer.policy.rounding, quantiser = trainer.quantiser, seed = trainer.configuration.seed
        func bits(_ element: Int) -> StochasticBits {
            StochasticBits(seed: seed, site: TrainingStream.scaledEvaluation, step: pass, element: UInt64(element))
        }
        transposeWeights()
        let wFactor = quantiser.quantise(wT.pointer, rows: c, length: d, into: wTQ.pointer, mode: mode,
                                         random: bits(0), parallel: parallel, events: &ignored)
        untransposeWeights()
        var lossSum = 0.0, right = 0
        for (index, start) in stride(from: 0, to: n, by: chunk).enumerated() {
            let m = min(chunk, n - start)
            let xFactor: Float
            if let quantised {
                xQ.pointer.update(from: quantised.pointer + start * d, count: m * d)
                xFactor = 1
            } else {
                x.pointer.update(from: rows.pointer + start * d, count: m * d)
                xFactor = quantiser.quantise(x.pointer, rows: m, length: d, into: xQ.pointer, mode: mode,
                                             random: bits(index + 1), parallel: parallel, events: &ignored)
            }
            products(xQ.pointer, rows: m, length: d, wQ.pointer, factors: (xFactor, wFactor),
                     bias: parameters.pointer + d * c, into: logits.pointer) {
                Self.environment(seed: seed, mode: mode, TrainingStream.evaluation, Int(pass), start + $0)
            }
            let tasks = (m + ScaledTrainer.exampleChunk - 1) / ScaledTrainer.exampleChunk
            parallel.run(tasks) { task in
                var events = NumericalEvents()
                for r in task * ScaledTrainer.exampleChunk..<min((task + 1) * ScaledTrainer.exampleChunk, m) {
                    var env = environment(TrainingStream.scaledEvaluation, Int(pass), n + start + r)
                    _ = restLoss(example: r, label: Int(labels[start + r]), wasFinite: false, &env, &events)
                }
            }
            for r in 0..<m {
                lossSum += losses[r]
                if correct[r] { right += 1 }
            }
        }
        return (lossSum / Double(n), Double(right) / Double(n))
    }
}

/// The sums of the scaled recipe's products: the hardware kernel and the general one,
/// bit-identical where both apply (the tests compare them).
enum ScaledProducts {
    /// `o[j] = Σ_t a[t] · b[t, j]` in FP32, nearest-even, t increasing from +0; zero
    /// values of `a` skipped when `skipping` (the caller knows `b` is finite).
    @inline(__always)
    static func hardwareRow(_ a: UnsafePointer<Float>, length: Int, _ b: UnsafePointer<Float>, classes c: Int,
                            skipping: Bool, into o: UnsafeMutablePointer<Float>) {
        for j in 0..<c { o[j] = 0 }
        if c == 10 {
            // The model's 10 classes: two vectors of 8 lanes (the last 6 of the second unused).
            var low = SIMD8<Float>(repeating: 0), high = SIMD2<Float>(repeating: 0)
            for t in 0..<length {
                let v = a[t]
                if skipping && v == 0 { continue }
                let w = b + t * 10
                low += v * UnsafeRawPointer(w).loadUnaligned(as: SIMD8<Float>.self)
                high += v * SIMD2<Float>(w[8], w[9])
            }
            for j in 0..<8 { o[j] = low[j] }
            o[8] = high[0]
            o[9] = high[1]
            return
        }
        for t in 0..<length {
            let v = a[t]
            if skipping && v == 0 { continue }
            let w = b + t * c
            for j in 0..<c { o[j] += v * w[j] }
        }
    }

    /// The same sums in any arithmetic: each exact product rounded into `a`'s format and
    /// added there, then the sum rounded to FP32 (in `env`'s mode).
    static func row<A: ScalarArithmetic>(_ arithmetic: A, _ a: UnsafePointer<Float>, length: Int,
                                         _ b: UnsafePointer<Float>, classes c: Int, master: FastArithmetic<Float>,
                                         into o: UnsafeMutablePointer<Float>, _ env: inout FloatEnvironment) {
        for j in 0..<c {
            var s = arithmetic.zero
            for t in 0..<length {
                let p = a[t] * b[t * c + j]
                s = arithmetic.add(s, arithmetic.fromDouble(Double(p), &env), &env)
            }
            o[j] = master.fromDouble(arithmetic.toDouble(s), &env)
        }
    }
}
