import SoftFloat
import TrainingArithmetic

/// `lns8` (any F) is a row of the exp-range table.
///
///     ExpRange.row(for: LogFormat.lns8, ExpRangeOptions())
///     // overflow above ln(max · 2^(1/8)) = (63.5/4) ln 2 = 11.0037114913891317870, ...
///
/// exp(x) = 2^(x / ln 2) is rounded in the log domain, to a multiple of 2^−F of its log2,
/// so the thresholds are multiples of ln 2: with the largest value max = 2^(63/2^F), the
/// least least = 2^(−63/2^F) and the step 2^(1/2^F),
///
/// | event | nearest (even, away) | up | toward zero, down | stochastic (possible) |
/// |---|---|---|---|---|
/// | overflow | ln(max · half a step) | ln(max) | ln(max · step) | ln(max) |
/// | normal | ln(least) | ln(least) | ln(least) | ln(least) |
/// | zero | ln(least / 2) | never | ln(least) | ln(least) |
///
/// Overflow means the overflow exception: the result saturates to max because the
/// rounded result would exceed it (under rounding toward zero, max reached by rounding
/// down is not an overflow, as in IEEE arithmetic). Every nonzero value has the same
/// relative step, so the normal numbers are all the nonzero ones (there are no
/// subnormals): the normal threshold is ln(least). Below least, a value rounds to 0 or
/// least in the linear domain, so to nearest it is zero at or below least / 2.
///
/// Edge cases: positions run over the 255 codes in order of value (NaN excluded).
extension LogFormat: ExpRangeSubject {
    public typealias Value = UInt8

    public var argumentPositions: ClosedRange<Int64> { -127...127 }

    /// Position 0 is zero, ±p the code of sign ± with L = p − 64.
    public func argument(at position: Int64) -> UInt8 {
        if position == 0 { return Self.zero }
        return code(negative: position < 0, log: Int(position.magnitude) - 64)
    }

    public func isNormalResult(_ y: UInt8) -> Bool? { !isZero(y) && !isNaN(y) }

    public func threshold(_ event: ExpRangeEvent, _ env: FloatEnvironment) -> ExpRangeThreshold? {
        let f = fractionBits, steps = 1 << f
        /// ln 2^(units / 2^(F + 1)): units are half steps of the log domain.
        func ln2Power(halfSteps units: Int, _ definition: String) -> ExpRangeThreshold {
            ExpRangeThreshold(ExactLogarithm(ln2Times: units, over2ToThe: f + 1), definition: definition)
        }
        let maxHalf = 2 * Self.maxLog, leastHalf = 2 * Self.minLog
        switch event {
        case .overflow:
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ln2Power(halfSteps: maxHalf + 1, "ln(max · 2^(1/\(2 * steps)))")
            case .up, .stochastic:
                return ln2Power(halfSteps: maxHalf, "ln(max) = ln 2^(\(Self.maxLog)/\(steps))")
            case .towardZero, .down, .odd:  // max's code is odd: truncation stays at it
                return ln2Power(halfSteps: maxHalf + 2, "ln(max · 2^(1/\(steps)))")
            }
        case .normal:
            return ln2Power(halfSteps: leastHalf, "ln(least) = ln 2^(\(Self.minLog)/\(steps))")
        case .zero:
            switch env.rounding {
            case .nearestEven, .nearestAway:
                return ln2Power(halfSteps: leastHalf - 2 * steps, "ln(least / 2)")
            case .towardZero, .down, .stochastic:
                return ln2Power(halfSteps: leastHalf, "ln(least)")
            case .up, .odd:
                return nil
            }
        }
    }
}
