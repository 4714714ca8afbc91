import DataFiles
import Foundation
import SoftFloat
import TrainingArithmetic

/// Softmax regression: a linear map from `inputs` features to `classes` logits, trained
/// with cross-entropy. This type holds the shape and the per-example computations, each
/// written once for every arithmetic.
///
///     let model = SoftmaxRegression(inputs: 784, classes: 10)
///     let w0 = model.initialWeights(standardDeviation: 0.01, seed: 0)   // N(0, 0.01²)
///     // per example: logits, then cross-entropy (softmax in place), then the logit gradient
///
/// Layout: the weights are stored input-major, `weights[k * classes + j]` being the weight
/// of input `k` for class `j`, so one input's weights for every class are contiguous. Both
/// a forward pass (`z += x_k · W[k, :]`) and a weight-gradient row
/// (`G[k, :] += x_k · dz`) are then the same kernel, `multiplyAccumulate`.
///
/// Order of operations (it decides the bits): a logit is `((x_0 w_0 + x_1 w_1) + …) + b`
/// summed in increasing input order from `+0`; sums over classes and over the batch run in
/// increasing index order.
public struct SoftmaxRegression: Sendable, Equatable {
    public let inputs: Int
    public let classes: Int

    public init(inputs: Int, classes: Int) {
        self.inputs = inputs
        self.classes = classes
    }

    /// `inputs × classes` draws from N(0, σ²), input-major, from the seed's
    /// initialisation stream. The bias starts at zero.
    public func initialWeights(standardDeviation: Double, seed: UInt64) -> [Double] {
        var random = SplitMix64.stream(seed: seed, purpose: TrainingStream.initialization, step: 0, element: 0)
        return (0..<inputs * classes).map { _ in standardDeviation * random.nextGaussian() }
    }

    /// The logits of example `i`: `z_j = Σ_k x_k · w[k, j] + b_j`, every product and sum
    /// rounded; returns the number of products that underflowed to zero.
    ///
    /// - Parameters:
    ///   - skippingZeros: leave out the products of zero features. Bit-identical to the dense
    ///     sum when every weight is finite and the rounding mode is not `down` (a `±0` product
    ///     then never changes the accumulator, which cannot be `−0`); the caller checks that.
    @inlinable
    public func logits<A: ScalarArithmetic>(_ a: A, rows: FeatureRows<A.Scalar>, example i: Int,
                                            weights: UnsafePointer<A.Scalar>, bias: UnsafePointer<A.Scalar>,
                                            into z: UnsafeMutablePointer<A.Scalar>, skippingZeros: Bool,
                                            _ env: inout FloatEnvironment) -> Int {
        let c = classes
        z.update(repeating: a.zero, count: c)
        var underflows = 0
        let start = rows.starts[i], end = rows.starts[i + 1]
        let indices = rows.indices.pointer, values = rows.values.pointer
        // Feature k's products and sums take the random bits at `base + k × perFeature`,
        // whether the zero features are skipped or not.
        env.random.alignToWord()
        let base = env.random.counter, perFeature = Self.randomBitsPerFeature(classes: c)
        if skippingZeros {
            for n in start..<end {
                env.random.counter = base &+ UInt64(indices[n]) &* perFeature
                underflows &+= a.multiplyAccumulate(values[n], weights + Int(indices[n]) &* c,
                                                    into: z, count: c, &env)
            }
        } else {
            var n = start
            for k in 0..<inputs {
                var x = a.zero
                if n < end && Int(indices[n]) == k {
                    x = values[n]
                    n += 1
                }
                env.random.counter = base &+ UInt64(k) &* perFeature
                underflows &+= a.multiplyAccumulate(x, weights + k &* c, into: z, count: c, &env)
            }
        }
        addBias(a, bias, to: z, from: base, &env)
        return underflows
    }

