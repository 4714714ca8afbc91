extension FloatFormat {
    /// A number written in decimal (or C99 hexadecimal) text, correctly rounded into this
    /// format by the environment's rounding mode, or nil when the text is malformed.
    ///
    ///     var env = FloatEnvironment()
    ///     FloatFormat.bf16.parseDecimal("0.1", &env)      // 0x3DCD, env.flags == .inexact
    ///     FloatFormat.fp64.parseDecimal("1e400", &env)    // +inf, overflow and inexact
    ///     FloatFormat.fp32.parseDecimal("0x1.8p3", &env)  // 12.0, exact
    ///
    /// The exact value is kept as a ratio of big integers; 64 quotient bits and a sticky
    /// bit go to `roundPack`, so the one rounding routine of the module decides the result
    /// and raises inexact, underflow and overflow, for any number of digits.
    ///
    /// Edge cases: `inf`/`infinity` give infinity (NaN, or the largest finite value when
    /// saturating, in a format without infinities) and raise nothing; `nan` gives a
    /// positive quiet NaN, `snan` a signaling one (quiet where the format has none),
    /// `nan(0x…)` keeps as much payload as fits; a zero keeps its sign.
    ///
    /// - Parameters:
    ///   - text: `-1.5e-3`, `12`, `.5`, `5.`, `1E+400`, `0x1.8p3`, `-infinity`, `nan`, ...
    ///   - env: rounding mode, options and the flags the rounding raises.
    public func parseDecimal(_ text: String, _ env: inout FloatEnvironment) -> UInt64? {
        guard let number = NumberText(text) else { return nil }
        switch number {
        case let .infinity(negative):
            if !hasInfinity && env.saturates { return maxFinite(negative: negative) }
            return infinity(negative: negative)
        case let .nan(negative, signaling, payload):
            if !encoding.hasNaN { env.flags.insert(.invalid) }
            return nan(negative: negative, signaling: signaling, payload: payload)
        case let .finite(negative, significand, exponent, binary):
            if significand.isZero { return zero(negative: negative) }
            return binary
                ? roundBinary(negative: negative, significand: significand, exponent: exponent, &env)
                : roundDecimal(negative: negative, significand: significand, exponent: exponent, &env)
        }
    }

    /// A NaN with the given sign and as much of `payload` as fits below the quiet bit, as
    /// the encoding has it: the NaN of that sign (`finite`), the one NaN (`unsignedZero`,
    /// `extended`), or without NaNs the zero of the opposite sign, as ml_dtypes converts
    /// a NaN (the caller raises invalid).
    @inlinable
    func nan(negative: Bool, signaling: Bool, payload: UInt64) -> UInt64 {
        let signBits: UInt64 = negative ? signMask : 0
        switch encoding {
        case .ieee: break
        case .finite: return signBits | magnitudeMask
        case .unsignedZero, .extended: return signMask
        case .finiteNoNaN: return zero(negative: !negative)
        }
        let payloadBits = payload & (quietBit - 1)
        if signaling && quietBit > 1 {
            return signBits | infinityMagnitude | (payloadBits == 0 ? quietBit >> 1 : payloadBits)
        }
        return signBits | infinityMagnitude | quietBit | payloadBits
    }

    /// Rounds `significand × 10^exponent`.
    private func roundDecimal(negative: Bool, significand: BigUInt, exponent: Int,
                              _ env: inout FloatEnvironment) -> UInt64 {
        // log10 of the value lies in [low, high); every format here lives inside (10^-400, 10^330).
        let low = (significand.bitWidth - 1) * 30_103 / 100_000 + exponent
        let high = significand.bitWidth * 30_103 / 100_000 + 1 + exponent
        if low > 330 { return roundOutOfRange(negative: negative, huge: true, &env) }
        if high < -400 { return roundOutOfRange(negative: negative, huge: false, &env) }
        // 10^e = 5^e × 2^e: the powers of two go to the binary exponent.
        if exponent >= 0 {
            return roundRatio(negative: negative,
                              numerator: significand * BigUInt.powerOfFive(exponent),
                              denominator: BigUInt(1), exponent: exponent, &env)
        }
        return roundRatio(negative: negative, numerator: significand,
                          denominator: BigUInt.powerOfFive(-exponent), exponent: exponent, &env)
    }

    /// Rounds `significand × 2^exponent`.
    private func roundBinary(negative: Bool, significand: BigUInt, exponent: Int,
                             _ env: inout FloatEnvironment) -> UInt64 {
        let top = significand.bitWidth + exponent  // the value lies in [2^(top-1), 2^top)
        if top > 1_100 { return roundOutOfRange(negative: negative, huge: true, &env) }
        if top < -1_200 { return roundOutOfRange(negative: negative, huge: false, &env) }
        return roundRatio(negative: negative, numerator: significand, denominator: BigUInt(1),
                          exponent: exponent, &env)
    }

    /// Rounds a value far beyond the largest finite value, or far below half the least
    /// subnormal, of every format: a stand-in of the same side rounds the same way.
    private func roundOutOfRange(negative: Bool, huge: Bool, _ env: inout FloatEnvironment) -> UInt64 {
        huge
            ? roundPack(negative: negative, exponent: 1 << 20, significand: 1 << 62, &env)
            : roundPack(negative: negative, exponent: -(1 << 20), significand: 1 << 62 | 1, &env)
    }

    /// Rounds `numerator ÷ denominator × 2^exponent` (both positive) through `roundPack`.
    private func roundRatio(negative: Bool, numerator: BigUInt, denominator: BigUInt,
                            exponent: Int, _ env: inout FloatEnvironment) -> UInt64 {
        // Scale by 2^shift so that the quotient lies in [2^62, 2^64).
        var shift = 63 - numerator.bitWidth + denominator.bitWidth
        let (q, r) = shift >= 0
            ? (numerator << shift).quotientAndRemainder(dividingBy: denominator)
            : numerator.quotientAndRemainder(dividingBy: denominator << -shift)
        var quotient = q
        var sticky = !r.isZero
        if quotient >> 63 != 0 {
            sticky = sticky || quotient & 1 != 0
            quotient >>= 1
            shift -= 1
        }
        return roundPack(negative: negative, exponent: exponent - shift + 62,
                         significand: quotient | (sticky ? 1 : 0), &env)
    }
}

