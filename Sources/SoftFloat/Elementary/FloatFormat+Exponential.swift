extension FloatFormat {
    /// e^x, correctly rounded in every rounding mode.
    ///
    ///     FloatFormat.fp32.exp(0x42B1_7217, &env)  // e^88.72283 = 0x7F7F_FF84, 3.4027985e+38
    ///     FloatFormat.bf16.exp(0x42B2, &env)       // e^89 = +inf (0x7F80), overflow and inexact
    ///
    /// Correct rounding is established, not hoped for: the result is evaluated as an
    /// interval with a proven bound, and rounded only when every value in the interval
    /// rounds to the same result, flags and random draw (Ziv's strategy); otherwise the
    /// evaluation is repeated with twice the precision. Since e^x is transcendental for
    /// every binary x ≠ 0, this terminates. Arguments with at most 24 significant bits
    /// are tried first in `Double` with a proven error bound of 2^-46, then in multi-word
    /// fixed point from 128 bits up. Stochastic rounding sees the exact position between
    /// neighbours to the 62 bits that `roundPack` uses.
    ///
    /// Edge cases: e^±0 = 1 exactly; e^+∞ = +∞, e^−∞ = +0, both exact; a NaN propagates
    /// (invalid if signaling). Overflow and underflow are raised by `roundPack`, which also
    /// applies saturation and flushing. A subnormal argument reads as zero when the
    /// environment has subnormals off.
    ///
    /// - Parameters:
    ///   - x: a value of this format.
    ///   - env: rounding mode, options and flags.
    public func exp(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(x) { return propagateNaN(x, x, &env) }
        let x = operand(x, env)
        if isInfinite(x) { return isNegative(x) ? 0 : infinity }
        if isZero(x) { return one }
        let u = unpack(x)
        if u.exponent < -64 {
            // |x| < 2^-64: e^x lies in (1, 1 + 2^-63) or (1 − 2^-64, 1), which fixes its
            // 63-bit truncation and sticky bit.
            return u.negative
                ? roundPack(negative: false, exponent: -1, significand: (1 << 63) - 1, &env)
                : roundPack(negative: false, exponent: 0, significand: 1 << 62 | 1, &env)
        }
        let deep = minExponent - fractionBitCount - 66
        if u.exponent > 1023 {
            // Beyond Double (a finite format with 11 exponent bits reaches 2^1024): e^x is
            // far above the largest finite value, e^−x far below the least subnormal.
            return u.negative ? roundPack(negative: false, exponent: deep, significand: 1 << 62 | 1, &env)
                : roundPack(negative: false, exponent: maxExponent + 2, significand: 1 << 62 | 1, &env)
        }
        // Exact: at most 53 significant bits, exponent within [−64, 1023].
        let value = Double(bitPattern: (u.negative ? 1 << 63 : 0) | UInt64(u.exponent + 1023) << 52
                           | (u.significand >> 10) & (1 << 52 - 1))
        // Far outside the range every value of a binade rounds alike (0.6932 > ln 2).
        if value > Double(maxExponent + 2) * 0.6932 {
            return roundPack(negative: false, exponent: maxExponent + 2, significand: 1 << 62 | 1, &env)
        }
        if value < Double(deep) * 0.6932 {
            return roundPack(negative: false, exponent: deep, significand: 1 << 62 | 1, &env)
        }
        if precision <= 24, let (scale, y) = FastElementary.exp(value) {
            let b = FastElementary.bounds(of: y, scale: scale)
            if let r = roundPackNarrow(negative: false, between: b.low, and: b.high, &env) { return r }
        }
        return expWide(u, &env)
    }

    /// ln x, correctly rounded in every rounding mode.
    ///
    ///     FloatFormat.fp16.log(0x4170, &env)  // ln 2.71875 → 0x3C00 (1.0), inexact
    ///
    /// Established like `exp`: an interval with a proven bound, rounded when all of it
    /// rounds alike, otherwise evaluated again with more bits (ln x is transcendental for
    /// every binary x ≠ 1).
    ///
    /// Edge cases: ln 1 = +0 exactly (in every mode); ln ±0 = −∞ with divide-by-zero (the
    /// negative NaN in a format without infinities); ln x < 0 is invalid; ln +∞ = +∞; a
    /// NaN propagates. A subnormal argument reads as zero when subnormals are off. No
    /// other power of two has an exact logarithm.
    ///
    /// - Parameters:
    ///   - x: a value of this format.
    ///   - env: rounding mode, options and flags.
    public func log(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(x) { return propagateNaN(x, x, &env) }
        let x = operand(x, env)
        if isZero(x) {
            env.flags.insert(.divideByZero)
            return infinity(negative: true)
        }
        if isNegative(x) { return invalidResult(&env) }
        if isInfinite(x) { return x }
        if x == one { return 0 }
        let u = unpack(x)
        if precision <= 24 {
            // m ∈ [0.75, 1.5): the significand, halved when it is 1.5 or more.
            let high = u.significand >= 3 << 61
            let m = Double(u.significand) * (high ? 0x1p-63 : 0x1p-62)
            if let y = FastElementary.log(mantissa: m, exponent: u.exponent + (high ? 1 : 0)) {
                let b = FastElementary.bounds(of: y, scale: 0)
                if let r = roundPackNarrow(negative: y < 0, between: b.low, and: b.high, &env) { return r }
            }
        }
        return logWide(u, &env)
    }

    /// The multi-word evaluation of e^x for 2^-64 ≤ |x| < 2^11, doubling the precision
    /// until the rounding is decided.
    @usableFromInline @inline(never)
    func expWide(_ u: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        var words = 2
        while true {
            let z = WideFixedPoint(significand: u.significand, exponent: u.exponent - 62,
                                   negative: u.negative, fractionWords: words)
            let (k, m) = ElementaryKernel.exp(z)
            if let b = m.magnitudeBounds() {
                let low = (b.low.exponent + k, b.low.significand)
                let high = (b.high.exponent + k, b.high.significand)
                if let r = roundPack(negative: false, between: low, and: high, &env) { return r }
                if words >= Self.widestEvaluation {
                    return roundPack(negative: false, exponent: low.0, significand: low.1 | 1, &env)
                }
            }
            words *= 2
        }
    }

    /// The multi-word evaluation of ln x for positive finite x ≠ 1.
    @usableFromInline @inline(never)
    func logWide(_ u: Unpacked, _ env: inout FloatEnvironment) -> UInt64 {
        // Near 1 the result is about x − 1: start with enough bits for its leading zeros.
        let distance = u.exponent == 0 ? u.significand - (1 << 62)
            : u.exponent == -1 ? (1 << 63) - u.significand : 1 << 62
        var words = 2 + (distance.leadingZeroBitCount + 63) / 64
        while true {
            let y = ElementaryKernel.log(significand: u.significand, exponent: u.exponent,
                                         fractionWords: words)
            if let b = y.magnitudeBounds() {
                if let r = roundPack(negative: y.negative, between: b.low, and: b.high, &env) { return r }
                if words >= Self.widestEvaluation {
                    return roundPack(negative: y.negative, exponent: b.low.exponent,
                                     significand: b.low.significand | 1, &env)
                }
            }
            words *= 2
        }
    }

    /// A bound that is never reached (it would take a binary argument whose exp or log
    /// agrees with a 62-bit rounding boundary to 4,000 bits); past it the lower bound of
    /// the last interval is rounded rather than looping on.
    @usableFromInline static var widestEvaluation: Int { 64 }
}
