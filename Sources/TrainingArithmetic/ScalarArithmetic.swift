import SoftFloat

/// The arithmetic of one number format, as the trainer uses it: every operation rounds
/// its result to the format by the environment's rounding mode.
///
///     func square<A: ScalarArithmetic>(_ a: A, _ x: Double) -> Double {
///         var env = FloatEnvironment()
///         let v = a.fromDouble(x, &env)
///         return a.toDouble(a.multiply(v, v, &env))
///     }
///     square(SoftArithmetic(format: .bf16), 1.1)   // 1.2109375
///
/// The scalar operations are `RoundedArithmetic`'s, which the 8-bit formats share: binary
/// formats conform through the integer soft-float path (`SoftArithmetic`) and through the
/// hardware-then-round path (`FastArithmetic`); the 8-bit formats (`lns8`, the linear INT8)
/// conform with their own arithmetic (`EightBitArithmetic`). The trainer is written once
/// against this protocol and specialised per conforming type, so no call is dispatched
/// dynamically per scalar.
///
/// A conforming type supplies the scalar operations; the bulk kernel
/// `multiplyAccumulate` has a default built from them, which a type may replace by a
/// faster one that gives the same bits.
///
/// Random bits: every scalar operation (`fromDouble`, + − × ÷, `exp`, `log`, `convert`)
/// rounds with the bits of `env.random.counter` and then advances the counter by one,
/// whether it was exact or not, so the bits of an operation depend only on its place in
/// the sequence, never on the values before it; the kernels below lay their operations
/// out on the counter as `multiplyAccumulate` says.
///
/// Edge cases: the soft path raises exception flags in the environment; a fast path need
/// not (the trainer counts numerical events from values, never from flags).
public protocol ScalarArithmetic: RoundedArithmetic {
    var zero: Scalar { get }
    var one: Scalar { get }

    func isInfinite(_ x: Scalar) -> Bool

    /// `acc[i] ← acc[i] + s × x[i]` for `i` in `0..<count`: the product rounded, then the
    /// sum rounded, lane by lane; returns how many products underflowed to zero (a zero
    /// product of two nonzero operands).
    ///
    ///     let n = arithmetic.multiplyAccumulate(pixel, weightsRow, into: logits, count: 10, &env)
    ///
    /// The forward pass (a sample's logits) and the backward pass (a weight-gradient row)
    /// are both chains of this kernel, so a conforming type that replaces the default
    /// speeds up all of training. A replacement must give the same bits and the same
    /// count as the default, including the random bits of each rounding under stochastic
    /// rounding. Those are laid out on the counter: with `base` the counter moved up to a
    /// multiple of 4 and `n4` the count moved up to a multiple of 4, product `i` rounds with
    /// index `base + i`, sum `i` with `base + n4 + i`, and the counter ends at
    /// `base + 2·n4` (so four lanes share one word of `StochasticBits`).
    ///
    /// - Parameters:
    ///   - s: the scalar factor.
    ///   - x: `count` factors.
    ///   - acc: `count` accumulators, updated in place.
    func multiplyAccumulate(_ s: Scalar, _ x: UnsafePointer<Scalar>,
                            into acc: UnsafeMutablePointer<Scalar>, count: Int,
                            _ env: inout FloatEnvironment) -> Int

