/// The linear INT8 formats in the trainer.
///
///     EightBitArithmetic(format: LinearInt8Format.int8)
///
/// Edge cases: saturated values are the codes 255 (`int8`) and ±127 (`int8s`). An
/// unsigned result below zero clamps to 0, which values cannot tell from a true zero.
extension LinearInt8Format: EightBitFormat {
    public var zeroCode: UInt8 { code(0) }

    /// The linear formats have no NaN.
    @inlinable public func isNaN(_ x: UInt8) -> Bool { false }

    @inlinable public func isZero(_ x: UInt8) -> Bool { integer(x) == 0 }

    @inlinable
    public func isSaturated(_ x: UInt8) -> Bool {
        let q = integer(x)
        return q == maxCode || (signed && q == minCode)
    }
}
