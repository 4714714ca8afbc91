import SoftFloat

/// What one operation of an 8-bit format does for one pair of operands under stochastic
/// rounding: either a fixed result, or `up` when the rounding's 13 random bits
/// (`env.random.draw`) are below `threshold` and `down` otherwise.
///
///     let outcome = StochasticOutcome.probe { env in format.add(a, b, &env) }
///     outcome.result(env)     // format.add(a, b, &env), bit for bit, same bits
///
/// `probe` learns the outcome from the operation itself, by running it with chosen random
/// bits: the formats round stochastically by comparing `draw / 2^13` with the fraction to
/// cover, so the result is `up` below a threshold of `draw` and `down` from it on; a
/// binary search over the 2^13 values of `draw` finds that threshold exactly.
@usableFromInline
struct StochasticOutcome: Sendable {
    /// `draw` below this picks `up`.
    @usableFromInline var threshold: UInt64
    @usableFromInline var down: UInt8
    @usableFromInline var up: UInt8

    /// The result with the bits of the environment's current rounding.
    @inlinable
    func result(_ env: FloatEnvironment) -> UInt8 {
        result(draw: env.random.draw)
    }

    /// The result for the random bits `draw`.
    @inlinable
    func result(draw: UInt64) -> UInt8 {
        draw < threshold ? up : down
    }

    /// The outcome of `operation`, run at most 15 times with chosen bits.
    static func probe(_ operation: (inout FloatEnvironment) -> UInt8) -> StochasticOutcome {
        func run(drawing draw: UInt64) -> UInt8 {
            var env = FloatEnvironment(rounding: .stochastic)
            env.random = StochasticBits(key: SplitMix64.state(nextOutput: draw << 51))
            return operation(&env)
        }
        let low = run(drawing: 0)
        let last: UInt64 = (1 << StochasticBits.width) - 1
        let high = run(drawing: last)
        if high == low { return StochasticOutcome(threshold: 0, down: high, up: high) }
        // run(lo) gives `up`, run(hi) gives `down`: find the first `down`.
        var lo: UInt64 = 0, hi = last
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if run(drawing: mid) == high { hi = mid } else { lo = mid }
        }
        return StochasticOutcome(threshold: hi, down: high, up: low)
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
        return z &- gamma
    }

    /// The inverse of an odd number modulo 2^64 (Newton's iteration).
    private static func inverse(_ c: UInt64) -> UInt64 {
        var x = c
        for _ in 0..<6 { x &*= 2 &- c &* x }
        return x
    }
}
