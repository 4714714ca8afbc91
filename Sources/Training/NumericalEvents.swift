import DataFiles
import SoftFloat
import TrainingArithmetic

/// Counts of the numerical accidents of training, gathered from values (never from
/// exception flags), so every arithmetic path counts them the same way.
///
///     var events = NumericalEvents()
///     events.noteProduct(arithmetic, t, lr, g)     // lr·g rounded to zero?
///     events.swallowedUpdates += 1
///     print(events)   // "overflows 0, underflows to zero 12, NaNs 0, swallowed updates 4031"
///
/// - `overflows`: results that are infinite although their operands are finite (an
///   overflow, or `log 0`);
/// - `underflowsToZero`: products, quotients and exponentials that are zero although the
///   exact result is not;
/// - `nans`: NaN results of operands that are not NaN (∞ − ∞, 0 × ∞, ∞ / ∞, ...);
/// - `swallowedUpdates`: weight updates `w − lr·g` with `lr·g ≠ 0` that leave `w`
///   unchanged, because `lr·g` is below half an ulp of `w`;
/// - `saturations`: in a format without infinities that saturates (`lns8`, INT8), results
///   at the largest magnitude although their operands are not, and logits and gradient
///   sums at the largest magnitude (as infinite ones count as overflows).
///
/// Edge cases: a NaN, infinity or saturated value that merely propagates is not counted
/// again; an exact result equal to the largest magnitude counts as a saturation (values
/// cannot tell them apart).
public struct NumericalEvents: Sendable, Equatable, CustomStringConvertible {
    public var overflows = 0
    public var underflowsToZero = 0
    public var nans = 0
    public var swallowedUpdates = 0
    public var saturations = 0

    public init() {}

    public var total: Int { overflows + underflowsToZero + nans + swallowedUpdates + saturations }

    public static func += (lhs: inout NumericalEvents, rhs: NumericalEvents) {
        lhs.overflows += rhs.overflows
        lhs.underflowsToZero += rhs.underflowsToZero
        lhs.nans += rhs.nans
        lhs.swallowedUpdates += rhs.swallowedUpdates
        lhs.saturations += rhs.saturations
    }

    public var description: String {
        "overflows \(overflows), underflows to zero \(underflowsToZero), NaNs \(nans), "
            + "swallowed updates \(swallowedUpdates)" + (saturations > 0 ? ", saturations \(saturations)" : "")
    }

    /// Counts `r`, the result of an operation on `x` and `y`, if it is a new NaN, a new
    /// infinity or a new saturated value.
    @inlinable
    public mutating func note<A: ScalarArithmetic>(_ a: A, _ r: A.Scalar, _ x: A.Scalar, _ y: A.Scalar) {
        if a.isNaN(r) {
            if !a.isNaN(x) && !a.isNaN(y) { nans += 1 }
        } else if a.isInfinite(r) {
            if a.isFinite(x) && a.isFinite(y) { overflows += 1 }
        } else if a.isSaturated(r) {
            if !a.isSaturated(x) && !a.isSaturated(y) && a.isFinite(x) && a.isFinite(y) { saturations += 1 }
        }
    }

    /// Counts `r = x × y` (or `x ÷ y`): as `note`, and an underflow when a product of
    /// nonzero finite operands is zero (for a quotient, pass `y` as a finite divisor).
    @inlinable
    public mutating func noteProduct<A: ScalarArithmetic>(_ a: A, _ r: A.Scalar, _ x: A.Scalar, _ y: A.Scalar) {
        if a.isZero(r) {
            if !a.isZero(x) && !a.isZero(y) && a.isFinite(x) && a.isFinite(y) { underflowsToZero += 1 }
        } else {
            note(a, r, x, y)
        }
    }

    /// Counts `r = x ÷ y`: a zero quotient of a nonzero finite dividend by a finite divisor
    /// is an underflow.
    @inlinable
    public mutating func noteQuotient<A: ScalarArithmetic>(_ a: A, _ r: A.Scalar, _ x: A.Scalar, _ y: A.Scalar) {
        if a.isZero(r) {
            if !a.isZero(x) && a.isFinite(x) && a.isFinite(y) { underflowsToZero += 1 }
        } else {
            note(a, r, x, y)
        }
    }

    /// Counts `r`, the finite number `x` rounded to the arithmetic's format (a constant of
    /// the run: the learning rate, the batch size, a loss scale): an overflow when it is
    /// infinite or NaN (a format without infinities), an underflow when `x` is not zero
    /// but `r` is, a saturation at the largest magnitude. Returns what went wrong, for a
    /// message, or nil.
    ///
    ///     events.noteConversion(fp16, lr, from: 1e30, what: "the learning rate")
    ///     // "the learning rate 1e+30 overflowed to inf in fp16"
    @discardableResult
    public mutating func noteConversion<A: ScalarArithmetic>(_ a: A, _ r: A.Scalar, from x: Double,
                                                            what: String) -> String? {
        guard x.isFinite else { return nil }
        let shown = x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        if !a.isFinite(r) {
            overflows += 1
            return "\(what) \(shown) overflowed to \(a.isNaN(r) ? "NaN" : "inf") in \(a.name)"
        }
        if x != 0 && a.isZero(r) {
            underflowsToZero += 1
            return "\(what) \(shown) underflowed to 0 in \(a.name)"
        }
        if a.isSaturated(r) { saturations += 1 }
        return nil
    }

    /// Counts `r = f(x)` for a one-operand function (`exp`, `log`): a new NaN, a new
    /// infinity, or (for `exp`) zero from a finite argument.
    @inlinable
    public mutating func noteFunction<A: ScalarArithmetic>(_ a: A, _ r: A.Scalar, _ x: A.Scalar,
                                                          zeroIsUnderflow: Bool) {
        if zeroIsUnderflow && a.isZero(r) {
            if a.isFinite(x) { underflowsToZero += 1 }
        } else {
            note(a, r, x, x)
        }
    }
}
