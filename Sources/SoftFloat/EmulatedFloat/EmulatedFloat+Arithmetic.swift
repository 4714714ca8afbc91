extension EmulatedFloat {
    // MARK: Operators: round to nearest, ties to even; flags dropped

    @inlinable
    public static func + (lhs: Self, rhs: Self) -> Self {
        var env = FloatEnvironment()
        return Self(bits: format.add(lhs.bits, rhs.bits, &env))
    }

    @inlinable
    public static func - (lhs: Self, rhs: Self) -> Self {
        var env = FloatEnvironment()
        return Self(bits: format.subtract(lhs.bits, rhs.bits, &env))
    }

    @inlinable
    public static func * (lhs: Self, rhs: Self) -> Self {
        var env = FloatEnvironment()
        return Self(bits: format.multiply(lhs.bits, rhs.bits, &env))
    }

    @inlinable
    public static func / (lhs: Self, rhs: Self) -> Self {
        var env = FloatEnvironment()
        return Self(bits: format.divide(lhs.bits, rhs.bits, &env))
    }

    @inlinable public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    @inlinable public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }
    @inlinable public static func /= (lhs: inout Self, rhs: Self) { lhs = lhs / rhs }

    /// The value with its sign flipped (NaNs too); exact.
    @inlinable
    public static prefix func - (operand: Self) -> Self {
        Self(bits: format.negate(operand.bits))
    }

    @inlinable
    public mutating func negate() { self = -self }

    @inlinable
    public func squareRoot() -> Self {
        var env = FloatEnvironment()
        return squareRoot(&env)
    }

    @inlinable
    public mutating func formSquareRoot() { self = squareRoot() }

    /// `self + lhs × rhs` with one rounding.
    @inlinable
    public func addingProduct(_ lhs: Self, _ rhs: Self) -> Self {
        var env = FloatEnvironment()
        return addingProduct(lhs, rhs, &env)
    }

    @inlinable
    public mutating func addProduct(_ lhs: Self, _ rhs: Self) { self = addingProduct(lhs, rhs) }

    /// The IEEE remainder: `self − n × other`, `n` the nearest integer to `self ÷ other`.
    @inlinable
    public func remainder(dividingBy other: Self) -> Self {
        var env = FloatEnvironment()
        return remainder(dividingBy: other, &env)
    }

    @inlinable
    public mutating func formRemainder(dividingBy other: Self) { self = remainder(dividingBy: other) }

    /// `self − n × other`, `n` the integer part of `self ÷ other` (C's `fmod`); exact.
    @inlinable
    public func truncatingRemainder(dividingBy other: Self) -> Self {
        var env = FloatEnvironment()
        return truncatingRemainder(dividingBy: other, &env)
    }

    @inlinable
    public mutating func formTruncatingRemainder(dividingBy other: Self) {
        self = truncatingRemainder(dividingBy: other)
    }

    /// The value rounded to an integer by `rule`.
    @inlinable
    public mutating func round(_ rule: FloatingPointRoundingRule) {
        var env = FloatEnvironment()
        self = rounded(rule, &env)
    }

    // MARK: With an explicit environment: its rounding mode and options, its flags

    /// `self + other`, rounded by `env`.
    ///
    ///     var env = FloatEnvironment(rounding: .up)
    ///     let s = BFloat16(1).adding(BFloat16(0.001), &env)  // 1.0078125, inexact
    ///
    /// Edge cases: `∞ + (−∞)` is invalid; an exact zero sum of opposite signs is `+0`,
    /// `−0` when rounding down.
    ///
    /// - Parameters:
    ///   - other: the addend.
    ///   - env: rounding mode, options, and the flags raised.
    @inlinable
    public func adding(_ other: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.add(bits, other.bits, &env))
    }

    /// `self − other`, rounded by `env`.
    @inlinable
    public func subtracting(_ other: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.subtract(bits, other.bits, &env))
    }

    /// `self × other`, rounded by `env`.
    @inlinable
    public func multiplied(by other: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.multiply(bits, other.bits, &env))
    }

    /// `self ÷ other`, rounded by `env`; `x ÷ 0` raises divide-by-zero.
    @inlinable
    public func divided(by other: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.divide(bits, other.bits, &env))
    }

    /// `√self`, rounded by `env`; the root of a negative number is invalid.
    @inlinable
    public func squareRoot(_ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.squareRoot(bits, &env))
    }

    /// `self + lhs × rhs` with one rounding, by `env`.
    @inlinable
    public func addingProduct(_ lhs: Self, _ rhs: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.fusedMultiplyAdd(lhs.bits, rhs.bits, bits, &env))
    }

    /// The IEEE remainder, which is exact; `env` collects invalid for `∞` or a zero divisor.
    @inlinable
    public func remainder(dividingBy other: Self, _ env: inout FloatEnvironment) -> Self {
        Self(bits: Self.format.remainder(bits, other.bits, &env))
    }

    /// C's `fmod`: `self − n × other`, `n` the integer part of `self ÷ other`; exact.
    ///
    /// Edge cases: the result has the sign of `self`; `∞` or a zero divisor is invalid;
    /// a finite `self` over `∞` is `self`.
    @inlinable
    public func truncatingRemainder(dividingBy other: Self, _ env: inout FloatEnvironment) -> Self {
        let format = Self.format
        let r = format.remainder(bits, other.bits, &env)
        // The nearest-integer quotient overshot by one when the signs disagree: step back.
        if format.isNaN(r) || format.isZero(r) || format.isNegative(r) == format.isNegative(bits) {
            return Self(bits: r)
        }
        let step = format.isNegative(bits) ? other.bits | format.signMask : other.bits & format.magnitudeMask
        var exact = FloatEnvironment(subnormals: env.subnormals)
        return Self(bits: format.add(r, step, &exact))  // representable, so exact
    }

    /// The value rounded to an integer by `rule`; `env` supplies the options and collects
    /// invalid for a signaling NaN (inexact is not raised, as for `rounded(_:)`).
    @inlinable
    public func rounded(_ rule: FloatingPointRoundingRule, _ env: inout FloatEnvironment) -> Self {
        let saved = env.rounding
        switch rule {
        case .toNearestOrEven: env.rounding = .nearestEven
        case .toNearestOrAwayFromZero: env.rounding = .nearestAway
        case .towardZero: env.rounding = .towardZero
        case .up: env.rounding = .up
        case .down: env.rounding = .down
        case .awayFromZero: env.rounding = Self.format.isNegative(bits) ? .down : .up
        @unknown default: fatalError("unknown rounding rule")
        }
        let result = Self.format.roundToIntegral(bits, exact: false, &env)
        env.rounding = saved
        return Self(bits: result)
    }
}
