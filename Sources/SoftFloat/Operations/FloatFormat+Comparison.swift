extension FloatFormat {
    /// `a == b`. Quiet: invalid only for a signaling NaN, unless `signaling` is true.
    @inlinable
    public func isEqual(_ a: UInt64, _ b: UInt64, signaling: Bool = false,
                        _ env: inout FloatEnvironment) -> Bool {
        if isNaN(a) || isNaN(b) {
            if signaling || isSignalingNaN(a) || isSignalingNaN(b) { env.flags.insert(.invalid) }
            return false
        }
        let a = operand(a, env), b = operand(b, env)
        return a == b || (isZero(a) && isZero(b))
    }

    /// `a < b`. Signaling: invalid for any NaN, unless `signaling` is false.
    @inlinable
    public func isLess(_ a: UInt64, _ b: UInt64, signaling: Bool = true,
                       _ env: inout FloatEnvironment) -> Bool {
        if isNaN(a) || isNaN(b) {
            if signaling || isSignalingNaN(a) || isSignalingNaN(b) { env.flags.insert(.invalid) }
            return false
        }
        let a = operand(a, env), b = operand(b, env)
        if isZero(a) && isZero(b) { return false }
        return totalOrderKey(a) < totalOrderKey(b)
    }

    /// `a ≤ b`. Signaling: invalid for any NaN, unless `signaling` is false.
    @inlinable
    public func isLessOrEqual(_ a: UInt64, _ b: UInt64, signaling: Bool = true,
                              _ env: inout FloatEnvironment) -> Bool {
        if isNaN(a) || isNaN(b) {
            if signaling || isSignalingNaN(a) || isSignalingNaN(b) { env.flags.insert(.invalid) }
            return false
        }
        let a = operand(a, env), b = operand(b, env)
        if isZero(a) && isZero(b) { return true }
        return totalOrderKey(a) <= totalOrderKey(b)
    }

    /// A key whose unsigned order is the order of the values (−NaN < −∞ < … < −0 < +0 < … < +∞ < +NaN).
    @inlinable @inline(__always)
    public func totalOrderKey(_ x: UInt64) -> UInt64 {
        isNegative(x) ? signMask - 1 - (x & magnitudeMask) : signMask + x
    }
}