    /// The logits of two examples, `i` into `z` and `j` into `y`, their operations
    /// interleaved so that the processor overlaps the two chains of dependent roundings.
    /// Each example's operations, and so its bits, are those of `logits`.
    @inlinable
    public func logits<A: ScalarArithmetic>(_ a: A, rows: FeatureRows<A.Scalar>, examples i: Int, _ j: Int,
                                            weights: UnsafePointer<A.Scalar>, bias: UnsafePointer<A.Scalar>,
                                            into z: UnsafeMutablePointer<A.Scalar>, _ y: UnsafeMutablePointer<A.Scalar>,
                                            skippingZeros: Bool,
                                            _ env: inout FloatEnvironment, _ env2: inout FloatEnvironment) -> Int {
        guard skippingZeros else {
            return logits(a, rows: rows, example: i, weights: weights, bias: bias, into: z,
                          skippingZeros: false, &env)
                + logits(a, rows: rows, example: j, weights: weights, bias: bias, into: y,
                         skippingZeros: false, &env2)
        }
        let c = classes
        z.update(repeating: a.zero, count: c)
        y.update(repeating: a.zero, count: c)
        let start = rows.starts[i], start2 = rows.starts[j]
        let indices = rows.indices.pointer, values = rows.values.pointer
        let first = SparseRun(values: values + start, indices: indices + start, count: rows.starts[i + 1] - start)
        let second = SparseRun(values: values + start2, indices: indices + start2,
                               count: rows.starts[j + 1] - start2)
        env.random.alignToWord()
        env2.random.alignToWord()
        let base = env.random.counter, base2 = env2.random.counter
        let underflows = a.multiplyAccumulateRows(first, second, weights: weights, stride: c, count: c,
                                                  into: z, y, &env, &env2)
        addBias(a, bias, to: z, from: base, &env)
        addBias(a, bias, to: y, from: base2, &env2)
        return underflows
    }

    /// Rows `range` of the weight gradient over a batch: `G[k, :] = Σ_b x_bk · dz_b` for
    /// `k` in `range`, summed in batch order from `+0`; returns the number of products that
    /// underflowed to zero.
    ///
    /// - Parameters:
    ///   - batch: the examples' indices in `rows`, `count` of them.
    ///   - dz: the logit gradients, `count × classes`.
    ///   - dzIsFinite: per example, whether its logit gradient is finite (zero features are
    ///     skipped only then).
    ///   - skippingZeros: as for `logits`.
    ///   - envs: one environment per gradient row (indexed by `k`).
    @inlinable
    public func weightGradient<A: ScalarArithmetic>(_ a: A, rows: FeatureRows<A.Scalar>,
                                                    batch: UnsafePointer<Int>, count: Int,
                                                    dz: UnsafePointer<A.Scalar>, dzIsFinite: UnsafePointer<Bool>,
                                                    range: Range<Int>, into g: UnsafeMutablePointer<A.Scalar>,
                                                    skippingZeros: Bool,
                                                    envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        let c = classes
        (g + range.lowerBound &* c).update(repeating: a.zero, count: range.count &* c)
        let indices = rows.indices.pointer, values = rows.values.pointer
        var underflows = 0
        // Example b's products and sums into row k take the random bits of envs[k] at
        // `base_k + b × perFeature`, whether the zero features are skipped or not.
        let perFeature = Self.randomBitsPerFeature(classes: c)
        let bases = range.map { k -> UInt64 in
            envs[k].random.alignToWord()
            return envs[k].random.counter
        }
        let lower = range.lowerBound
        // Only stochastic rounding reads the bits; in the other modes the counters are not
        // moved feature by feature (they are set past the batch below in every mode).
        let drawsBits = range.contains { envs[$0].rounding == .stochastic }
        for b in 0..<count {
            let i = batch[b]
            let end = rows.starts[i + 1]
            var n = rows.lowerBound(range.lowerBound, example: i)
            let d = dz + b &* c
            let offset = UInt64(b) &* perFeature
            if skippingZeros && dzIsFinite[b] {
                let last = rows.lowerBound(range.upperBound, example: i)
                if drawsBits {
                    for m in n..<last {
                        let k = Int(indices[m])
                        envs[k].random.counter = bases[k &- lower] &+ offset
                    }
                }
                let run = SparseRun(values: values + n, indices: indices + n, count: last - n)
                underflows &+= a.multiplyAccumulateIntoRows(run, d, into: g, stride: c, count: c, envs: envs)
            } else {
                for k in range {
                    var x = a.zero
                    if n < end && Int(indices[n]) == k {
                        x = values[n]
                        n += 1
                    }
                    envs[k].random.counter = bases[k &- lower] &+ offset
                    underflows &+= a.multiplyAccumulate(x, d, into: g + k &* c, count: c, &envs[k])
                }
            }
        }
        for k in range { envs[k].random.counter = bases[k &- lower] &+ UInt64(count) &* perFeature }
        return underflows
    }

