/// A natural logarithm of an exact number, `ln(m) + (n / 2^s) ln 2`, evaluated to any
/// number of digits.
///
///     ExactLogarithm(mantissa: 1 << 25 - 1, exponent: 103).decimal(significantDigits: 22)
///     // "88.72283908187067677362": ln(FLT_MAX + ulp/2), above which exp overflows in fp32
///     ExactLogarithm(ln2Times: 127, over2ToThe: 2).decimal(significantDigits: 20)
///     // "22.007422982778263574": ln 2^(127/4), a boundary of a logarithmic format
///
/// Every result is established by interval evaluation at increasing precision, so the
/// digits are correctly rounded (half away from zero) and comparisons are exact.
///
/// Edge cases: ln 1 is exactly 0 (printed "0"); the value is never otherwise a dyadic
/// rational, so comparisons with binary numbers never tie except at zero.
///
/// - Parameters:
///   - mantissa: a positive integer m (its odd part below 2^63).
///   - numerator, shift: the multiple n / 2^s of ln 2 added to ln m (|n| < 2^52,
///     0 ≤ s ≤ 60).
public struct ExactLogarithm: Hashable, Sendable {
    /// An odd positive integer: powers of two are moved into the ln 2 multiple.
    public let mantissa: UInt64
    public let ln2Numerator: Int
    public let ln2Shift: Int

    /// ln(mantissa × 2^exponent) for a positive mantissa.
    public init(mantissa: UInt64, exponent: Int) {
        self.init(mantissa: mantissa, ln2Numerator: exponent, ln2Shift: 0)
    }

    /// (numerator / 2^shift) × ln 2, the logarithm of 2^(numerator / 2^shift).
    public init(ln2Times numerator: Int, over2ToThe shift: Int) {
        self.init(mantissa: 1, ln2Numerator: numerator, ln2Shift: shift)
    }

    /// ln m + (numerator / 2^shift) ln 2.
    public init(mantissa: UInt64, ln2Numerator: Int, ln2Shift: Int) {
        precondition(mantissa > 0 && (0...60).contains(ln2Shift) && ln2Numerator.magnitude < 1 << 52)
        let twos = mantissa.trailingZeroBitCount
        self.mantissa = mantissa >> UInt64(twos)
        precondition(self.mantissa >> 63 == 0, "odd part of the mantissa must be below 2^63")
        var numerator = ln2Numerator + twos << ln2Shift
        var shift = ln2Shift
        while shift > 0 && numerator & 1 == 0 { numerator >>= 1; shift -= 1 }
        self.ln2Numerator = numerator
        self.ln2Shift = shift
    }

    /// Whether the value is exactly zero (ln 1).
    public var isZero: Bool { mantissa == 1 && ln2Numerator == 0 }

    /// A ball containing the value, with `fractionWords` words of fraction.
    func ball(fractionWords f: Int) -> WideFixedPoint {
        var result = WideFixedPoint(0, fractionWords: f)
        if mantissa != 1 {
            result = ElementaryKernel.log(mantissa: mantissa, exponent: 0, fractionWords: f)
        }
        if ln2Numerator != 0 {
            var multiple = ElementaryKernel.ln2(fractionWords: f).multiplied(by: ln2Numerator)
            if ln2Shift > 0 { multiple.shiftRight(ln2Shift) }
            result.add(multiple)
        }
        return result
    }

    /// The value rounded to `significantDigits` significant decimal digits (half away
    /// from zero), in positional notation.
    public func decimal(significantDigits: Int) -> String {
        if isZero { return "0" }
        var words = 2 + significantDigits / 19
        while true {
            if let text = ball(fractionWords: words).decimal(significantDigits: significantDigits) {
                return text
            }
            words *= 2
        }
    }

    /// The nearest `Double`.
    public var doubleValue: Double {
        if isZero { return 0 }
        var words = 2
        while true {
            let b = ball(fractionWords: words)
            if let bounds = b.magnitudeBounds() {
                let low = Double(sign: .plus, exponent: bounds.low.exponent - 62, significand: Double(bounds.low.significand | 1))
                let high = Double(sign: .plus, exponent: bounds.high.exponent - 62,
                                  significand: Double((bounds.high.significand - 1) | 1))
                if low == high { return b.negative ? -low : low }
            }
            words *= 2
        }
    }

    /// How the value compares with a finite `Double`: `.less` when the value is below `x`.
    public func compare(with x: Double) -> Comparison {
        precondition(x.isFinite)
        if isZero { return x == 0 ? .equal : (x > 0 ? .less : .greater) }
        if x.magnitude >= 0x1p60 { return x > 0 ? .less : .greater }  // |value| < 2^52
        var words = 2
        while true {
            let difference = ball(fractionWords: words) - WideFixedPoint(double: x, fractionWords: words)
            if difference.magnitudeBounds() != nil { return difference.negative ? .less : .greater }
            words *= 2
        }
    }

    /// The order of a logarithm relative to a number.
    public enum Comparison: Sendable, Equatable {
        case less, equal, greater
    }
}
