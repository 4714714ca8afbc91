extension FloatFormat {
    /// `a + b`, correctly rounded.
    ///
    ///     FloatFormat.fp16.add(FloatFormat.fp16.one, FloatFormat.fp16.one, &env)  // 2.0
    ///
    /// Edge cases: `∞ + (−∞)` is invalid; an exact zero sum of opposite signs is `+0`,
    /// or `−0` when rounding down.
    @inlinable
    public func add(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        addOrSubtract(a, b, negateB: false, &env)
    }

    /// `a − b`, correctly rounded.
    @inlinable
    public func subtract(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        addOrSubtract(a, b, negateB: true, &env)
    }

    @inlinable
    func addOrSubtract(_ a: UInt64, _ b: UInt64, negateB: Bool,
                       _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env)
        let b = operand(b, env) ^ (negateB ? signMask : 0)
        if isInfinite(a) {
            if isInfinite(b) && isNegative(a) != isNegative(b) { return invalidResult(&env) }
            return a
        }
        if isInfinite(b) { return b }
        if isZero(a) {
            if isZero(b) && isNegative(a) != isNegative(b) {
                return env.rounding == .down ? signMask : 0
            }
            return isZero(b) ? a : b
        }
        if isZero(b) { return a }
        return addFinite(unpack(a), unpack(b), &env)
    }

    /// The sum of two finite nonzero values.
    @inlinable
    func addFinite(_ x: Unpacked, _ y: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        var big = x, small = y
        if small.exponent > big.exponent
            || (small.exponent == big.exponent && small.significand > big.significand) {
            swap(&big, &small)
        }
        let aligned = shiftRightJam(small.significand, big.exponent - small.exponent)
        if big.negative == small.negative {
            let sum = big.significand + aligned
            return normalizeRoundPack(negative: big.negative, exponent: big.exponent,
                                      significand: sum, &env)
        }
        let difference = big.significand - aligned
        if difference == 0 { return env.rounding == .down ? signMask : 0 }
        return normalizeRoundPack(negative: big.negative, exponent: big.exponent,
                                  significand: difference, &env)
    }
}
