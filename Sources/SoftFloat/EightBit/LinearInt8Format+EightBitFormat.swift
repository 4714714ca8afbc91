/// The linear INT8 formats as 8-bit formats, in the trainer and in the exhaustive tables.
///
///     EightBitArithmetic(format: LinearInt8Format.int8)
///     ArithmeticTables.operations(LinearInt8Format.int8)
///
/// Edge cases: saturated values are the codes 255 (`int8`) and ±127 (`int8s`). An
/// unsigned result below zero clamps to 0, which values cannot tell from a true zero.
/// There is no NaN. For `int8s`, `orderedCodes` is −127…127: the code of −128 decodes but
/// no operation produces it.
extension LinearInt8Format: EightBitFormat {
    public var zeroCode: UInt8 { code(0) }

    @inlinable public func isNaN(_ x: UInt8) -> Bool { false }
    @inlinable public func isZero(_ x: UInt8) -> Bool { integer(x) == 0 }

    @inlinable
    public func isSaturated(_ x: UInt8) -> Bool {
        let q = integer(x)
        return q == maxCode || (signed && q == minCode)
    }

    public var largestValue: Double { Double(maxCode) * scale }
    public var smallestValue: Double { Double(minCode) * scale }
    public var leastMagnitude: Double { scale }

    /// `|q_result · scale − exact| / scale`.
    public func error(of result: UInt8, exact: Double) -> Double {
        abs(Double(integer(result)) - exact / scale)
    }

    public var errorUnit: String { "steps of the scale" }
}