extension FloatFormat {
    /// The shortest decimal text that reads back (to nearest, ties to even) as exactly `x`,
    /// in the style of Swift's `description` for `Float16`, `Float` and `Double`.
    ///
    ///     FloatFormat.bf16.shortestDescription(0x3DCD)  // "0.1"
    ///     FloatFormat.fp16.shortestDescription(0x4248)  // "3.14"
    ///     FloatFormat.fp32.shortestDescription(0x3727_C5AC)  // "1e-05"
    ///
    /// Among the shortest digit strings inside the rounding interval the one closest to
    /// `x` is chosen, ties to an even last digit. Values below 10^-4 (by their shortest
    /// digits) and values above 2^max(p, 16) use exponential form (`1.5e-05`,
    /// `3.3554432e+07`); the rest use positional form with at least one digit after the
    /// point (`1.0`, `0.001`, `65504.0`). Values of 2^(p−1) and above that stay positional
    /// are integers and print exactly, as `Float16` does, rather than as a shorter rounded
    /// integer (`65504.0`, not `65500.0`).
    /// With p = 24 and p = 53 these are exactly the `Float` and `Double` rules.
    ///
    /// Edge cases: `inf`, `-inf`, `nan` (every NaN), `0.0`, `-0.0`.
    public func shortestDescription(_ x: UInt64) -> String {
        if isNaN(x) { return "nan" }
        let sign = isNegative(x) ? "-" : ""
        if isInfinite(x) { return sign + "inf" }
        if isZero(x) { return sign + "0.0" }
        let magnitude = x & magnitudeMask
        let biased = Int(magnitude >> UInt64(fractionBitCount))
        let exactInteger = biased >= bias + fractionBitCount  // 2^(p-1) and above: integers
        let cutoff = bias + max(precision, 16)  // biased exponent of the exponential cutoff
        let forceExponential = biased > cutoff || (biased == cutoff && magnitude & fractionMask != 0)

        let (digits, exponent) = shortestDigits(magnitude)
        let text = String(digits)
        let scientific = exponent + text.count - 1  // the value is d.ddd × 10^scientific
        if scientific < -4 || forceExponential {
            let mantissa = text.count == 1 ? text : "\(text.prefix(1)).\(text.dropFirst())"
            let power = String(abs(scientific))
            return sign + mantissa + "e" + (scientific < 0 ? "-" : "+")
                + (power.count < 2 ? "0" : "") + power
        }
        if exactInteger { return sign + exactDecimal(magnitude) + ".0" }
        if scientific < 0 {
            return sign + "0." + String(repeating: "0", count: -scientific - 1) + text
        }
        if scientific + 1 < text.count {
            return sign + text.prefix(scientific + 1) + "." + text.dropFirst(scientific + 1)
        }
        return sign + text + String(repeating: "0", count: scientific + 1 - text.count) + ".0"
    }