    /// The logits of up to `denseWidth` examples at once through the arithmetic's dense
    /// kernel, from their features laid out feature-major in `xT` (`inputs × width`, the
    /// lanes past `count` zero): the bits, and the counters each `envs[e]` is left with,
    /// of `logits` with zero features skipped.
    ///
    /// Edge cases: only while `a.denseWidth` is positive in these environments and the
    /// products stay nonzero (`productsStayNonzero`), so that no underflow goes uncounted;
    /// the caller checks both. `scratch` holds `width × classes` values.
    @inlinable
    public func denseLogits<A: ScalarArithmetic>(_ a: A, features xT: UnsafePointer<A.Scalar>, count: Int,
                                                 weights: UnsafePointer<A.Scalar>, bias: UnsafePointer<A.Scalar>,
                                                 scratch: UnsafeMutablePointer<A.Scalar>,
                                                 into z: UnsafeMutablePointer<A.Scalar>,
                                                 envs: UnsafeMutablePointer<FloatEnvironment>) {
        let c = classes
        a.denseDotProducts(xT, inputs: inputs, weights: weights, stride: c, count: c, into: scratch)
        for e in 0..<count {
            (z + e &* c).update(from: scratch + e &* c, count: c)
            addBias(a, bias, to: z + e &* c, from: envs[e].random.counter, &envs[e])
        }
    }

    /// The end of one example's logits: the counter moved past every feature from `base`
    /// (moved up to a multiple of 4), then the bias added to the sums in `z`.
    @inlinable
    func addBias<A: ScalarArithmetic>(_ a: A, _ bias: UnsafePointer<A.Scalar>, to z: UnsafeMutablePointer<A.Scalar>,
                                      from base: UInt64, _ env: inout FloatEnvironment) {
        env.random.counter = base
        env.random.alignToWord()
        env.random.counter = env.random.counter &+ UInt64(inputs) &* Self.randomBitsPerFeature(classes: classes)
        for j in 0..<classes { z[j] = a.add(z[j], bias[j], &env) }
    }

    /// Rows `range` of the weight gradient through the arithmetic's dense kernel, from the
    /// batch's features laid out example-major in `x` (`count` rows of `xStride`, zero past
    /// `inputs`): the bits, and the counters left in `envs`, of `weightGradient` with zero
    /// features skipped.
    ///
    /// Edge cases: as for `denseLogits`, and every logit gradient finite; `xStride` is at
    /// least `inputs + denseWidth`.
    @inlinable
    public func denseWeightGradient<A: ScalarArithmetic>(_ a: A, features x: UnsafePointer<A.Scalar>, xStride: Int,
                                                         count: Int, dz: UnsafePointer<A.Scalar>, range: Range<Int>,
                                                         into g: UnsafeMutablePointer<A.Scalar>,
                                                         envs: UnsafeMutablePointer<FloatEnvironment>) {
        let c = classes
        let width = a.denseWidth(envs[range.lowerBound])
        var k = range.lowerBound
        while k < range.upperBound {
            a.denseOuterProducts(x + k, xStride: xStride, examples: count, dz: dz, count: c, into: g + k &* c,
                                 stride: c, rows: min(width, range.upperBound &- k))
            k &+= width
        }
        let moved = UInt64(count) &* Self.randomBitsPerFeature(classes: c)
        for k in range {
            envs[k].random.alignToWord()
            envs[k].random.counter = envs[k].random.counter &+ moved
        }
    }

    /// The random-bit indices one `multiplyAccumulate` of `classes` lanes takes
    /// (`ScalarArithmetic`'s layout): products and sums, each moved up to a multiple of 4.
    @inlinable
    static func randomBitsPerFeature(classes: Int) -> UInt64 {
        2 &* UInt64((classes &+ 3) & ~3)
    }

