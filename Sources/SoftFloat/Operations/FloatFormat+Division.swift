extension FloatFormat {
    /// `a ÷ b`, correctly rounded.
    ///
    /// Edge cases: `x ÷ 0` for finite nonzero `x` raises divide-by-zero and gives a
    /// signed infinity; `0 ÷ 0` and `∞ ÷ ∞` are invalid.
    @inlinable
    public func divide(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if areNormal(a, b) { return divideFinite(unpackNormal(a), unpackNormal(b), &env) }
        return divideSpecial(a, b, &env)
    }

    /// The quotient when an operand is zero, subnormal, infinite or NaN.
    @usableFromInline
    func divideSpecial(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env), b = operand(b, env)
        let signBits = (a ^ b) & signMask
        if isInfinite(a) {
            if isInfinite(b) { return invalidResult(&env) }
            return signBits | infinity
        }
        if isInfinite(b) { return zero(negative: signBits != 0) }
        if isZero(b) {
            if isZero(a) { return invalidResult(&env) }
            env.flags.insert(.divideByZero)
            return signBits | infinity
        }
        if isZero(a) { return zero(negative: signBits != 0) }
        return divideFinite(unpack(a), unpack(b), &env)
    }

    /// The quotient of two finite nonzero values.
    @inlinable @inline(__always)
    func divideFinite(_ x: Unpacked, _ y: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        let f = UInt64(fractionBitCount)
        var quotient: UInt64  // the quotient × 2^63, in (2^62, 2^64)
        let exact: Bool
        if f <= 30 && env.rounding != .stochastic {
            // With p-bit integer significands X and Y, (X × 2^(63−f)) ÷ Y has at least
            // p + 2 bits and its dividend, 2 × x.significand, fits in one word. (Stochastic
            // rounding needs every bit of the distance to the neighbours: the wide path.)
            let (q, r) = (x.significand &<< 1).quotientAndRemainder(dividingBy: y.significand &>> (62 &- f))
            quotient = q &<< f
            exact = r == 0
        } else {
            // (x.sig × 2^63) ÷ y.sig; the high word x.sig >> 1 is below y.sig.
            let (q, r) = y.significand.dividingFullWidth((high: x.significand &>> 1, low: x.significand &<< 63))
            quotient = q
            exact = r == 0
        }
        quotient |= exact ? 0 : 1
        let carry = quotient &>> 63
        return roundPack(negative: x.negative != y.negative,
                         exponent: x.exponent &- y.exponent &- 1 &+ Int(truncatingIfNeeded: carry),
                         significand: (quotient &>> carry) | (quotient & carry), &env)
    }
}
