import SoftFloat
import TrainingArithmetic

/// Where `exp` changes what it returns: the three rows of a format in the exp-range table.
public enum ExpRangeEvent: String, CaseIterable, Sendable, Decodable {
    /// Above the threshold, exp(x) overflows: infinity, NaN or saturation as the format defines.
    case overflow
    /// Below the threshold, the exact exp(x) is below the least normal number.
    case normal
    /// At or below the threshold, exp(x) rounds to zero.
    case zero
}

/// A number format whose `exp` the exp-range table can lay out.
///
///     extension MyFormat: ExpRangeSubject { ... }
///     let row = ExpRange.row(for: MyFormat(), ExpRangeOptions())
///
/// The engine finds the representable bounds itself, by bisection over the arguments in
/// increasing order, watching the subject's `exp`: the overflow flag (overflow), a zero
/// result (zero) and a normal result rounded down (normal). Directed proxies stand in for
/// stochastic rounding so that the search is deterministic: overflow is possible where
/// rounding up overflows, and zero where rounding down gives zero. The subject supplies
/// only the real thresholds, which depend on its rounding rules.
///
/// Edge cases: an event the format does not have (no subnormals, or zero never reached
/// under rounding up) has a nil threshold; an event beyond the finite arguments has the
/// extreme finite argument as its bound and ±∞ (or nothing) as the neighbour.
public protocol ExpRangeSubject: Sendable {
    associatedtype Value: Sendable

    /// The name in the table, as the command line spells it.
    var name: String { get }

    /// The positions of the finite arguments; `argument(at:)` increases with the position.
    var argumentPositions: ClosedRange<Int64> { get }

    /// The finite argument at a position.
    func argument(at position: Int64) -> Value

    /// The argument beyond the finite ones (±∞), or nil when the format has none.
    func argumentBeyondFinite(upward: Bool) -> Value?

    /// e^x in the format, rounded by `env`.
    func exp(_ x: Value, _ env: inout FloatEnvironment) -> Value

    /// Whether a result of `exp` is zero.
    func isZeroResult(_ y: Value) -> Bool

    /// Whether a result of `exp` is a normal number; nil when the format does not tell
    /// normal from subnormal numbers (the normal row is then left out).
    func isNormalResult(_ y: Value) -> Bool?

    /// A value in shortest round-trip decimal.
    func decimal(_ x: Value) -> String

    /// A value's encoding in hexadecimal, `0x…`.
    func hexBits(_ x: Value) -> String

    /// The real threshold of an event under the environment's rounding and options, or
    /// nil when the event cannot happen.
    func threshold(_ event: ExpRangeEvent, _ env: FloatEnvironment) -> ExpRangeThreshold?
}
