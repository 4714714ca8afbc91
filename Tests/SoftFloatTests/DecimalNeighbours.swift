import SoftFloat

/// The neighbours of a positive decimal in `format`, found by comparing exact decimal
/// expansions (printed by printf) of the format's values and of their midpoint.
struct DecimalNeighbours {
    /// The largest value at or below the decimal, and the next one up.
    var low: UInt64, high: UInt64
    var isExact: Bool
    /// Where the decimal lies against the midpoint of `low` and `high`.
    var belowMidpoint: Bool, aboveMidpoint: Bool

    /// nil where the decimal is at or beyond the largest finite value (overflow is tested
    /// elsewhere).
    init?(_ value: ExactDecimalValue, format: FloatFormat) {
        precondition(!value.negative)
        func exact(_ x: UInt64) -> ExactDecimalValue { ExactDecimalValue(exactly: format.toDouble(x)) }
        var env = FloatEnvironment(rounding: .down)
        guard let d = Double(value.description), d.isFinite else { return nil }
        var lo = format.fromDouble(d, &env)
        if !format.isFinite(lo) || lo == format.maxFiniteMagnitude { return nil }
        while lo != 0 && value < exact(lo) { lo = format.nextDown(lo, &env) }
        while lo != format.maxFiniteMagnitude && exact(format.nextUp(lo, &env)) <= value {
            lo = format.nextUp(lo, &env)
        }
        let hi = format.nextUp(lo, &env)
        if !format.isFinite(hi) { return nil }
        low = lo
        high = hi
        isExact = exact(lo) == value
        let mid = ExactDecimalValue.midpoint(exact(lo), exact(hi))
        belowMidpoint = value < mid
        aboveMidpoint = mid < value
    }

    /// The correctly rounded result in `rounding`, and whether it is inexact.
    func rounded(_ rounding: RoundingMode) -> (bits: UInt64, inexact: Bool)? {
        if isExact { return (low, false) }
        switch rounding {
        case .down, .towardZero: return (low, true)
        case .up: return (high, true)
        case .nearestEven:
            if belowMidpoint { return (low, true) }
            if aboveMidpoint { return (high, true) }
            return (low & 1 == 0 ? low : high, true)
        case .nearestAway: return (belowMidpoint ? low : high, true)
        case .odd: return (low & 1 != 0 ? low : high, true)
        case .stochastic: return nil
        }
    }
}
