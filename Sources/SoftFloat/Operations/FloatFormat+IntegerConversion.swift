extension FloatFormat {
    /// An integer converted to this format, correctly rounded.
    @inlinable
    public func fromInteger<I: BinaryInteger>(_ value: I, _ env: inout FloatEnvironment) -> UInt64 {
        if value == 0 { return 0 }
        let negative = value < 0
        let magnitude = UInt64(value.magnitude)
        return normalizeRoundPack(negative: negative, exponent: 62, significand: magnitude, &env)
    }

    /// `x` rounded to an integer of the given width and signedness, by the environment's
    /// mode, as a bit pattern (two's complement for signed results).
    ///
    /// Edge cases: NaN, infinities and values out of range raise invalid and give the
    /// x86 SSE "integer indefinite" (the most negative value for signed results, all
    /// ones for unsigned ones); inexact is raised only when `exact` is true.
    @inlinable
    public func toInteger(_ x: UInt64, bitWidth: Int, signed: Bool, exact: Bool = false,
                          _ env: inout FloatEnvironment) -> UInt64 {
        let indefinite: UInt64 = signed ? 1 << UInt64(bitWidth - 1) : (bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1)
        if !isFinite(x) {
            env.flags.insert(.invalid)
            return indefinite
        }
        let x = operand(x, env)
        if isZero(x) { return 0 }
        var probe = env
        guard let (magnitude, inexact) = Self.roundToInteger(unpack(x), &probe) else {
            env.flags.insert(.invalid)
            return indefinite
        }
        let negative = isNegative(x)
        let limit: UInt64 = signed
            ? (negative ? 1 << UInt64(bitWidth - 1) : (1 << UInt64(bitWidth - 1)) - 1)
            : (negative ? 0 : (bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1))
        if magnitude > limit {
            env.flags.insert(.invalid)
            return indefinite
        }
        env.random = probe.random
        if inexact && exact { env.flags.insert(.inexact) }
        let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
        return (negative ? 0 &- magnitude : magnitude) & mask
    }
}
