extension FloatFormat {
    /// Converts `x` from format `source` to this format, correctly rounded.
    ///
    ///     FloatFormat.bf16.convert(0x3F80_0001, from: .fp32, &env)  // 0x3F80, inexact
    ///
    /// Edge cases: a NaN keeps its sign and the top of its payload and is quieted
    /// (invalid if it was signaling); infinity converts to infinity, or to NaN (or the
    /// largest finite value when saturating) in a format without infinities.
    @inlinable
    public func convert(_ x: UInt64, from source: FloatFormat, _ env: inout FloatEnvironment) -> UInt64 {
        convert(x, from: source, scaledBy: 0, &env)
    }

    /// Converts `x × 2^power` from format `source` to this format, rounded once: how a
    /// block's power-of-two scale is divided out without an intermediate rounding.
    ///
    ///     FloatFormat.fp8E4M3.convert(0x43C0_0000, from: .fp32, scaledBy: -2, &env)  // 384 / 4 = 96
    ///
    /// Edge cases: zeros, infinities and NaNs convert as `convert(_:from:_:)` converts
    /// them; the scaled value may lie far outside both formats' ranges, and overflows
    /// or underflows in this format as any result does.
    @inlinable
    public func convert(_ x: UInt64, from source: FloatFormat, scaledBy power: Int,
                        _ env: inout FloatEnvironment) -> UInt64 {
        let negative = source.isNegative(x)
        if source.isNaN(x) {
            if source.isSignalingNaN(x) { env.flags.insert(.invalid) }
            let payload = (x & source.fractionMask) << UInt64(64 - source.fractionBitCount)
            if !encoding.hasNaN { env.flags.insert(.invalid) }
            return nan(negative: negative, signaling: false, payload: payload >> UInt64(64 - fractionBitCount))
        }
        if source.isInfinite(x) {
            if !hasInfinity && env.saturates { return maxFinite(negative: negative) }
            return infinity(negative: negative)
        }
        let x = source.operand(x, env)
        if source.isZero(x) { return zero(negative: negative) }
        let u = source.unpack(x)
        return roundPack(negative: u.negative, exponent: u.exponent &+ power, significand: u.significand, &env)
    }

    /// The value of `x` as a `Double`: exact, since every format here fits in binary64.
    @inlinable
    public func toDouble(_ x: UInt64) -> Double {
        var env = FloatEnvironment()
        return Double(bitPattern: FloatFormat.fp64.convert(x, from: self, &env))
    }

    /// `x` rounded to this format (round to nearest, ties to even, unless `env` says otherwise).
    @inlinable
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt64 {
        convert(x.bitPattern, from: .fp64, &env)
    }

    /// `x` rounded to nearest-even in this format, flags discarded.
    @inlinable
    public func fromDouble(_ x: Double) -> UInt64 {
        var env = FloatEnvironment()
        return fromDouble(x, &env)
    }
}
