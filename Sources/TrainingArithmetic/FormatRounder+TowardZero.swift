import SoftFloat

extension FormatRounder {
    /// The format's least subnormal magnitude, held in the hardware type (the spacing of
    /// the subnormal grid).
    @inlinable
    var leastSubnormal: Wide {
        Wide(sign: .plus, exponent: Wide.Exponent(format.minExponent - format.fractionBitCount), significand: 1)
    }

    /// Four values rounded to the format toward zero (truncated).
    ///
    ///     FormatRounder<Float>(format: .bf16)!.truncate(SIMD4(1.00390625, -1.01171875, 3, 0))
    ///     // (1.0, -1.0078125, 3.0, 0.0): the dropped bits are cleared, whatever they were
    ///
    /// Edge cases: finite values beyond the largest finite value give the largest finite
    /// value with their sign; ±∞ stays ±∞ (NaN in formats without infinity); NaN stays a
    /// quiet NaN with its sign and the top of its payload, as `format.convert` does.
    @inlinable @inline(__always)
    public func truncate(_ x: Lanes) -> Lanes {
        if isIdentity { return x }
        return checksRange ? truncateLanes(x, checkingRange: true) : truncateLanes(x, checkingRange: false)
    }

    /// `x` truncated to the format (the vector routine on one lane).
    @inlinable @inline(__always)
    public func truncate(_ x: Wide) -> Wide {
        truncate(Lanes(repeating: x))[0]
    }

    /// The truncation itself; `checkingRange` is a constant at each call, as in `roundLanes`.
    ///
    /// In the normal range the low bits are cleared. Below the least normal number the
    /// hardware rounds to the subnormal grid to nearest (`(|x| + C) − C`); a lane that went
    /// up is moved one grid step down, which is exact.
    @inlinable @inline(__always)
    func truncateLanes(_ x: Lanes, checkingRange: Bool) -> Lanes {
        let bits = unsafeBitCast(x, to: BitLanes.self)
        let magnitude = bits & magnitudeMask
        let sign = bits ^ magnitude
        var r = magnitude & keepMask
        if checkingRange {
            let outside = Self.isNegative(magnitude &- leastNormal) | Self.isNegative(largestFinite &- magnitude)
            guard outside.anyLaneSet() else {
                return unsafeBitCast(sign | r, to: Lanes.self)
            }
            let nearest = (unsafeBitCast(magnitude, to: Lanes.self) + magic) - magic
            let nearestBits = unsafeBitCast(nearest, to: BitLanes.self)
            let below = unsafeBitCast(nearest - Lanes(repeating: leastSubnormal), to: BitLanes.self)
            let grid = Self.select(below, nearestBits, where: Self.isNegative(magnitude &- nearestBits))
            r = Self.select(grid, r, where: Self.isNegative(magnitude &- leastNormal))
            r = Self.select(BitLanes(repeating: largestFinite), r, where: Self.isNegative(largestFinite &- r))
            r = Self.select(BitLanes(repeating: overflowMagnitude), r,
                            where: Self.isNegative(infinityMagnitude &- 1 &- magnitude))
        }
        r = Self.select(magnitude | quietBit, r, where: Self.isNegative(infinityMagnitude &- magnitude))
        return unsafeBitCast(sign | r, to: Lanes.self)
    }
}
