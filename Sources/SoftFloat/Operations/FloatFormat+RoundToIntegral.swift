extension FloatFormat {
    /// `a` rounded to an integral value in the same format, by the environment's mode.
    ///
    /// Edge cases: the sign of a zero result is the sign of `a`; inexact is raised only
    /// when `exact` is true (IEEE's `roundToIntegralExact`).
    @inlinable
    public func roundToIntegral(_ a: UInt64, exact: Bool = false,
                                _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) { return propagateNaN(a, a, &env) }
        let a = operand(a, env)
        if isInfinite(a) || isZero(a) { return a }
        let x = unpack(a)
        if x.exponent >= fractionBitCount { return a }
        guard let (magnitude, inexact) = Self.roundToInteger(x, &env) else { return a }
        if inexact && exact { env.flags.insert(.inexact) }
        if magnitude == 0 { return zero(negative: isNegative(a)) }
        var quiet = env
        let result = normalizeRoundPack(negative: x.negative, exponent: 62, significand: magnitude, &quiet)
        env.random = quiet.random
        return result
    }

    /// The magnitude of `x` rounded to an integer, if below 2^64, and whether it was inexact.
    @inlinable
    static func roundToInteger(_ x: Unpacked, _ env: inout FloatEnvironment) -> (UInt64, Bool)? {
        if x.exponent >= 64 { return nil }
        if x.exponent >= 62 { return (x.significand << UInt64(x.exponent - 62), false) }
        if x.exponent < -1 {
            // 0 < |x| < 1/2: rounds to 0 or 1 only by a directed, odd or stochastic mode.
            let up: Bool
            switch env.rounding {
            case .nearestEven, .nearestAway, .towardZero: up = false
            case .odd: up = true
            case .up: up = !x.negative
            case .down: up = x.negative
            case .stochastic:
                let shift = 62 - x.exponent - 64  // the value is significand / 2^(64 + shift)
                let fraction = shift < 64 ? x.significand >> UInt64(shift) : 0
                let lost = shift < 64 ? x.significand & ((1 << UInt64(shift)) - 1) : x.significand
                up = StochasticBits.roundsAway(fraction: fraction, sticky: lost != 0, draw: env.random.draw)
            }
            return (up ? 1 : 0, true)
        }
        let width = 62 - x.exponent  // 1...63 bits below the units digit
        let roundBits = x.significand & ((1 << UInt64(width)) - 1)
        var integer = x.significand >> UInt64(width)
        if roundBits == 0 { return (integer, false) }
        if roundsUp(roundBits, width: width, odd: integer & 1 != 0, negative: x.negative, &env) {
            integer += 1
        }
        return (integer, true)
    }
}
