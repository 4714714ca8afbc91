extension FloatFormat {
    /// The least value greater than `x` (IEEE 754 `nextUp`).
    ///
    /// Edge cases: `nextUp(−0)` and `nextUp(+0)` are the least subnormal; the largest
    /// finite value steps to infinity (to NaN in a format without infinities); a
    /// signaling NaN raises invalid and is quieted.
    @inlinable
    public func nextUp(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(x) { return propagateNaN(x, x, &env) }
        if x == infinity(negative: false) { return x }
        if isZero(x) { return 1 }
        if isNegative(x) { return x - 1 == signMask ? zero(negative: true) : x - 1 }
        return x == maxFiniteMagnitude ? infinity : x + 1
    }

    /// The greatest value less than `x` (IEEE 754 `nextDown`).
    @inlinable
    public func nextDown(_ x: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        negate(nextUp(negate(x), &env))
    }
}
