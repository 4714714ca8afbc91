extension FloatFormat {
    /// `a ÷ b`, correctly rounded.
    ///
    /// Edge cases: `x ÷ 0` for finite nonzero `x` raises divide-by-zero and gives a
    /// signed infinity; `0 ÷ 0` and `∞ ÷ ∞` are invalid.
    @inlinable
    public func divide(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env), b = operand(b, env)
        let signBits = (a ^ b) & signMask
        if isInfinite(a) {
            if isInfinite(b) { return invalidResult(&env) }
            return signBits | infinity
        }
        if isInfinite(b) { return signBits }
        if isZero(b) {
            if isZero(a) { return invalidResult(&env) }
            env.flags.insert(.divideByZero)
            return signBits | infinity
        }
        if isZero(a) { return signBits }
        let x = unpack(a), y = unpack(b)
        // (x.sig × 2^63) ÷ y.sig ∈ (2^62, 2^64); the high word x.sig >> 1 is below y.sig.
        let (q, r) = y.significand.dividingFullWidth((high: x.significand >> 1, low: x.significand << 63))
        return normalizeRoundPack(negative: signBits != 0, exponent: x.exponent - y.exponent - 1,
                                  significand: q | (r != 0 ? 1 : 0), &env)
    }
}
