extension FloatFormat {
    /// Rounds a result known only to lie strictly between two magnitudes, when every value
    /// between them rounds alike; nil (and `env` untouched) when they do not.
    ///
    ///     // e^x ∈ (low, high): the correctly rounded result, or nil to try more bits
    ///     if let r = format.roundPack(negative: false, between: low, and: high, &env) { ... }
    ///
    /// This is the rounding test of Ziv's strategy, for every rounding mode at once.
    /// For a fixed environment (and so a fixed random draw), `roundPack`'s result and
    /// flags are monotone in the magnitude of the exact value: if the value just above
    /// `low` and the value just below `high` give the same result, the same flags and
    /// consume the same draws, so does every value between them. Values strictly between
    /// two 62-bit significands are passed as the truncation with the sticky bit set.
    ///
    /// Edge cases: the exact result must not be a dyadic rational (exp and log of binary
    /// values other than their exact cases never are), so it is never equal to a bound.
    ///
    /// - Parameters:
    ///   - low, high: magnitudes `significand × 2^(exponent − 62)` with the leading one at
    ///     bit 62, `low < |result| < high`.
    @inlinable
    func roundPack(negative: Bool, between low: (exponent: Int, significand: UInt64),
                   and high: (exponent: Int, significand: UInt64),
                   _ env: inout FloatEnvironment) -> UInt64? {
        // The canonical (truncated, sticky) form of a value just below `high`.
        var highExponent = high.exponent
        var highSignificand = (high.significand - 1) | 1
        if high.significand == 1 << 62 {
            highExponent -= 1
            highSignificand = (1 << 63) - 1
        }
        var lowEnv = env, highEnv = env
        let a = roundPack(negative: negative, exponent: low.exponent,
                          significand: low.significand | 1, &lowEnv)
        let b = roundPack(negative: negative, exponent: highExponent,
                          significand: highSignificand, &highEnv)
        guard a == b, lowEnv.flags == highEnv.flags, lowEnv.random == highEnv.random else { return nil }
        env = lowEnv
        return a
    }

    /// `roundPack(negative:between:and:)` with a shortcut: in a deterministic mode, when
    /// both bounds share their exponent and their leading p + 1 bits (the kept digits and
    /// the rounding bit), every value between them rounds alike, with the sticky bit set.
    @inlinable @inline(__always)
    func roundPackNarrow(negative: Bool, between low: (exponent: Int, significand: UInt64),
                         and high: (exponent: Int, significand: UInt64),
                         _ env: inout FloatEnvironment) -> UInt64? {
        let shift = UInt64(61 - fractionBitCount)
        if env.rounding != .stochastic && low.exponent == high.exponent
            && low.significand >> shift == high.significand >> shift {
            return roundPack(negative: negative, exponent: low.exponent, significand: low.significand | 1, &env)
        }
        return roundPack(negative: negative, between: low, and: high, &env)
    }
}