    /// Two sparse dot products at once, their operations interleaved: for `n` in order,
    /// `accA[0..<count] ← accA + a.values[n] × weights[a.indices[n] × stride ..< + count]`
    /// lane by lane (product rounded, then sum rounded) in `envA`, and the same for `b`
    /// into `accB` in `envB`; returns how many products underflowed to zero.
    ///
    ///     let n = arithmetic.multiplyAccumulateRows(a, b, weights: w, stride: 10, count: 10,
    ///                                               into: za, zb, &envA, &envB)
    ///
    /// The default is a chain of `multiplyAccumulate` calls, alternating between the two
    /// runs while both last; feature `n` of `a` rounds with `envA`'s counter set to
    /// `baseA + a.indices[n] × 2·n4` (`baseA`: the counter at entry moved up to a multiple
    /// of 4; `n4`: `count` moved up to a multiple of 4), and likewise for `b`, so that a
    /// feature's random bits depend on its index, not on how many features came before it;
    /// each counter is left at its base (the caller moves it on). A replacement must give
    /// the same bits, the same count and the same counters.
    ///
    /// - Parameters:
    ///   - a: the first run of features (nonzero values and their ascending indices).
    ///   - b: the second run.
    ///   - weights: rows of `stride` values; row `k` is used for feature `k`.
    func multiplyAccumulateRows(_ a: SparseRun<Scalar>, _ b: SparseRun<Scalar>,
                                weights: UnsafePointer<Scalar>, stride: Int, count: Int,
                                into accA: UnsafeMutablePointer<Scalar>, _ accB: UnsafeMutablePointer<Scalar>,
                                _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int

    /// One vector added, scaled, into many rows: for `n` in order,
    /// `acc[k × stride ..< + count] ← acc + run.values[n] × x[0..<count]` lane by lane, with
    /// `k = run.indices[n]` and the environment `envs[k]`; returns how many products
    /// underflowed to zero.
    ///
    ///     let n = arithmetic.multiplyAccumulateIntoRows(run, dz, into: gradient, stride: 10,
    ///                                                   count: 10, envs: envs)
    ///
    /// The weight gradient of a batch is this kernel once per example. The default is a
    /// chain of `multiplyAccumulate` calls, row `k`'s with `envs[k]` as it is; a
    /// replacement must give the same bits, the same count and the same counters.
    ///
    /// - Parameters:
    ///   - run: the features (nonzero values and their ascending indices).
    ///   - x: `count` factors shared by every row.
    ///   - acc: rows of `stride` accumulators; row `k` is updated for feature `k`.
    ///   - envs: one environment per row, indexed by `k`.
    func multiplyAccumulateIntoRows(_ run: SparseRun<Scalar>, _ x: UnsafePointer<Scalar>,
                                    into acc: UnsafeMutablePointer<Scalar>, stride: Int, count: Int,
                                    envs: UnsafeMutablePointer<FloatEnvironment>) -> Int

    /// How many examples one `denseDotProducts` call takes, and how many rows one
    /// `denseOuterProducts` call fills, in `env`; 0 when this arithmetic has no dense
    /// kernels there (the default). A type that computes `Scalar`'s own `+` and `×` in
    /// hardware serves them: its products and sums are then the hardware's, whatever their
    /// layout in the vector registers.
    func denseWidth(_ env: FloatEnvironment) -> Int

    /// Whether every product of two nonzero values with magnitudes at least `a` and `b`
    /// is nonzero in this format, so that a dense kernel, which counts no underflows, may
    /// be used (the default: false).
    func productsStayNonzero(atLeast a: Double, _ b: Double) -> Bool

    /// Dense dot products of `denseWidth` examples at once: for example `e` and class `j`,
    /// `z[e × count + j] = Σ_k xT[k × width + e] × w[k × stride + j]` summed over `k` in
    /// `0..<inputs` in increasing order from `+0`, each product rounded, then each sum:
    /// the operations of the sparse kernels with the zero features' products put back.
    ///
    ///     a.denseDotProducts(xT, inputs: 784, weights: w, stride: 10, count: 10, into: z)
    ///
    /// Edge cases: call it only where `denseWidth` is positive; it counts no underflows
    /// (see `productsStayNonzero`) and moves no random bits.
    ///
    /// - Parameters:
    ///   - xT: the examples' features, feature-major (`inputs × width` values).
    ///   - z: `width × count` sums, example-major.
    func denseDotProducts(_ xT: UnsafePointer<Scalar>, inputs: Int, weights: UnsafePointer<Scalar>,
                          stride: Int, count: Int, into z: UnsafeMutablePointer<Scalar>)

    /// Dense sums of outer products over a batch, `rows` (at most `denseWidth`) rows at once:
    /// for row `r` and class `j`, `g[r × stride + j] = Σ_b x[b × xStride + r] × dz[b × count + j]`
    /// summed over `b` in `0..<examples` in increasing order from `+0`: a weight-gradient block.
    ///
    /// Edge cases: as for `denseDotProducts`; `x` is read `denseWidth` values wide from each
    /// example's row, so a row must have that many readable values after the block's start.
    func denseOuterProducts(_ x: UnsafePointer<Scalar>, xStride: Int, examples: Int, dz: UnsafePointer<Scalar>,
                            count: Int, into g: UnsafeMutablePointer<Scalar>, stride: Int, rows: Int)

    /// `x`, a value of another arithmetic, rounded to this format.
    ///
    /// The default rounds `source.toDouble(x)`, which is a single correct rounding when
    /// the source's values are exact in `Double` (every binary format).
    func convert<Source: ScalarArithmetic>(_ x: Source.Scalar, from source: Source,
                                           _ env: inout FloatEnvironment) -> Scalar
}

extension ScalarArithmetic {
    @inlinable
    public func multiplyAccumulate(_ s: Scalar, _ x: UnsafePointer<Scalar>,
                                   into acc: UnsafeMutablePointer<Scalar>, count: Int,
                                   _ env: inout FloatEnvironment) -> Int {
        scalarMultiplyAccumulate(s, x, into: acc, count: count, &env)
    }

