import SoftFloat
import TrainingArithmetic

/// Every binary format is a row of the exp-range table.
///
///     ExpRange.row(for: FloatFormat.fp32, ExpRangeOptions())
///     // overflow above ln(max + ulp/2) = 88.72283908187067677362, ...
///
/// The thresholds, for the largest finite value max = M × 2^(emax − f) (M = 2^p − 1, or
/// 2^p − 2 where the all-ones pattern is NaN or ∞), the least normal 2^emin and the least
/// subnormal 2^(emin − f):
///
/// | event | nearest (even, away) | up | toward zero, down | stochastic (possible) |
/// |---|---|---|---|---|
/// | overflow | ln(max + ulp/2) | ln(max) | ln(max + ulp) | ln(max) |
/// | normal | ln(2^emin) | ln(2^emin) | ln(2^emin) | ln(2^emin) |
/// | zero, subnormals | ln(2^(emin−f)/2) | never | ln(2^(emin−f)) | ln(2^(emin−f)) |
/// | zero, flushed | ln(2^emin (1 − 2^−(p+1))) | ln(2^emin (1 − 2^−p)) | ln(2^emin) | ln(2^emin) |
///
/// Overflow means the overflow exception: under rounding toward zero the result is then
/// the largest finite value, as it is when saturating. Flushing follows tininess after
/// rounding (before rounding, every mode flushes below 2^emin).
///
/// Edge cases: positions are sign-magnitude bit patterns, so −0 is skipped; formats
/// without infinities have no neighbour beyond the finite arguments.
extension FloatFormat: ExpRangeSubject {
    public typealias Value = UInt64

    public var argumentPositions: ClosedRange<Int64> {
        -Int64(maxFiniteMagnitude)...Int64(maxFiniteMagnitude)
    }

    public func argument(at position: Int64) -> UInt64 {
        position < 0 ? signMask | UInt64(-position) : UInt64(position)
    }

    public func argumentBeyondFinite(upward: Bool) -> UInt64? {
        hasInfinity ? infinity(negative: !upward) : nil
    }

    public func isZeroResult(_ y: UInt64) -> Bool { isZero(y) }

    public func isNormalResult(_ y: UInt64) -> Bool? { isNormal(y) }

    public func decimal(_ x: UInt64) -> String { shortestDescription(x) }

    public func hexBits(_ x: UInt64) -> String {
        let digits = String(x, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, (bitWidth + 3) / 4 - digits.count)) + digits
    }

    public func threshold(_ event: ExpRangeEvent, _ env: FloatEnvironment) -> ExpRangeThreshold? {
        let p = precision, f = fractionBitCount
        let emin = minExponent, emax = maxExponent
        let maxSignificand: UInt64 = (1 << UInt64(f)) | maxFiniteFraction
        switch event {
        case .overflow:
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ExpRangeThreshold(ExactLogarithm(mantissa: 2 * maxSignificand + 1, exponent: emax - f - 1),
                                         definition: "ln(max + ulp/2)")
            case .up, .stochastic:
                return ExpRangeThreshold(ExactLogarithm(mantissa: maxSignificand, exponent: emax - f),
                                         definition: "ln(max)")
            case .towardZero, .down:
                return ExpRangeThreshold(ExactLogarithm(mantissa: maxSignificand + 1, exponent: emax - f),
                                         definition: "ln(max + ulp)")
            case .odd:
                // Truncation, then the last digit set: past max + ulp when max is odd, past
                // max itself when it is even (no infinity, the all-ones pattern is NaN).
                return maxSignificand & 1 != 0
                    ? ExpRangeThreshold(ExactLogarithm(mantissa: maxSignificand + 1, exponent: emax - f),
                                        definition: "ln(max + ulp)")
                    : ExpRangeThreshold(ExactLogarithm(mantissa: maxSignificand, exponent: emax - f),
                                        definition: "ln(max)")
            }
        case .normal:
            return ExpRangeThreshold(ExactLogarithm(mantissa: 1, exponent: emin), definition: "ln(2^\(emin))")
        case .zero:
            if env.subnormals {
                switch env.rounding {
                case .nearestEven, .nearestAway:
                    return ExpRangeThreshold(ExactLogarithm(mantissa: 1, exponent: emin - f - 1),
                                             definition: "ln(2^\(emin - f - 1))")
                case .towardZero, .down, .stochastic:
                    return ExpRangeThreshold(ExactLogarithm(mantissa: 1, exponent: emin - f),
                                             definition: "ln(2^\(emin - f))")
                case .up, .odd:
                    return nil
                }
            }
            if env.tininess == .beforeRounding {
                return ExpRangeThreshold(ExactLogarithm(mantissa: 1, exponent: emin), definition: "ln(2^\(emin))")
            }
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ExpRangeThreshold(ExactLogarithm(mantissa: (1 << UInt64(p + 1)) - 1, exponent: emin - p - 1),
                                         definition: "ln(2^\(emin) (1 - 2^-\(p + 1)))")
            case .up:
                return ExpRangeThreshold(ExactLogarithm(mantissa: (1 << UInt64(p)) - 1, exponent: emin - p),
                                         definition: "ln(2^\(emin) (1 - 2^-\(p)))")
            case .towardZero, .down, .stochastic, .odd:
                return ExpRangeThreshold(ExactLogarithm(mantissa: 1, exponent: emin), definition: "ln(2^\(emin))")
            }
        }
    }
}
