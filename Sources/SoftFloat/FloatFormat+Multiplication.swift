extension FloatFormat {
    /// `a × b`, correctly rounded.
    ///
    /// Edge cases: `0 × ∞` is invalid; the sign of a zero or infinite product is the
    /// exclusive or of the operands' signs.
    @inlinable
    public func multiply(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env), b = operand(b, env)
        let signBits = (a ^ b) & signMask
        if isInfinite(a) || isInfinite(b) {
            if isZero(a) || isZero(b) { return invalidResult(&env) }
            return signBits | infinity
        }
        if isZero(a) || isZero(b) { return signBits }
        let x = unpack(a), y = unpack(b)
        let product = x.significand.multipliedFullWidth(by: y.significand)
        // product ∈ [2^124, 2^126): keep bits 125...62, jam the rest.
        let sig = product.high << 2 | product.low >> 62
        let sticky: UInt64 = product.low & ((1 << 62) - 1) != 0 ? 1 : 0
        return normalizeRoundPack(negative: signBits != 0, exponent: x.exponent + y.exponent,
                                  significand: sig | sticky, &env)
    }
}