    /// The reference kernel behind `multiplyAccumulate`, one scalar operation at a time.
    @inlinable
    public func scalarMultiplyAccumulate(_ s: Scalar, _ x: UnsafePointer<Scalar>,
                                         into acc: UnsafeMutablePointer<Scalar>, count: Int,
                                         _ env: inout FloatEnvironment) -> Int {
        var underflows = 0
        let sIsZero = isZero(s)
        env.random.alignToWord()
        let base = env.random.counter
        let n4 = UInt64((count &+ 3) & ~3)
        for i in 0..<count {
            env.random.counter = base &+ UInt64(i)
            let product = multiply(s, x[i], &env)
            if isZero(product) && !sIsZero && !isZero(x[i]) { underflows += 1 }
            env.random.counter = base &+ n4 &+ UInt64(i)
            acc[i] = add(acc[i], product, &env)
        }
        env.random.counter = base &+ 2 &* n4
        return underflows
    }

    @inlinable
    public func multiplyAccumulateRows(_ a: SparseRun<Scalar>, _ b: SparseRun<Scalar>,
                                       weights: UnsafePointer<Scalar>, stride: Int, count: Int,
                                       into accA: UnsafeMutablePointer<Scalar>, _ accB: UnsafeMutablePointer<Scalar>,
                                       _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int {
        scalarMultiplyAccumulateRows(a, b, weights: weights, stride: stride, count: count, into: accA, accB,
                                     &envA, &envB)
    }

    /// The reference behind `multiplyAccumulateRows`: `multiplyAccumulate` per feature.
    @inlinable
    public func scalarMultiplyAccumulateRows(_ a: SparseRun<Scalar>, _ b: SparseRun<Scalar>,
                                             weights: UnsafePointer<Scalar>, stride: Int, count: Int,
                                             into accA: UnsafeMutablePointer<Scalar>,
                                             _ accB: UnsafeMutablePointer<Scalar>,
                                             _ envA: inout FloatEnvironment, _ envB: inout FloatEnvironment) -> Int {
        var underflows = 0
        var n = 0, m = 0
        envA.random.alignToWord()
        envB.random.alignToWord()
        let baseA = envA.random.counter, baseB = envB.random.counter
        let perFeature = 2 &* UInt64((count &+ 3) & ~3)
        @inline(__always) func featureA(_ n: Int) -> Int {
            envA.random.counter = baseA &+ UInt64(a.indices[n]) &* perFeature
            return multiplyAccumulate(a.values[n], weights + Int(a.indices[n]) &* stride, into: accA,
                                      count: count, &envA)
        }
        @inline(__always) func featureB(_ m: Int) -> Int {
            envB.random.counter = baseB &+ UInt64(b.indices[m]) &* perFeature
            return multiplyAccumulate(b.values[m], weights + Int(b.indices[m]) &* stride, into: accB,
                                      count: count, &envB)
        }
        while n < a.count && m < b.count {
            underflows &+= featureA(n)
            underflows &+= featureB(m)
            n &+= 1
            m &+= 1
        }
        while n < a.count {
            underflows &+= featureA(n)
            n &+= 1
        }
        while m < b.count {
            underflows &+= featureB(m)
            m &+= 1
        }
        envA.random.counter = baseA
        envB.random.counter = baseB
        return underflows
    }

    @inlinable
    public func multiplyAccumulateIntoRows(_ run: SparseRun<Scalar>, _ x: UnsafePointer<Scalar>,
                                           into acc: UnsafeMutablePointer<Scalar>, stride: Int, count: Int,
                                           envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        scalarMultiplyAccumulateIntoRows(run, x, into: acc, stride: stride, count: count, envs: envs)
    }

    /// The reference behind `multiplyAccumulateIntoRows`: `multiplyAccumulate` per feature.
    @inlinable
    public func scalarMultiplyAccumulateIntoRows(_ run: SparseRun<Scalar>, _ x: UnsafePointer<Scalar>,
                                                 into acc: UnsafeMutablePointer<Scalar>, stride: Int, count: Int,
                                                 envs: UnsafeMutablePointer<FloatEnvironment>) -> Int {
        var underflows = 0
        for n in 0..<run.count {
            let k = Int(run.indices[n])
            underflows &+= multiplyAccumulate(run.values[n], x, into: acc + k &* stride, count: count, &envs[k])
        }
        return underflows
    }

    @inlinable public func denseWidth(_ env: FloatEnvironment) -> Int { 0 }

    @inlinable public func productsStayNonzero(atLeast a: Double, _ b: Double) -> Bool { false }

    /// The reference behind `denseDotProducts`: the scalar operations, to nearest-even.
    @inlinable
    public func denseDotProducts(_ xT: UnsafePointer<Scalar>, inputs: Int, weights: UnsafePointer<Scalar>,
                                 stride: Int, count: Int, into z: UnsafeMutablePointer<Scalar>) {
        let width = max(denseWidth(FloatEnvironment()), 1)
        var env = FloatEnvironment()
        for e in 0..<width {
            for j in 0..<count {
                z[e &* count &+ j] = sumOfProducts(inputs, { xT[$0 &* width &+ e] }, { weights[$0 &* stride &+ j] }, &env)
            }
        }
    }

    /// The reference behind `denseOuterProducts`: the scalar operations, to nearest-even.
    @inlinable
    public func denseOuterProducts(_ x: UnsafePointer<Scalar>, xStride: Int, examples: Int, dz: UnsafePointer<Scalar>,
                                   count: Int, into g: UnsafeMutablePointer<Scalar>, stride: Int, rows: Int) {
        var env = FloatEnvironment()
        for r in 0..<rows {
            for j in 0..<count {
                g[r &* stride &+ j] = sumOfProducts(examples, { x[$0 &* xStride &+ r] }, { dz[$0 &* count &+ j] }, &env)
            }
        }
    }

    /// `Σ_k a(k) × b(k)` for `k` in `0..<n`, in increasing order from `+0`, every product
    /// and sum rounded in `env`.
    @inlinable
    func sumOfProducts(_ n: Int, _ a: (Int) -> Scalar, _ b: (Int) -> Scalar, _ env: inout FloatEnvironment) -> Scalar {
        var sum = zero
        for k in 0..<n { sum = add(sum, multiply(a(k), b(k), &env), &env) }
        return sum
    }

    @inlinable
    public func convert<Source: ScalarArithmetic>(_ x: Source.Scalar, from source: Source,
                                                  _ env: inout FloatEnvironment) -> Scalar {
        fromDouble(source.toDouble(x), &env)
    }

    /// Binary formats overflow to infinity: nothing is saturated.
    @inlinable
    public func isSaturated(_ x: Scalar) -> Bool { false }

    /// Neither infinite nor NaN.
    @inlinable
    public func isFinite(_ x: Scalar) -> Bool { !isNaN(x) && !isInfinite(x) }
}
