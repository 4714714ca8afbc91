import Synchronization

/// The arbitrary-precision evaluations behind `exp` and `log`: each returns a ball that
/// contains the exact result, at the precision the caller asks for.
///
///     let (k, m) = ElementaryKernel.exp(WideFixedPoint(1, fractionWords: 2))
///     // e = 2^k × m, with m known to about 120 bits
///
/// The series and their truncation bounds are the only analysis done by hand; every
/// rounding error is carried by `WideFixedPoint`'s error bound.
///
/// Edge cases: arguments are those of finite binary values (|z| below 2^64); `log`
/// takes a positive value.
@usableFromInline
enum ElementaryKernel {
    /// ln 2 as a ball with `fractionWords` fraction words, computed once per precision.
    @usableFromInline
    static func ln2(fractionWords: Int) -> WideFixedPoint {
        if let cached = ln2Cache.withLock({ $0[fractionWords] }) { return cached }
        let value = computeLn2(fractionWords: fractionWords)
        ln2Cache.withLock { $0[fractionWords] = value }
        return value
    }

    private static let ln2Cache = Mutex<[Int: WideFixedPoint]>([:])

    /// ln 2 = 2 atanh(1/3) = Σ_{k≥0} 2 / ((2k + 1) × 3^(2k+1)).
    static func computeLn2(fractionWords: Int) -> WideFixedPoint {
        var power = WideFixedPoint(2, fractionWords: fractionWords).divided(by: 3)  // 2 / 3^(2k+1)
        var sum = power
        var k: UInt64 = 0
        var term = power
        while !power.isZero {
            power.divide(by: 9)
            k += 1
            term.assign(power)
            term.divide(by: 2 * k + 1)
            sum.add(term)
        }
        // The exact last power is at most power.error ulps (its value is zero); the terms
        // after it add up to less than 1/8 of it.
        sum.error = (sum.error + power.error).nextUp
        return sum
    }

    /// e^z = 2^k × mantissa, with the mantissa a ball in about [0.7, 1.42].
    ///
    /// z = k ln 2 + r with |r| ≤ ln 2 / 2; e^r = (e^t)^(2^s) with t = r / 2^s, where
    /// e^t − 1 comes from its Taylor series and each squaring is (1 + E)² − 1 = 2E + E²,
    /// which keeps the small quantity E to full relative precision.
    @usableFromInline
    static func exp(_ z: WideFixedPoint) -> (k: Int, mantissa: WideFixedPoint) {
        let f = z.fractionWords
        let k = Int((z.approximation / 0.6931471805599453).rounded())
        var t = z - ln2(fractionWords: f).multiplied(by: k)
        let s = max(4, Int((Double(64 * f)).squareRoot() * 0.6))
        t.shiftRight(s)  // |t| < 1/16
        var term = t, sum = t
        var n: UInt64 = 1
        while !term.isZero {
            n += 1
            term.multiply(by: t)
            term.divide(by: n)
            sum.add(term)
        }
        // The exact last term is at most term.error ulps; with |t| < 1/2 and n ≥ 2 the
        // terms after it add up to less than a third of it.
        sum.error = (sum.error + term.error).nextUp
        var square = sum
        for _ in 0..<s {
            square.assign(sum)
            square.multiply(by: sum)
            sum.multiply(byInteger: 2)
            sum.add(square)
        }
        sum.add(WideFixedPoint(1, fractionWords: f))
        return (k, sum)
    }

    /// ln(significand × 2^(exponent − 62)) for a significand with its leading one at bit 62.
    ///
    /// The value is m × 2^e with m ∈ [0.75, 1.5); ln m = 2 atanh(u) with
    /// u = (m − 1)/(m + 1), |u| ≤ 1/5, from its series u + u³/3 + u⁵/5 + …
    @usableFromInline
    static func log(significand: UInt64, exponent: Int, fractionWords f: Int) -> WideFixedPoint {
        precondition(significand >> 62 == 1, "significand not normalised")
        var unit: UInt64 = 1 << 62
        var e = exponent
        if significand >= 3 << 61 { unit = 1 << 63; e += 1 }
        let below = significand < unit
        let numerator = below ? unit - significand : significand - unit
        let u = WideFixedPoint(significand: numerator, exponent: 0, negative: below, fractionWords: f)
            .divided(by: significand + unit)
        let u2 = u * u
        var power = u, sum = u, term = u
        var k: UInt64 = 0
        while !power.isZero {
            power.multiply(by: u2)
            k += 1
            term.assign(power)
            term.divide(by: 2 * k + 1)
            sum.add(term)
        }
        // The terms after the last power add up to at most u²/(1 − u²) < 1/24 of it.
        sum.error = (sum.error + power.error).nextUp
        sum.multiply(byInteger: 2)
        if e != 0 { sum.add(ln2(fractionWords: f).multiplied(by: e)) }
        return sum
    }

    /// ln(mantissa × 2^exponent) for any positive mantissa below 2^63.
    static func log(mantissa: UInt64, exponent: Int, fractionWords: Int) -> WideFixedPoint {
        precondition(mantissa != 0 && mantissa >> 63 == 0)
        let shift = mantissa.leadingZeroBitCount - 1
        return log(significand: mantissa << UInt64(shift), exponent: exponent + 62 - shift,
                   fractionWords: fractionWords)
    }
}
