import Foundation

extension LogFormat {
    /// `a × b`: the codes add, so the product is exact unless it saturates or underflows.
    ///
    /// Edge cases: NaN in gives NaN; zero times anything finite is zero.
    @inlinable
    public func multiply(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        if isNaN(a) || isNaN(b) { return Self.nan }
        if isZero(a) || isZero(b) { return Self.zero }
        return roundLog(Double(logCode(a) + logCode(b)), negative: isNegative(a) != isNegative(b), &env)
    }

    /// `a ÷ b`: the codes subtract.
    ///
    /// Edge cases: `0 ÷ 0` is invalid (NaN); `x ÷ 0` saturates with divide-by-zero.
    @inlinable
    public func divide(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        if isNaN(a) || isNaN(b) { return Self.nan }
        if isZero(b) {
            if isZero(a) { env.flags.insert(.invalid); return Self.nan }
            env.flags.insert(.divideByZero)
            return maxFinite(negative: isNegative(a) != isNegative(b))
        }
        if isZero(a) { return Self.zero }
        return roundLog(Double(logCode(a) - logCode(b)), negative: isNegative(a) != isNegative(b), &env)
    }

    /// `a + b` through the Gaussian logarithms: `L = max + s(k)` for like signs and
    /// `L = max + d(k)` for unlike ones, `k = |La − Lb|`.
    ///
    /// Edge cases: `x + (−x)` is exactly zero. With `.table` the result is correctly
    /// rounded in the log domain; with `.mitchell` it is within Mitchell's bound.
    @inlinable
    public func add(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        if isNaN(a) || isNaN(b) { return Self.nan }
        if isZero(a) { return b }
        if isZero(b) { return a }
        let la = logCode(a), lb = logCode(b)
        let (big, bigNegative) = la >= lb ? (la, isNegative(a)) : (lb, isNegative(b))
        let k = abs(la - lb)
        if isNegative(a) == isNegative(b) {
            let s = addition == .table ? GaussianLogarithm.sum(k, fractionBits: fractionBits)
                : GaussianLogarithm.mitchellSum(k, fractionBits: fractionBits)
            return roundLog(Double(big) + s, negative: bigNegative, &env)
        }
        if k == 0 { return Self.zero }
        let d = addition == .table ? GaussianLogarithm.difference(k, fractionBits: fractionBits)
            : GaussianLogarithm.mitchellDifference(k, fractionBits: fractionBits)
        return roundLog(Double(big) + d, negative: bigNegative, &env)
    }

    /// `a − b`.
    @inlinable
    public func subtract(_ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        add(a, negate(b), &env)
    }

    /// `−x` (zero and NaN stay as they are).
    @inlinable
    public func negate(_ x: UInt8) -> UInt8 { isNaN(x) || isZero(x) ? x : x ^ 0x80 }

    /// `x` rounded to the format in the log domain by the environment's mode.
    ///
    /// Edge cases: ±∞ saturate (overflow); NaN gives NaN; 0 gives zero.
    public func fromDouble(_ x: Double, _ env: inout FloatEnvironment) -> UInt8 {
        if x.isNaN { return Self.nan }
        if x == 0 { return Self.zero }
        if x.isInfinite {
            env.flags.formUnion([.overflow, .inexact])
            return maxFinite(negative: x < 0)
        }
        return roundLog(log2Units(x.magnitude), negative: x < 0, &env)
    }

    /// 2^F log2(m) for m > 0, accurate enough to round correctly: exact for powers of
    /// two, and refined in extended precision where a Double result lies too close to
    /// a rounding boundary (an integer or a half-integer) to decide.
    public func log2Units(_ m: Double) -> Double {
        if m.significandBitPattern == 0 && m.isNormal { return Double(m.exponent) * scale }
        let units = Foundation.log2(m) * scale
        let fraction = units - units.rounded(.down)
        let nearBoundary = min(fraction, abs(fraction - 0.5), 1 - fraction) < 1e-9
        #if arch(x86_64) || arch(i386)
        if nearBoundary { return Double(Foundation.log2(Float80(m)) * Float80(scale)) }
        #endif
        return units
    }

    /// e^x, rounded in the log domain: log2(e^x) = x / ln 2.
    public func exp(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        if isNaN(x) { return Self.nan }
        if isZero(x) { return code(negative: false, log: 0) }
        let v = toDouble(x)
        return roundLog(v / M_LN2 * scale, negative: false, &env)
    }

    /// ln x, rounded in the log domain.
    ///
    /// Edge cases: ln 0 saturates to the most negative value with divide-by-zero; the log
    /// of a negative value is invalid (NaN); ln 1 is exactly zero.
    public func log(_ x: UInt8, _ env: inout FloatEnvironment) -> UInt8 {
        if isNaN(x) { return Self.nan }
        if isZero(x) {
            env.flags.insert(.divideByZero)
            return maxFinite(negative: true)
        }
        if isNegative(x) { env.flags.insert(.invalid); return Self.nan }
        let l = logCode(x)
        if l == 0 { return Self.zero }
        // ln x = L ln2 / 2^F; its own log2 in units: 2^F log2(|L| ln2 / 2^F).
        let y = Double(abs(l)) * M_LN2 / scale
        return roundLog(log2Units(y), negative: l < 0, &env)
    }

    /// `a < b` by value (false when either is NaN).
    @inlinable
    public func isLess(_ a: UInt8, _ b: UInt8) -> Bool {
        if isNaN(a) || isNaN(b) { return false }
        return orderKey(a) < orderKey(b)
    }

    /// A key whose integer order is the order of the values.
    @inlinable
    public func orderKey(_ x: UInt8) -> Int {
        if isZero(x) { return 0 }
        let magnitude = logCode(x) + 64  // 1…127
        return isNegative(x) ? -magnitude : magnitude
    }
}
