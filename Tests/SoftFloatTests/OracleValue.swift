/// An exact real number as the oracle carries it: `head`, the exact value rounded to a
/// Double, and the sign of what is left over.
///
///     let x = OracleValue.sum(1, 0x1p-60)    // head 1.0, tail +1: just above 1
///     x.compare(1)                           // 1
///
/// Every constructor is an error-free transformation in hardware `Double`: TwoSum for
/// sums, the FMA-computed error of a product, the FMA-computed remainder of a quotient or
/// a square root. Because `head` is a faithful rounding of the exact value, comparing
/// `head` and then the sign of the rest against a Double threshold orders the exact value
/// and the threshold exactly.
///
/// Edge cases: the operands must be finite and far from Double's overflow and underflow
/// thresholds (true for every format of 16 bits or less, and tf32); a fused multiply-add
/// needs an exact product, so operands of at most 26 significant bits.
struct OracleValue {
    var head: Double
    /// The sign of (exact value − head): −1, 0 or 1.
    var tail: Int
    /// (exact value − head), rounded: enough for probabilities, never for decisions.
    var rest: Double

    static func exact(_ x: Double) -> OracleValue { OracleValue(head: x, tail: 0, rest: 0) }

    /// a + b, by Knuth's TwoSum.
    static func sum(_ a: Double, _ b: Double) -> OracleValue {
        let s = a + b
        let bb = s - a
        let error = (a - (s - bb)) + (b - bb)
        return OracleValue(head: s, tail: sign(error), rest: error)
    }

    /// a × b, with the product's rounding error from a fused multiply-add.
    static func product(_ a: Double, _ b: Double) -> OracleValue {
        let p = a * b
        let error = (-p).addingProduct(a, b)
        return OracleValue(head: p, tail: sign(error), rest: error)
    }

    /// a ÷ b: the remainder a − q·b of the rounded quotient q is exact in an FMA.
    static func quotient(_ a: Double, _ b: Double) -> OracleValue {
        let q = a / b
        let remainder = a.addingProduct(-q, b)
        return OracleValue(head: q, tail: sign(remainder) * sign(b), rest: remainder / b)
    }

    /// √a: the remainder a − s² of the rounded root s is exact in an FMA.
    static func squareRoot(_ a: Double) -> OracleValue {
        let s = a.squareRoot()
        let remainder = a.addingProduct(-s, s)
        return OracleValue(head: s, tail: sign(remainder), rest: remainder / (2 * s))
    }

    /// a × b + c, for operands whose product is exact in Double.
    static func fusedMultiplyAdd(_ a: Double, _ b: Double, _ c: Double) -> OracleValue {
        let p = a * b
        precondition((-p).addingProduct(a, b) == 0, "the oracle's fma needs an exact product")
        return sum(p, c)
    }

    var isZero: Bool { head == 0 && tail == 0 }
    var isNegative: Bool { head < 0 || (head == 0 && tail < 0) }
    var magnitude: OracleValue {
        isNegative ? OracleValue(head: -head, tail: -tail, rest: -rest) : self
    }

    /// The exact order of this value and `t`: −1 below, 0 equal, 1 above.
    func compare(_ t: Double) -> Int {
        if head < t { return -1 }
        if head > t { return 1 }
        return tail
    }

    private static func sign(_ x: Double) -> Int { x > 0 ? 1 : x < 0 ? -1 : 0 }
}
