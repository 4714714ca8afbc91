/// `lns8` in the trainer: its own arithmetic, rounded in the log domain.
///
///     EightBitArithmetic(format: LogFormat.lns8)
///
/// Edge cases: the saturated values are the two codes with L = 63, ±2^(63/2^F); zero and
/// NaN are not saturated.
extension LogFormat: EightBitFormat {
    public var zeroCode: UInt8 { Self.zero }

    @inlinable
    public func isSaturated(_ x: UInt8) -> Bool {
        !isNaN(x) && !isZero(x) && logCode(x) == Self.maxLog
    }
}
