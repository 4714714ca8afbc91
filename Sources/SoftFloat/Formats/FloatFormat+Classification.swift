extension FloatFormat {
    @inlinable @inline(__always) public func isNegative(_ x: UInt64) -> Bool { x & signMask != 0 }
    @inlinable @inline(__always) public func magnitude(_ x: UInt64) -> UInt64 { x & magnitudeMask }
    /// `−x`; a zero (and the NaN at −0's pattern) stays itself where the format has no −0.
    @inlinable @inline(__always) public func negate(_ x: UInt64) -> UInt64 {
        encoding.hasNegativeZero || x & magnitudeMask != 0 ? x ^ signMask : x
    }
    @inlinable @inline(__always) public func isNaN(_ x: UInt64) -> Bool {
        let m = x & magnitudeMask
        return (m > maxFiniteMagnitude && m != infinityMagnitude) || x == negativeZeroNaN
    }
    @inlinable @inline(__always) public func isSignalingNaN(_ x: UInt64) -> Bool {
        encoding.hasIEEENaNs && isNaN(x) && x & quietBit == 0
    }
    @inlinable @inline(__always) public func isInfinite(_ x: UInt64) -> Bool { x & magnitudeMask == infinityMagnitude }
    @inlinable @inline(__always) public func isFinite(_ x: UInt64) -> Bool {
        x & magnitudeMask <= maxFiniteMagnitude && x != negativeZeroNaN
    }
    @inlinable @inline(__always) public func isZero(_ x: UInt64) -> Bool { x & magnitudeMask == 0 && x != negativeZeroNaN }
    @inlinable @inline(__always) public func isSubnormal(_ x: UInt64) -> Bool {
        let m = x & magnitudeMask
        return m != 0 && m < leastNormalMagnitude
    }
    @inlinable @inline(__always) public func isNormal(_ x: UInt64) -> Bool {
        // One unsigned comparison: magnitudes below the least normal one wrap around.
        (x & magnitudeMask) &- leastNormalMagnitude <= maxFiniteMagnitude &- leastNormalMagnitude
    }
    /// Whether both values are normal, the case every operation tests for first.
    @inlinable @inline(__always) func areNormal(_ x: UInt64, _ y: UInt64) -> Bool {
        isNormal(x) && isNormal(y)
    }
    /// The largest finite value with the given sign.
    @inlinable @inline(__always) public func maxFinite(negative: Bool) -> UInt64 {
        (negative ? signMask : 0) | maxFiniteMagnitude
    }
    /// Infinity with the given sign; the NaN of that sign where the format has none.
    @inlinable @inline(__always) public func infinity(negative: Bool) -> UInt64 {
        (negative ? signMask : 0) | infinity
    }

    /// IEEE 754 classification of a value.
    public func classify(_ x: UInt64) -> FloatingPointClassification {
        let negative = isNegative(x)
        if isSignalingNaN(x) { return .signalingNaN }
        if isNaN(x) { return .quietNaN }
        if isInfinite(x) { return negative ? .negativeInfinity : .positiveInfinity }
        if isZero(x) { return negative ? .negativeZero : .positiveZero }
        if isSubnormal(x) { return negative ? .negativeSubnormal : .positiveSubnormal }
        return negative ? .negativeNormal : .positiveNormal
    }
}

/// A finite nonzero value taken apart: `(-1)^sign × significand × 2^(exponent - 62)`,
/// with the significand's leading one at bit 62.
@frozen @usableFromInline
struct Unpacked {
    @usableFromInline var negative: Bool
    @usableFromInline var exponent: Int
    @usableFromInline var significand: UInt64
    @inlinable init(negative: Bool, exponent: Int, significand: UInt64) {
        self.negative = negative
        self.exponent = exponent
        self.significand = significand
    }
}

extension FloatFormat {
    /// Takes apart a finite nonzero value, normalising subnormals.
    @inlinable @inline(__always)
    func unpack(_ x: UInt64) -> Unpacked {
        let f = fractionBitCount
        let biased = Int((x >> UInt64(f)) & exponentFieldMask)
        let fraction = x & fractionMask
        if biased != 0 {
            return Unpacked(negative: isNegative(x), exponent: biased - bias,
                            significand: (fraction | (1 << UInt64(f))) << UInt64(62 - f))
        }
        let top = 63 - fraction.leadingZeroBitCount
        return Unpacked(negative: isNegative(x), exponent: minExponent - f + top,
                        significand: fraction << UInt64(62 - top))
    }

    /// Takes apart a normal value (the caller has checked `isNormal`).
    @inlinable @inline(__always)
    func unpackNormal(_ x: UInt64) -> Unpacked {
        let f = UInt64(fractionBitCount)
        let biased = Int(truncatingIfNeeded: (x &>> f) & exponentFieldMask)
        let significand = ((x & fractionMask) | (1 &<< f)) &<< (62 &- f)
        return Unpacked(negative: isNegative(x), exponent: biased &- bias, significand: significand)
    }

    /// The operand as arithmetic sees it: subnormals read as zero when the environment
    /// has them off.
    @inlinable @inline(__always)
    func operand(_ x: UInt64, _ env: FloatEnvironment) -> UInt64 {
        if !env.subnormals && isSubnormal(x) { return zero(negative: isNegative(x)) }
        return x
    }

    /// A quiet NaN carrying `x`'s payload (x is a NaN).
    @inlinable @inline(__always)
    func quiet(_ x: UInt64) -> UInt64 { encoding.hasIEEENaNs ? x | quietBit : x }

    /// The NaN result of an operation with NaN operands, as x86 SSE gives it: the first
    /// NaN operand, quieted; invalid is raised when either is signaling.
    @inlinable
    func propagateNaN(_ a: UInt64, _ b: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isSignalingNaN(a) || isSignalingNaN(b) { env.flags.insert(.invalid) }
        return quiet(isNaN(a) ? a : b)
    }

    @inlinable
    func invalidResult(_ env: inout FloatEnvironment) -> UInt64 {
        env.flags.insert(.invalid)
        return defaultNaN
    }
}
