extension FloatFormat {
    /// `a == b`. Quiet: invalid only for a signaling NaN, unless `signaling` is true.
    @inlinable
    public func isEqual(_ a: UInt64, _ b: UInt64, signaling: Bool = false,
                        _ env: inout FloatEnvironment) -> Bool {
        guard let (a, b) = orderedOperands(a, b, signaling: signaling, &env) else { return false }
        return a == b || (isZero(a) && isZero(b))
    }

    /// `a < b`. Signaling: invalid for any NaN, unless `signaling` is false.
    @inlinable
    public func isLess(_ a: UInt64, _ b: UInt64, signaling: Bool = true,
                       _ env: inout FloatEnvironment) -> Bool {
        guard let (a, b) = orderedOperands(a, b, signaling: signaling, &env) else { return false }
        if isZero(a) && isZero(b) { return false }
        return totalOrderKey(a) < totalOrderKey(b)
    }

    /// `a ≤ b`. Signaling: invalid for any NaN, unless `signaling` is false.
    @inlinable
    public func isLessOrEqual(_ a: UInt64, _ b: UInt64, signaling: Bool = true,
                              _ env: inout FloatEnvironment) -> Bool {
        guard let (a, b) = orderedOperands(a, b, signaling: signaling, &env) else { return false }
        if isZero(a) && isZero(b) { return true }
        return totalOrderKey(a) <= totalOrderKey(b)
    }

    /// The operands of a comparison as it sees them (subnormals flushed where the
    /// environment says so), or nil when either is NaN: then the comparison is false, and
    /// invalid is raised for a signaling NaN, or for any NaN when `signaling`.
    @inlinable @inline(__always)
    func orderedOperands(_ a: UInt64, _ b: UInt64, signaling: Bool,
                         _ env: inout FloatEnvironment) -> (UInt64, UInt64)? {
        if isNaN(a) || isNaN(b) {
            if signaling || isSignalingNaN(a) || isSignalingNaN(b) { env.flags.insert(.invalid) }
            return nil
        }
        return (operand(a, env), operand(b, env))
    }

    /// A key whose unsigned order is the order of the values (−NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN).
    @inlinable @inline(__always)
    public func totalOrderKey(_ x: UInt64) -> UInt64 {
        isNegative(x) ? signMask - 1 - (x & magnitudeMask) : signMask + x
    }
}
