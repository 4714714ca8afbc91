extension FloatFormat {
    /// `a + b`, correctly rounded.
    ///
    ///     FloatFormat.fp16.add(FloatFormat.fp16.one, FloatFormat.fp16.one, &env)  // 2.0
    ///
    /// Edge cases: `∞ + (−∞)` is invalid; an exact zero sum of opposite signs is `+0`,
    /// or `−0` when rounding down.
    @inlinable
    public func add(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if areNormal(a, b) { return addFinite(unpackNormal(a), unpackNormal(b), &env) }
        return addOrSubtract(a, b, negateB: false, &env)
    }

    /// `a − b`, correctly rounded.
    @inlinable
    public func subtract(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if areNormal(a, b) { return addFinite(unpackNormal(a), unpackNormal(b ^ signMask), &env) }
        return addOrSubtract(a, b, negateB: true, &env)
    }

    /// The sum or difference when an operand is zero, subnormal, infinite or NaN.
    @usableFromInline
    func addOrSubtract(_ a: UInt64, _ b: UInt64, negateB: Bool,
                       _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env)
        let b = negateB ? negate(operand(b, env)) : operand(b, env)
        if isInfinite(a) {
            if isInfinite(b) && isNegative(a) != isNegative(b) { return invalidResult(&env) }
            return a
        }
        if isInfinite(b) { return b }
        if isZero(a) {
            if isZero(b) && isNegative(a) != isNegative(b) {
                return zero(negative: env.rounding == .down)
            }
            return isZero(b) ? a : b
        }
        if isZero(b) { return a }
        return addFinite(unpack(a), unpack(b), &env)
    }

    /// The sum of two finite nonzero values.
    @inlinable @inline(__always)
    func addFinite(_ x: Unpacked, _ y: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        // Order by exponent only; equal exponents of opposite signs may leave a
        // negative difference, which is negated below.
        let xFirst = x.exponent >= y.exponent
        let big = xFirst ? x : y, small = xFirst ? y : x
        let aligned = shiftRightJam(small.significand, big.exponent &- small.exponent)
        if big.negative == small.negative {
            // Both below 2^63: the sum is below 2^64, its leading one at bit 62 or 63.
            let sum = big.significand &+ aligned
            let carry = sum &>> 63
            return roundPack(negative: big.negative, exponent: big.exponent &+ Int(truncatingIfNeeded: carry),
                             significand: (sum &>> carry) | (sum & carry), &env)
        }
        var difference = big.significand &- aligned
        var negative = big.negative
        if difference == 0 { return zero(negative: env.rounding == .down) }
        if difference &>> 63 != 0 {  // only when the exponents are equal
            difference = 0 &- difference
            negative.toggle()
        }
        let shift = difference.leadingZeroBitCount &- 1
        return roundPack(negative: negative, exponent: big.exponent &- shift,
                         significand: difference &<< UInt64(shift), &env)
    }
}
