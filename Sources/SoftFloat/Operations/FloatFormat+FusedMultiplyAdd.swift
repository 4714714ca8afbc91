extension FloatFormat {
    /// `a × b + c` with a single rounding.
    ///
    /// Edge cases: `0 × ∞ + c` is invalid even when `c` is a quiet NaN (as x86 SSE
    /// reports it); `∞ × x + (−∞)` is invalid.
    @inlinable
    public func fusedMultiplyAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64,
                                 _ env: inout FloatEnvironment) -> UInt64 {
        if areNormal(a, b) && isNormal(c) {
            return fusedMultiplyAddFinite(unpackNormal(a), unpackNormal(b), unpackNormal(c), &env)
        }
        return fusedMultiplyAddSpecial(a, b, c, &env)
    }

    /// `a × b + c` when an operand is zero, subnormal, infinite or NaN.
    @usableFromInline
    func fusedMultiplyAddSpecial(_ a: UInt64, _ b: UInt64, _ c: UInt64,
                                 _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) {
            let ab = propagateNaN(a, b, &env)
            return propagateNaN(ab, c, &env)
        }
        let a = operand(a, env), b = operand(b, env)
        let productNegative = (a ^ b) & signMask != 0
        if isInfinite(a) || isInfinite(b) {
            if isZero(a) || isZero(b) {
                env.flags.insert(.invalid)
                return propagateNaN(defaultNaN, c, &env)
            }
            if isNaN(c) { return propagateNaN(c, c, &env) }
            if isInfinite(c) && isNegative(c) != productNegative { return invalidResult(&env) }
            return infinity(negative: productNegative)
        }
        if isNaN(c) { return propagateNaN(c, c, &env) }
        let c = operand(c, env)
        if isInfinite(c) { return c }
        if isZero(a) || isZero(b) {
            if isZero(c) && isNegative(c) != productNegative {
                return zero(negative: env.rounding == .down)
            }
            return c
        }
        let x = unpack(a), y = unpack(b)
        if isZero(c) {
            let product = UInt128(x.significand) &* UInt128(y.significand)  // [2^124, 2^126)
            return roundPackWide(negative: productNegative, exponent: x.exponent &+ y.exponent &+ 1,
                                 significand: product, &env)
        }
        return fusedMultiplyAddFinite(x, y, unpack(c), &env)
    }

    /// `x × y + z` for finite nonzero values.
    @inlinable @inline(__always)
    func fusedMultiplyAddFinite(_ x: Unpacked, _ y: Unpacked, _ z: Unpacked,
                                _ env: inout FloatEnvironment) -> UInt64 {
        let productNegative = x.negative != y.negative
        var product = UInt128(x.significand) &* UInt128(y.significand)  // [2^124, 2^126)
        // Normalise to [2^125, 2^126): the value is product × 2^(productExponent − 125).
        let carry = Int(truncatingIfNeeded: product &>> 125)
        product &<<= UInt128(1 &- carry)
        let productExponent = x.exponent &+ y.exponent &+ carry
        var addend = UInt128(z.significand) &<< 63  // [2^125, 2^126), exponent z.exponent
        var exponent = productExponent
        if productExponent >= z.exponent {
            addend = shiftRightJam(addend, productExponent &- z.exponent)
        } else {
            product = shiftRightJam(product, z.exponent &- productExponent)
            exponent = z.exponent
        }
        if productNegative == z.negative {
            return roundPackWide(negative: z.negative, exponent: exponent,
                                 significand: product &+ addend, &env)
        }
        if product == addend { return zero(negative: env.rounding == .down) }
        let productLarger = product > addend
        return roundPackWide(negative: productLarger ? productNegative : z.negative,
                             exponent: exponent,
                             significand: productLarger ? product &- addend : addend &- product, &env)
    }

    /// Rounds `significand × 2^(exponent − 125)`, a nonzero 128-bit significand.
    @inlinable @inline(__always)
    func roundPackWide(negative: Bool, exponent: Int, significand: UInt128,
                       _ env: inout FloatEnvironment) -> UInt64 {
        let top = 127 &- significand.leadingZeroBitCount
        let wide = top >= 63 ? shiftRightJam(significand, top &- 62) : significand &<< UInt128(62 &- top)
        return roundPack(negative: negative, exponent: exponent &+ (top &- 125),
                         significand: UInt64(truncatingIfNeeded: wide), &env)
    }
}
