import DataFiles
import SoftFloat
import TrainingArithmetic

/// Loss and accuracy over a data set with the current parameters.
extension Trainer.Run {
    /// The environment of example `i` of an evaluation pass.
    func evaluationEnvironment(pass: UInt64, example i: Int) -> FloatEnvironment {
        var env = FloatEnvironment(rounding: trainer.policy.rounding)
        env.random = StochasticBits(seed: trainer.configuration.seed, site: TrainingStream.evaluation,
                                       step: pass, element: UInt64(i))
        return env
    }

    /// Mean loss and accuracy over `rows` (the training format's values, in the
    /// accumulation format), with the current parameters.
    func evaluate(_ rows: FeatureRows<AccumulationScalar>, labels: [UInt8],
                  pass: UInt64) -> (loss: Double, accuracy: Double) {
        let work = trainer.work, loss = trainer.configuration.loss
        let n = rows.count, c = model.classes
        guard n > 0 else { return (.nan, .nan) }
        let chunkSize = 64
        let chunks = (n + chunkSize - 1) / chunkSize
        let exampleLoss = WorkBuffer(repeating: 0.0, count: n)
        let exampleCorrect = WorkBuffer(repeating: false, count: n)
        let z = WorkBuffer(repeating: work.zero, count: chunks * 2 * c)
        let p = WorkBuffer(repeating: work.zero, count: chunks * c)
        let zWide = trainer.accumulation.widen(z)
        let skipping = skippingZeros
        parallel.run(chunks) { chunk in
            var ignored = NumericalEvents()
            let zc = z.pointer + chunk * 2 * c, pc = p.pointer + chunk * c
            let last = min((chunk + 1) * chunkSize, n)
            var i = chunk * chunkSize
            while i < last {
                let pair = i + 1 < last
                var env = evaluationEnvironment(pass: pass, example: i)
                var env2 = evaluationEnvironment(pass: pass, example: i + 1)
                _ = computeLogits(examples: i, pair ? i + 1 : nil, rows: rows, into: zc,
                                  wide: zWide.pointer + chunk * 2 * c, skipping: skipping, &env, &env2)
                for example in i..<(pair ? i + 2 : i + 1) {
                    if example == i + 1 { swap(&env, &env2) }
                    let logits = zc + (example - i) * c
                    let y = Int(labels[example])
                    let value = model.crossEntropy(work, loss, logits: logits, label: y, probabilities: pc,
                                                   &env, &ignored)
                    exampleLoss[example] = work.toDouble(value)
                    exampleCorrect[example] = model.predictedClass(work, logits: logits) == y
                }
                i += 2
            }
        }
        var sum = 0.0
        var right = 0
        for i in 0..<n {
            sum += exampleLoss[i]
            if exampleCorrect[i] { right += 1 }
        }
        return (sum / Double(n), Double(right) / Double(n))
    }
}
