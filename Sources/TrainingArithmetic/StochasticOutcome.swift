import SoftFloat

/// What one operation of an 8-bit format does for one pair of operands under stochastic
/// rounding: either a fixed result without a draw, or one draw `r` from `env.random` that
/// picks `up` when `r >> 11 < threshold` and `down` otherwise.
///
///     let outcome = StochasticOutcome.probe { env in format.add(a, b, &env) }
///     outcome.result(&env)     // format.add(a, b, &env), bit for bit, same draws
///
/// `probe` learns the outcome from the operation itself, by running it with generators
/// whose next output is chosen: the formats round stochastically by comparing
/// `Double(r >> 11) × 2^−53` with the fraction to cover, once per operation, so the result
/// is `up` below a threshold of `r >> 11` and `down` from it on; a binary search over the
/// 2^53 values of `r >> 11` finds that threshold exactly.
///
/// Edge cases: when both neighbours are the same code (a saturating result) the draw still
/// happens and `threshold` is 0.
@usableFromInline
struct StochasticOutcome: Sendable {
    /// `r >> 11` below this picks `up`.
    @usableFromInline var threshold: UInt64
    @usableFromInline var down: UInt8
    @usableFromInline var up: UInt8
    /// Whether the operation draws from the generator.
    @usableFromInline var draws: Bool

    /// The result, drawing from `env.random` exactly when the operation would.
    @inlinable
    func result(_ env: inout FloatEnvironment) -> UInt8 {
        if !draws { return down }
        return env.random.next() >> 11 < threshold ? up : down
    }

    /// The outcome of `operation`, run at most 55 times with chosen draws.
    static func probe(_ operation: (inout FloatEnvironment) -> UInt8) -> StochasticOutcome {
        func run(drawing high: UInt64) -> (result: UInt8, drew: Bool) {
            var env = FloatEnvironment(rounding: .stochastic)
            let state = SplitMix64.state(nextOutput: high << 11)
            env.random.state = state
            let result = operation(&env)
            return (result, env.random.state != state)
        }
        let low = run(drawing: 0)
        if !low.drew { return StochasticOutcome(threshold: 0, down: low.result, up: low.result, draws: false) }
        let last: UInt64 = (1 << 53) - 1
        let high = run(drawing: last).result
        if high == low.result { return StochasticOutcome(threshold: 0, down: high, up: high, draws: true) }
        // run(lo) gives `up`, run(hi) gives `down`: find the first `down`.
        var lo: UInt64 = 0, hi = last
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if run(drawing: mid).result == high { hi = mid } else { lo = mid }
        }
        return StochasticOutcome(threshold: hi, down: high, up: low.result, draws: true)
    }
}

extension SplitMix64 {
    /// The state whose `next()` returns `output` (the generator's mixing is a bijection).
    ///
    ///     var g = SplitMix64(seed: 0)
    ///     g.state = SplitMix64.state(nextOutput: 42)
    ///     g.next()   // 42
    static func state(nextOutput output: UInt64) -> UInt64 {
        var z = output
        z = z ^ (z >> 31) ^ (z >> 62)
        z &*= inverse(0x94D0_49BB_1331_11EB)
        z = z ^ (z >> 27) ^ (z >> 54)
        z &*= inverse(0xBF58_476D_1CE4_E5B9)
        z = z ^ (z >> 30) ^ (z >> 60)
        return z &- 0x9E37_79B9_7F4A_7C15
    }

    /// The inverse of an odd number modulo 2^64 (Newton's iteration).
    private static func inverse(_ c: UInt64) -> UInt64 {
        var x = c
        for _ in 0..<6 { x &*= 2 &- c &* x }
        return x
    }
}
