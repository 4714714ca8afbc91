import SoftFloat
import TrainingArithmetic

/// The linear INT8 formats are rows of the exp-range table: `int8`, the exercise's
/// 1…255, and the signed and scaled variants.
///
///     ExpRange.row(for: LinearInt8Format.int8, ExpRangeOptions())
///     // overflow above ln 255.5 = 5.543..., zero at or below ln 0.5 (beyond the arguments)
///
/// exp(x) is rounded to a multiple of the scale s; with the largest code M (255, or 127
/// signed):
///
/// | event | nearest (even, away) | up | toward zero, down | stochastic (possible) |
/// |---|---|---|---|---|
/// | overflow | ln((M + 1/2) s) | ln(M s) | ln((M + 1) s) | ln(M s) |
/// | zero | ln(s / 2) | never | ln(s) | ln(s) |
///
/// Overflow means the result saturates to M s because the rounded result would exceed
/// it. There is no normal row: a fixed-point format has one absolute step for all its
/// values, like the subnormal numbers of a binary format, and no range where the relative
/// step is bounded (its least value 1 has a relative step of 100%).
///
/// Edge cases: the unsigned `int8` has no negative arguments, so exp never comes near
/// zero: its zero threshold lies beyond the arguments (the bound is x = 0). A threshold
/// of 0 (ln 1) is itself an argument, where exp is exactly 1: toward zero, `int8s`'s zero
/// threshold ln s = 0 holds for x strictly below it, and `int8s-s7`'s overflow threshold
/// ln((M + 1) s) = 0 includes x = 0 (1 is 128 steps, beyond 127).
extension LinearInt8Format: ExpRangeSubject {
    public typealias Value = UInt8

    public var argumentPositions: ClosedRange<Int64> { Int64(minCode)...Int64(maxCode) }

    public func argument(at position: Int64) -> UInt8 { code(Int(position)) }

    public func isNormalResult(_ y: UInt8) -> Bool? { nil }

    public func threshold(_ event: ExpRangeEvent, _ env: FloatEnvironment) -> ExpRangeThreshold? {
        // scale = m × 2^e exactly.
        let e = scale.exponent - Double.significandBitCount
        let m = UInt64(scale.significandBitPattern | 1 << UInt64(Double.significandBitCount))
        let top = UInt64(maxCode)
        let unit = scale == 1 ? "" : " · scale"
        func ln(_ multiple: UInt64, halves: Bool, _ definition: String) -> ExpRangeThreshold {
            ExpRangeThreshold(ExactLogarithm(mantissa: multiple * m, exponent: e - (halves ? 1 : 0)),
                              definition: definition)
        }
        switch event {
        case .overflow:
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ln(2 * top + 1, halves: true, "ln(\(maxCode).5\(unit))")
            case .up, .stochastic:
                return ln(top, halves: false, "ln(\(maxCode)\(unit))")
            case .towardZero, .down, .odd:  // maxCode is odd: truncation stays at it
                return ln(top + 1, halves: false, "ln(\(maxCode + 1)\(unit))")
            }
        case .normal:
            return nil
        case .zero:
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ln(1, halves: true, scale == 1 ? "ln(0.5)" : "ln(scale / 2)")
            case .towardZero, .down, .stochastic:
                return ln(1, halves: false, scale == 1 ? "ln(1)" : "ln(scale)")
            case .up, .odd:
                return nil
            }
        }
    }
}