    /// The bias gradient over a batch: `g_j = Σ_b dz_bj`, in batch order from `+0`.
    @inlinable
    public func biasGradient<A: ScalarArithmetic>(_ a: A, dz: UnsafePointer<A.Scalar>, count: Int,
                                                  into g: UnsafeMutablePointer<A.Scalar>,
                                                  _ env: inout FloatEnvironment, _ events: inout NumericalEvents) {
        let c = classes
        g.update(repeating: a.zero, count: c)
        for b in 0..<count {
            for j in 0..<c {
                let t = a.add(g[j], dz[b &* c + j], &env)
                events.note(a, t, g[j], dz[b &* c + j])
                g[j] = t
            }
        }
    }

    /// One parameter's SGD step in arithmetic `a`: `w ← w − step(…)`, the subtraction
    /// rounded; counts a swallowed update when the step `lr·g ≠ 0` leaves `w` unchanged.
    ///
    /// - Parameters:
    ///   - unscale: the loss scale to divide by, or nil.
    ///   - decay: the weight decay λ, or nil.
    @inlinable
    public func update<A: ScalarArithmetic>(_ a: A, weight w: inout A.Scalar, gradient: A.Scalar,
                                            learningRate lr: A.Scalar, decay: A.Scalar?, unscale: A.Scalar?,
                                            _ env: inout FloatEnvironment, _ events: inout NumericalEvents) {
        let step = step(a, weight: w, gradient: gradient, learningRate: lr, decay: decay, unscale: unscale,
                        &env, &events)
        let updated = a.subtract(w, step, &env)
        events.note(a, updated, w, step)
        if updated == w && !a.isZero(step) && a.isFinite(w) { events.swallowedUpdates += 1 }
        w = updated
    }

    /// The step `lr·g` of weight `w`'s update in arithmetic `a`: `g ← g / scale`,
    /// `g ← g + λ·w`, then `lr·g`, each operation rounded.
    ///
    ///     let s = model.step(fp64, weight: w, gradient: g, learningRate: 0.1, decay: nil,
    ///                        unscale: nil, &env, &events)    // 0.1 · g
    ///
    /// - Parameters: as for `update`.
    @inlinable
    public func step<A: ScalarArithmetic>(_ a: A, weight w: A.Scalar, gradient: A.Scalar,
                                          learningRate lr: A.Scalar, decay: A.Scalar?, unscale: A.Scalar?,
                                          _ env: inout FloatEnvironment, _ events: inout NumericalEvents) -> A.Scalar {
        var g = gradient
        if let unscale {
            let t = a.divide(g, unscale, &env)
            events.noteQuotient(a, t, g, unscale)
            g = t
        }
        if let decay {
            let d = a.multiply(decay, w, &env)
            events.noteProduct(a, d, decay, w)
            let t = a.add(g, d, &env)
            events.note(a, t, g, d)
            g = t
        }
        let step = a.multiply(lr, g, &env)
        events.noteProduct(a, step, lr, g)
        return step
    }

