extension FloatFormat {
    /// `√a`, correctly rounded.
    ///
    /// Edge cases: `√(−0)` is `−0`; the root of a negative nonzero value is invalid.
    @inlinable
    public func squareRoot(_ a: UInt64, _ env: inout FloatEnvironment) -> UInt64 {
        if isNaN(a) { return propagateNaN(a, a, &env) }
        let a = operand(a, env)
        if isZero(a) { return a }
        if isNegative(a) { return invalidResult(&env) }
        if isInfinite(a) { return a }
        let x = unpack(a)
        // x = m × 2^(e − 62) with e even; √x = √(m × 2^62) × 2^(e/2 − 62).
        let odd = x.exponent & 1 != 0
        let m = odd ? x.significand << 1 : x.significand
        let e = odd ? x.exponent - 1 : x.exponent
        let (root, exact) = Self.integerSquareRoot(high: m >> 2, low: m << 62)
        return roundPack(negative: false, exponent: e >> 1, significand: root | (exact ? 0 : 1), &env)
    }

    /// ⌊√n⌋ of a 128-bit `n` in [2^124, 2^126), and whether it is exact.
    @inlinable
    static func integerSquareRoot(high: UInt64, low: UInt64) -> (root: UInt64, exact: Bool) {
        // Newton's iteration from above converges monotonically to ⌊√n⌋.
        var x = (integerSquareRoot(high) + 1) << 32
        while true {
            let (q, _) = x.dividingFullWidth((high: high, low: low))
            if q >= x { break }
            x -= (x - q + 1) >> 1
        }
        let square = x.multipliedFullWidth(by: x)
        return (x, square.high == high && square.low == low)
    }

    /// ⌊√n⌋ of a 64-bit integer.
    @inlinable
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        if n == 0 { return 0 }
        var x: UInt64 = 1 << UInt64((64 - n.leadingZeroBitCount + 1) / 2)
        while true {
            let y = (x + n / x) >> 1
            if y >= x { return x }
            x = y
        }
    }
}
