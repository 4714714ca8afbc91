extension FloatFormat {
    /// The IEEE 754 remainder `a − n·b`, where `n` is `a ÷ b` rounded to the nearest
    /// integer, ties to even. The result is always exact.
    ///
    /// Edge cases: `remainder(∞, b)` and `remainder(a, 0)` are invalid;
    /// `remainder(a, ∞)` is `a`; a zero result has the sign of `a`.
    @inlinable
    public func remainder(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) || isNaN(b) { return propagateNaN(a, b, &env) }
        let a = operand(a, env), b = operand(b, env)
        if isInfinite(a) || isZero(b) { return invalidResult(&env) }
        if isInfinite(b) || isZero(a) { return a }
        let x = unpack(a), y = unpack(b)
        if x.exponent < y.exponent - 1 { return a }  // |a| < |b| / 2: n = 0
        // Both as integers times 2^k, k the lower of their last-one-bit exponents:
        // a = A0 × 2^d × 2^k and b = B × 2^k, with B < 2^64 because a ≥ b / 4.
        let xZeros = x.significand.trailingZeroBitCount
        let yZeros = y.significand.trailingZeroBitCount
        let xUnit = x.exponent - 62 + xZeros, yUnit = y.exponent - 62 + yZeros
        let k = min(xUnit, yUnit)
        let a0 = x.significand >> UInt64(xZeros)
        let divisor = (y.significand >> UInt64(yZeros)) << UInt64(yUnit - k)
        var distance = xUnit - k
        var r = a0 % divisor
        var quotientOdd = (a0 / divisor) & 1 != 0
        while distance > 0 {  // long division, up to 64 quotient bits a step
            let step = min(distance, 64)
            let (q, rest) = divisor.dividingFullWidth((high: r >> UInt64(64 - step),
                                                       low: step == 64 ? 0 : r << UInt64(step)))
            r = rest
            quotientOdd = q & 1 != 0
            distance -= step
        }
        var negative = x.negative
        let complement = divisor - r
        if r > complement || (r == complement && quotientOdd) {
            r = complement
            negative.toggle()
        }
        if r == 0 { return zero(negative: x.negative) }
        return normalizeRoundPack(negative: negative, exponent: k + 62, significand: r, &env)
    }
}
