/// `exp` and `log` of arguments with at most 24 significant bits, evaluated in `Double`
/// with a proven relative error bound of 2^-46.
///
///     if let (scale, y) = FastElementary.exp(1.5) { ... }  // e^1.5 ≈ 2^scale × y
///
/// The result is not rounded here: the caller turns it into bounds (`bounds(of:scale:)`)
/// and rounds only if every value within them rounds alike, falling back to
/// `ElementaryKernel` otherwise. The tables are computed once, from `ElementaryKernel`.
///
/// Error analysis (u = 2^-53; the bound claimed is 2^-46, at least 30 times the sum):
///
/// exp — x with ≤ 24 significant bits, 2^-64 ≤ |x| ≤ 800. k = round(64x / ln 2),
/// |k| < 2^17; C1 = ln2/64 truncated to 36 bits (a multiple of 2^-42), C2 ≈ ln2/64 − C1.
/// k × C1 is exact (≤ 53 bits). If k ≠ 0 then |x| > 2^-8, so x is a multiple of 2^-31;
/// x − kC1 is then a multiple of 2^-42 below 2^-7 in magnitude: exact. Then
/// r = (x − kC1) − kC2 carries |k|·|ln2/64 − C1 − C2| ≤ 2^-78, the rounding of kC2
/// (|kC2| < 2^-25) ≤ 2^-78, and one rounding ≤ 2^-61. |r| ≤ 0.0055 is checked.
/// q = r + r²/2 + … + r⁵/120 by Horner: truncation ≤ |r|⁶/720 × 1.01 < 2^-54.5,
/// rounding ≤ 3u|q| < 2^-58.5. y = T_j + T_j q: the product's rounding is below
/// u × 0.0056, the sum's u, and T_j = 2^(j/64) is within u: total relative error
/// < 2^-51.
///
/// log — x = m × 2^e, m ∈ [0.75, 1.5) with ≤ 24 bits. Bucket i = ⌊128m⌋ − 96 holds
/// c = (⌊128m⌋ + 1/2)/128 and inv ≈ 1/c to 10 bits (exactly 1 for the two buckets around
/// 1). m × inv has ≤ 34 bits and lies within 2^-7 of 1, so r = m × inv − 1 is exact with
/// |r| ≤ 2^-7 (checked). ln m = −ln(inv) + log1p(r); log1p by its degree-8 Taylor
/// polynomial: truncation ≤ |r|⁹/9 × 1.01 (relative 2^-59); Horner's rounding on
/// q ≈ −1/2 and the roundings of r² and r²q stay below 2u|r|² ≤ u|p|/32; p = r + r²q
/// adds u|p|: about 1.03u|p| in all.
/// −ln(inv) and ln 2 are double-doubles (error < 2^-100; ln 2's high part has 42 bits so
/// e × ln2High is exact). y = (e ln2High + Lhigh) + ((e ln2Low + Llow) + p): when e ≠ 0,
/// |y| ≥ 0.287 and the error is below 2.2u|y|; when e = 0 and inv ≠ 1 the first sum is
/// exact, |y| ≥ ln(129/128) and the error is below 4.1u|y|; when inv = 1 it is p alone.
@usableFromInline
enum FastElementary {
    /// The proven bound on the relative error of both evaluations.
    @usableFromInline static let relativeErrorExponent = -46

    @usableFromInline
    struct Tables: Sendable {
        @usableFromInline let twoToThe: [Double]  // 2^(j/64), j = 0..<64
        @usableFromInline let ln2Over64High: Double  // 36 significant bits
        @usableFromInline let ln2Over64Low: Double
        @usableFromInline let sixtyFourOverLn2: Double
        @usableFromInline let ln2High: Double  // 42 significant bits
        @usableFromInline let ln2Low: Double
        @usableFromInline let inverse: [Double]  // 96 buckets of [0.75, 1.5)
        @usableFromInline let logInverseHigh: [Double]  // −ln(inverse), high and low parts
        @usableFromInline let logInverseLow: [Double]
    }

    @usableFromInline static let tables: Tables = makeTables()

