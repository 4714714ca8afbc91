import DataFiles
import SoftFloat
import TrainingArithmetic

/// The dense path of a step, where the accumulation arithmetic has dense kernels
/// (`ScalarArithmetic.denseWidth`: a format that is the hardware's own, to nearest-even):
/// logits `denseWidth` examples at a time and the weight gradient `denseWidth` rows at a
/// time, with every lane of a vector doing work. Taken only while zero features may be
/// skipped and no product of a nonzero feature with a nonzero weight or logit gradient
/// can be zero (checked from the least magnitudes: the features' once, the weights' and
/// logit gradients' each step), so that its results, its
/// counters and its count of underflows (none) are those of the sparse path.
extension Trainer.Run {
    /// The logits of examples `range` of the batch (one example chunk): dense blocks, or
    /// the sparse pairs when a product could underflow this step. Also writes the
    /// examples' dense rows for the weight gradient; returns the products that underflowed
    /// to zero.
    func denseLogits(_ range: Range<Int>, leastWeight: Double, chunk: Int,
                     envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        let a = trainer.accumulation.wide, accumulation = trainer.accumulation
        let c = model.classes, d = model.inputs, width = denseWidth
        let w = parameters.valuesWide.pointer
        var underflows = 0
        let xT = denseBlocks.pointer + chunk * denseBlockSize, scratch = xT + d * width
        let starts = trainRows.starts.pointer, indices = trainRows.indices.pointer
        let values = trainRows.values.pointer, dense = denseBatch.pointer, stride = denseStride
        // No product of a nonzero feature and a nonzero weight can be zero this step.
        let productsStayNonzero = a.productsStayNonzero(atLeast: trainRows.leastMagnitude, leastWeight)
        var start = range.lowerBound
        while start < range.upperBound {
            let n = min(width, range.upperBound - start)
            xT.update(repeating: a.zero, count: d * width)
            for e in 0..<n {
                let slot = start + e
                prefetchAhead(of: slot, examples: 1)
                let i = batch[slot]
                let row = dense + slot * stride
                row.update(repeating: a.zero, count: stride)
                for m in starts[i]..<starts[i + 1] {
                    let k = Int(indices[m]), v = values[m]
                    xT[k &* width &+ e] = v
                    row[k] = v
                }
            }
            let block = envs + (start - range.lowerBound)
            if productsStayNonzero {
                model.denseLogits(a, features: xT, count: n, weights: w, bias: w + d * c, scratch: scratch,
                                  into: logitsWide.pointer + start * c, envs: block)
                for e in 0..<n {
                    let example = start + e
                    accumulation.narrow(logitsWide.pointer + example * c, into: logits.pointer + example * c,
                                        count: c, &block[e])
                }
            } else {
                underflows += sparseLogits(start..<(start + n), skipping: true, envs: block)
            }
            start += n
        }
        return underflows
    }

    /// How many examples of the batch ahead of the one being read the forward pass
    /// prefetches (and twice as far, where their features start).
    static var prefetchDistance: Int { 2 }

    /// Starts loading the features of the `examples` batch slots `prefetchDistance` after
    /// `slot`, and where the features of those twice as far start: the examples come in
    /// shuffled order, each from its own place in rows far larger than the caches.
    func prefetchAhead(of slot: Int, examples: Int) {
        let near = slot + Self.prefetchDistance, far = slot + 2 * Self.prefetchDistance
        for ahead in near..<(near + examples) where ahead < batch.count {
            trainRows.prefetch(example: batch[ahead])
        }
        for ahead in far..<(far + examples) where ahead < batch.count {
            trainRows.prefetchStart(example: batch[ahead])
        }
    }

    /// The logits of examples `range` of the batch through the sparse kernels, two
    /// examples at a time, example `range.lowerBound + e` in `envs[e]`; returns the
    /// products that underflowed to zero.
    func sparseLogits(_ range: Range<Int>, skipping: Bool, envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        let c = model.classes
        var underflows = 0
        var b = range.lowerBound
        while b < range.upperBound {
            prefetchAhead(of: b, examples: 2)
            let pair = b + 1 < range.upperBound
            let e = b - range.lowerBound
            var env = envs[e]
            var env2 = pair ? envs[e + 1] : FloatEnvironment()
            underflows += computeLogits(examples: batch[b], pair ? batch[b + 1] : nil, rows: trainRows,
                                        into: logits.pointer + b * c, wide: logitsWide.pointer + b * c,
                                        skipping: skipping, &env, &env2)
            envs[e] = env
            if pair { envs[e + 1] = env2 }
            b += 2
        }
        return underflows
    }

    /// Whether the dense weight gradient may run this step: no product of a nonzero
    /// feature (of any training example: a bound for the batch's) and a nonzero logit
    /// gradient can be zero.
    func denseProductsStayNonzero(count: Int) -> Bool {
        let leastGradient = leastNonzeroMagnitude(dzWide.pointer, count: count * model.classes)
        return trainer.accumulation.wide.productsStayNonzero(atLeast: trainRows.leastMagnitude, leastGradient)
    }

    /// The least magnitude among the nonzero values of `x[0..<count]` (+∞ when there is
    /// none; NaNs are passed over).
    func leastNonzeroMagnitude(_ x: UnsafePointer<AccumulationScalar>, count: Int) -> Double {
        let a = trainer.accumulation.wide
        var least = Double.infinity
        for i in 0..<count {
            let magnitude = Swift.abs(a.toDouble(x[i]))
            if magnitude != 0 && magnitude < least { least = magnitude }
        }
        return least
    }
}