    /// The cross-entropy loss of logits `z` for label `y`; leaves the softmax
    /// probabilities in `p`.
    ///
    /// `.logSumExp`: `m = max z`, `e_j = exp(z_j − m)`, `s = Σ e_j`,
    /// `loss = log s − (z_y − m)`, `p_j = e_j / s`.
    /// `.naive`: `e_j = exp(z_j)`, `s = Σ e_j`, `p_j = e_j / s`, `loss = 0 − log p_y`.
    ///
    /// Edge cases: a NaN logit makes the loss NaN.
    @inlinable
    public func crossEntropy<A: ScalarArithmetic>(_ a: A, _ kind: LossFunction, logits z: UnsafePointer<A.Scalar>,
                                                  label y: Int, probabilities p: UnsafeMutablePointer<A.Scalar>,
                                                  _ env: inout FloatEnvironment,
                                                  _ events: inout NumericalEvents) -> A.Scalar {
        let c = classes
        switch kind {
        case .logSumExp:
            var m = z[0]
            for j in 1..<c where a.isLess(m, z[j]) || (a.isNaN(z[j]) && !a.isNaN(m)) { m = z[j] }
            var shiftedLabel = a.zero
            for j in 0..<c {
                let d = a.subtract(z[j], m, &env)
                events.note(a, d, z[j], m)
                if j == y { shiftedLabel = d }
                let e = a.exp(d, &env)
                events.noteFunction(a, e, d, zeroIsUnderflow: true)
                p[j] = e
            }
            let s = sum(a, p, &env, &events)
            let l = a.log(s, &env)
            events.noteFunction(a, l, s, zeroIsUnderflow: false)
            let loss = a.subtract(l, shiftedLabel, &env)
            events.note(a, loss, l, shiftedLabel)
            normalize(a, p, by: s, &env, &events)
            return loss
        case .naive:
            for j in 0..<c {
                let e = a.exp(z[j], &env)
                events.noteFunction(a, e, z[j], zeroIsUnderflow: true)
                p[j] = e
            }
            let s = sum(a, p, &env, &events)
            normalize(a, p, by: s, &env, &events)
            let l = a.log(p[y], &env)
            events.noteFunction(a, l, p[y], zeroIsUnderflow: false)
            let loss = a.subtract(a.zero, l, &env)
            events.note(a, loss, a.zero, l)
            return loss
        }
    }

    @inlinable
    func sum<A: ScalarArithmetic>(_ a: A, _ p: UnsafeMutablePointer<A.Scalar>,
                                  _ env: inout FloatEnvironment, _ events: inout NumericalEvents) -> A.Scalar {
        var s = p[0]
        for j in 1..<classes {
            let t = a.add(s, p[j], &env)
            events.note(a, t, s, p[j])
            s = t
        }
        return s
    }

    @inlinable
    func normalize<A: ScalarArithmetic>(_ a: A, _ p: UnsafeMutablePointer<A.Scalar>, by s: A.Scalar,
                                        _ env: inout FloatEnvironment, _ events: inout NumericalEvents) {
        for j in 0..<classes {
            let q = a.divide(p[j], s, &env)
            events.noteQuotient(a, q, p[j], s)
            p[j] = q
        }
    }

    /// Turns the probabilities `p` into the gradient of the (scaled) mean loss with respect
    /// to the logits, in place: `((p_j − [j = y]) × scale) / batchSize`.
    ///
    /// - Parameters:
    ///   - lossScale: the static loss scale, or nil.
    ///   - batchSize: the batch size in the format.
    @inlinable
    public func logitGradient<A: ScalarArithmetic>(_ a: A, probabilities p: UnsafeMutablePointer<A.Scalar>,
                                                   label y: Int, lossScale: A.Scalar?, batchSize: A.Scalar,
                                                   _ env: inout FloatEnvironment,
                                                   _ events: inout NumericalEvents) {
        for j in 0..<classes {
            var g = p[j]
            if j == y {
                let t = a.subtract(g, a.one, &env)
                events.note(a, t, g, a.one)
                g = t
            }
            if let lossScale {
                let t = a.multiply(g, lossScale, &env)
                events.noteProduct(a, t, g, lossScale)
                g = t
            }
            let t = a.divide(g, batchSize, &env)
            events.noteQuotient(a, t, g, batchSize)
            p[j] = t
        }
    }

    /// The class with the largest logit (the first of equals), or nil when a logit is NaN.
    @inlinable
    public func predictedClass<A: ScalarArithmetic>(_ a: A, logits z: UnsafePointer<A.Scalar>) -> Int? {
        var best = 0
        for j in 0..<classes {
            if a.isNaN(z[j]) { return nil }
            if a.isLess(z[best], z[j]) { best = j }
        }
        return best
    }