    static func makeTables() -> Tables {
        let words = 3
        let ln2 = ElementaryKernel.ln2(fractionWords: words)
        // ln2 / 64 to 36 bits, and what is left.
        let ln2Over64 = ln2.shiftedRight(6)
        let high64 = Double(bitPattern: ln2Over64.approximation.bitPattern & ~((1 << 17) - 1))
        let low64 = (ln2Over64 - WideFixedPoint(double: high64, fractionWords: words)).approximation
        let high = Double(bitPattern: ln2.approximation.bitPattern & ~((1 << 11) - 1))
        let low = (ln2 - WideFixedPoint(double: high, fractionWords: words)).approximation

        var twoToThe: [Double] = []
        for j in 0..<64 {
            let (k, m) = ElementaryKernel.exp(ln2Over64.multiplied(by: j))
            twoToThe.append(Double(sign: .plus, exponent: k, significand: m.approximation))
        }
        var inverse: [Double] = [], logHigh: [Double] = [], logLow: [Double] = []
        for i in 0..<96 {
            let c = (Double(96 + i) + 0.5) / 128
            let inv = (i == 31 || i == 32) ? 1.0 : (512 / c).rounded() / 512
            let minusLog = -ElementaryKernel.log(mantissa: UInt64(inv * 512), exponent: -9, fractionWords: words)
            let h = minusLog.approximation
            inverse.append(inv)
            logHigh.append(h)
            logLow.append((minusLog - WideFixedPoint(double: h, fractionWords: words)).approximation)
        }
        return Tables(twoToThe: twoToThe, ln2Over64High: high64, ln2Over64Low: low64,
                      sixtyFourOverLn2: 64 / ln2.approximation, ln2High: high, ln2Low: low,
                      inverse: inverse, logInverseHigh: logHigh, logInverseLow: logLow)
    }

    /// e^x ≈ 2^scale × value, for x with ≤ 24 significant bits and 2^-64 ≤ |x| ≤ 800;
    /// nil if the reduced argument is out of the analysed range (it never is).
    @inlinable
    static func exp(_ x: Double) -> (scale: Int, value: Double)? {
        let t = tables
        // Round to nearest integer by the 1.5 × 2^52 trick (|64x / ln 2| < 2^17).
        let kd = (x * t.sixtyFourOverLn2 + 0x1.8p52) - 0x1.8p52
        let rHigh = x - kd * t.ln2Over64High
        let r = rHigh - kd * t.ln2Over64Low
        guard r.magnitude <= 0.0055 else { return nil }
        let q = r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))))
        let k = Int(kd)
        let tj = t.twoToThe[k & 63]
        return (k >> 6, tj + tj * q)
    }

    /// ln(m × 2^e) for m ∈ [0.75, 1.5) with ≤ 24 significant bits and |e| < 2^11; nil
    /// if the reduced argument is out of the analysed range (it never is).
    @inlinable
    static func log(mantissa m: Double, exponent e: Int) -> Double? {
        let t = tables
        let i = Int(m * 128) - 96
        let r = m * t.inverse[i] - 1
        guard r.magnitude <= 0x1p-7 else { return nil }
        let q = -0.5 + r * (1.0 / 3 + r * (-0.25 + r * (0.2 + r * (-1.0 / 6 + r * (1.0 / 7 - r * 0.125)))))
        let p = r + (r * r) * q
        let ed = Double(e)
        let s1 = ed * t.ln2High + t.logInverseHigh[i]
        let s2 = (ed * t.ln2Low + t.logInverseLow[i]) + p
        return s1 + s2
    }

    /// Strict bounds on |y| when |ŷ × 2^scale − y| ≤ 2^-46 |y|, as `roundPack` magnitudes.
    @inlinable
    static func bounds(of approximation: Double, scale: Int)
        -> (low: (exponent: Int, significand: UInt64), high: (exponent: Int, significand: UInt64)) {
        let bits = approximation.bitPattern  // a normal number
        let exponent = Int((bits >> 52) & 0x7FF) - 1023 + scale
        let s = (bits & (1 << 52 - 1) | 1 << 52) << 10
        // |y − ŷ| ≤ 2^-46 ŷ / (1 − 2^-46) < (s >> 46) + 2 units of 2^(exponent − 62).
        let delta = (s >> UInt64(-relativeErrorExponent)) + 2
        var low = (exponent: exponent, significand: s - delta)
        var high = (exponent: exponent, significand: s + delta)
        if low.significand < 1 << 62 { low = (low.exponent - 1, low.significand << 1) }
        if high.significand >= 1 << 63 { high = (high.exponent + 1, (high.significand + 1) >> 1) }
        return (low, high)
    }
}

extension WideFixedPoint {
    /// A finite `Double`, exactly when its bits reach no lower than the last place.
    init(double: Double, fractionWords: Int) {
        let m = double.magnitude
        guard m != 0 else {
            self.init(0, fractionWords: fractionWords)
            return
        }
        self.init(significand: m.significandBitPattern | (m.isNormal ? 1 << 52 : 0),
                  exponent: Int(m.exponent) - 52, negative: double < 0, fractionWords: fractionWords)
    }
}
