extension FloatFormat {
    /// `a × b`, correctly rounded.
    ///
    /// Edge cases: `0 × ∞` is invalid; the sign of a zero or infinite product is the
    /// exclusive or of the operands' signs.
    @inlinable
    public func multiply(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if areNormal(a, b) { return multiplyFinite(unpackNormal(a), unpackNormal(b), &env) }
        return multiplySpecial(a, b, &env)
    }

    /// The product when an operand is zero, subnormal, infinite or NaN.
    @usableFromInline
    func multiplySpecial(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env), b = operand(b, env)
        let signBits = (a ^ b) & signMask
        if isInfinite(a) || isInfinite(b) {
            if isZero(a) || isZero(b) { return invalidResult(&env) }
            return signBits | infinity
        }
        if isZero(a) || isZero(b) { return zero(negative: signBits != 0) }
        return multiplyFinite(unpack(a), unpack(b), &env)
    }

    /// The product of two finite nonzero values.
    @inlinable @inline(__always)
    func multiplyFinite(_ x: Unpacked, _ y: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        let product = x.significand.multipliedFullWidth(by: y.significand)
        // product ∈ [2^124, 2^126): keep bits 127...64 shifted up by 2, jam the rest.
        let sticky: UInt64 = product.low & ((1 &<< 62) &- 1) != 0 ? 1 : 0
        let wide = (product.high &<< 2) | (product.low &>> 62) | sticky  // [2^62, 2^64)
        let carry = wide &>> 63
        return roundPack(negative: x.negative != y.negative,
                         exponent: x.exponent &+ y.exponent &+ Int(truncatingIfNeeded: carry),
                         significand: (wide &>> carry) | (wide & carry), &env)
    }
}