    /// Why the loss of logits `z` for label `y` is not finite, in one sentence, by
    /// repeating the computation from `env` (the environment as it was before the loss).
    public func explainNonFiniteLoss<A: ScalarArithmetic>(_ a: A, _ kind: LossFunction, logits z: [A.Scalar],
                                                          label y: Int, _ env: FloatEnvironment) -> String {
        var env = env
        let values = z.map { a.toDouble($0) }
        func show(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : String(x) }
        if values.contains(where: \.isNaN) {
            return "a logit is NaN (the parameters already held NaN or ∞)"
        }
        if let j = values.firstIndex(where: \.isInfinite) {
            return "logit \(j) overflowed to \(show(values[j])) in \(a.name)"
        }
        let largest = values.max()!
        switch kind {
        case .naive:
            var exps: [A.Scalar] = []
            for j in 0..<classes { exps.append(a.exp(z[j], &env)) }
            if let j = exps.firstIndex(where: { a.isInfinite($0) }) {
                let overflow = "exp(\(show(values[j]))) overflowed to ∞ in \(a.name) (logit of class \(j))"
                if a.isInfinite(exps[y]) {
                    return overflow + ", so softmax divided ∞ by ∞: the true class's probability and the loss are NaN"
                }
                return overflow + ", so Σexp is ∞ and the true class's probability "
                    + "exp(\(show(values[y])))/∞ is 0: the loss −log(0) is ∞"
            }
            // A format without infinities (OCP E4M3FN and the like) overflows to NaN.
            if let j = exps.firstIndex(where: { a.isNaN($0) }) {
                return "exp(\(show(values[j]))) overflowed to NaN in \(a.name) (logit of class \(j)): the format "
                    + "has no ∞, so the overflow gives NaN, and softmax and the loss are NaN"
            }
            var s = exps[0]
            for j in 1..<classes { s = a.add(s, exps[j], &env) }
            // The loss as the naive form computes it from `s`, in words ("∞", "NaN").
            func lossFrom(_ s: A.Scalar) -> String {
                var e = env
                let l = a.subtract(a.zero, a.log(a.divide(exps[y], s, &e), &e), &e)
                return a.isNaN(l) ? "NaN" : a.isInfinite(l) ? "∞" : show(a.toDouble(l))
            }
            if a.isInfinite(s) {
                return "the sum of exp(logits) overflowed to ∞ in \(a.name) (largest logit \(show(largest))), "
                    + "so the loss is \(lossFrom(s))"
            }
            if a.isNaN(s) {
                return "the sum of exp(logits) overflowed to NaN in \(a.name) (largest logit \(show(largest))): "
                    + "the format has no ∞, so the overflow gives NaN, and the loss is NaN"
            }
            if a.isZero(s) {
                return "every exp(logit) underflowed to 0 in \(a.name) (largest logit \(show(largest))), "
                    + "so softmax divided 0 by 0 = NaN"
            }
            let py = a.divide(exps[y], s, &env)
            let logP = a.log(py, &env)
            let loss = a.subtract(a.zero, logP, &env)
            if a.isZero(py) {
                let probability = "the true class's probability exp(\(show(values[y])))/Σexp underflowed to 0 in "
                    + "\(a.name) (largest logit \(show(largest)))"
                if a.isNaN(logP) || a.isNaN(loss) {
                    return probability + ", and log(0) is NaN there: the format has no ∞, so the loss −log(0) is NaN"
                }
                return probability + ", so the loss −log(0) is ∞"
            }
            return "the naive loss is \(show(a.toDouble(loss))) in \(a.name) although exp, their sum and the true "
                + "class's probability \(show(a.toDouble(py))) are finite and nonzero (largest logit \(show(largest)))"
        case .logSumExp:
            var m = z[0]
            for j in 1..<classes where a.isLess(m, z[j]) { m = z[j] }
            var s = a.zero
            for j in 0..<classes {
                let d = a.subtract(z[j], m, &env)
                if !a.isFinite(d) {
                    return "z − max z overflowed for logit \(show(values[j])) (largest \(show(largest))) in \(a.name)"
                }
                s = a.add(s, a.exp(d, &env), &env)
            }
            if a.isInfinite(s) {
                return "the sum Σ exp(z − max z), between 1 and \(classes), overflowed to ∞ in \(a.name), "
                    + "so log of it is ∞"
            }
            return "the loss log Σ exp(z − max z) − (z_y − max z) is not finite in \(a.name) "
                + "(label logit \(show(values[y])), largest \(show(largest)))"
        }
    }
}