    /// The exact value of `x` in positional decimal: every binary value has a finite one.
    ///
    ///     FloatFormat.fp64.exactDecimal(0x3FB9_9999_9999_999A)
    ///     // "0.1000000000000000055511151231257827021181583404541015625"
    ///     FloatFormat.bf16.exactDecimal(0x4780)  // "65536"
    ///
    /// Edge cases: integers have no point (`"3"`), zeros are `"0"` and `"-0"`, and the
    /// non-finite values read `inf`, `-inf`, `nan`.
    public func exactDecimal(_ x: UInt64) -> String {
        if isNaN(x) { return "nan" }
        let sign = isNegative(x) ? "-" : ""
        if isInfinite(x) { return sign + "inf" }
        if isZero(x) { return sign + "0" }
        var (significand, exponent) = integerSignificand(x & magnitudeMask)
        // Without its trailing zero bits the significand needs fewer powers of five.
        let zeros = min(significand.trailingZeroBitCount, max(0, -exponent))
        significand >>= UInt64(zeros)
        exponent += zeros
        if exponent >= 0 { return sign + (BigUInt(significand) << exponent).description }
        // m × 2^-k = m × 5^k / 10^k: the digits of m × 5^k with the point k places from the right.
        let places = -exponent
        var digits = (BigUInt(significand) * BigUInt.powerOfFive(places)).description
        if digits.count <= places {
            digits = String(repeating: "0", count: places + 1 - digits.count) + digits
        }
        let integerPart = digits.dropLast(places)
        var fraction = digits.suffix(places)
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return sign + integerPart + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// A finite nonzero magnitude as an integer significand and a power of two:
    /// `x = significand × 2^exponent`, the significand as stored (subnormals unnormalised).
    func integerSignificand(_ magnitude: UInt64) -> (significand: UInt64, exponent: Int) {
        let biased = Int(magnitude >> UInt64(fractionBitCount))
        let fraction = magnitude & fractionMask
        if biased == 0 { return (fraction, minExponent - fractionBitCount) }
        return (fraction | 1 << UInt64(fractionBitCount), biased - bias - fractionBitCount)
    }

    /// The shortest decimal `digits × 10^exponent` that rounds (to nearest, ties to even)
    /// to the finite positive value `magnitude`, closest to it among the shortest, ties to
    /// an even last digit; `digits` has no trailing zero.
    func shortestDigits(_ magnitude: UInt64) -> (digits: UInt64, exponent: Int) {
        let (m, e) = integerSignificand(magnitude)
        // The gap below is half the gap above at a power of two (except at the least normal).
        let boundary = m == 1 << UInt64(fractionBitCount) && magnitude >> UInt64(fractionBitCount) > 1
        // Midpoints round to an even significand, so they belong to an even one's interval.
        let inclusive = m & 1 == 0

        // The value over 10^q as an exact ratio: numerator / denominator, and the gap
        // above, in the same units, as numerator / m.
        func scaled(_ q: Int) -> (numerator: BigUInt, denominator: BigUInt, gap: BigUInt) {
            var gap = BigUInt(1)
            var denominator = BigUInt(1)
            if e - q > 0 { gap = gap << (e - q) } else { denominator = denominator << (q - e) }
            if q < 0 { gap = gap * BigUInt.powerOfFive(-q) } else { denominator = denominator * BigUInt.powerOfFive(q) }
            var numerator = gap
            numerator.multiply(by: m)
            return (numerator, denominator, gap)
        }

        // The decimal exponent of the leading digit: estimate from the binary one, then fix.
        let binaryTop = e + 63 - m.leadingZeroBitCount  // 2^binaryTop ≤ x < 2^(binaryTop+1)
        var leading = (binaryTop * 78_913) >> 18  // ⌊binaryTop × log10 2⌋, at most one low
        while true {
            let (n, d, _) = scaled(leading)
            var tenD = d
            tenD.multiply(by: 10)
            if n < d { leading -= 1 } else if n >= tenD { leading += 1 } else { break }
        }

        for count in 1... {
            let q = leading - count + 1
            let (n, d, gap) = scaled(q)
            let (floor, remainder) = n.quotientAndRemainder(dividingBy: d)
            // Below: x − floor = remainder / d must be within the lower half gap.
            var below = remainder
            below.multiply(by: boundary ? 4 : 2)
            let floorFits = below < gap || (inclusive && below == gap)
            // Above: floor + 1 − x = (d − remainder) / d within the upper half gap.
            let distanceAbove = d - remainder
            var above = distanceAbove
            above.multiply(by: 2)
            let ceilingFits = !remainder.isZero && (above < gap || (inclusive && above == gap))
            var digits: UInt64
            switch (floorFits, ceilingFits) {
            case (false, false): continue
            case (true, false): digits = floor
            case (false, true): digits = floor + 1
            case (true, true):
                if remainder < distanceAbove { digits = floor }
                else if distanceAbove < remainder { digits = floor + 1 }
                else { digits = floor & 1 == 0 ? floor : floor + 1 }
            }
            var exponent = q
            while digits % 10 == 0 { digits /= 10; exponent += 1 }
            return (digits, exponent)
        }
        fatalError("unreachable: the exact digits always fit the interval")
    }
}
