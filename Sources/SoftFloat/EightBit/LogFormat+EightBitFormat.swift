import Foundation

/// `lns8` as an 8-bit format: its own arithmetic, rounded in the log domain, in the trainer
/// and in the exhaustive tables.
///
///     EightBitArithmetic(format: LogFormat.lns8)
///     ArithmeticTables.operations(LogFormat.lns8)
///
/// Edge cases: the saturated values are the two codes with L = 63, ±2^(63/2^F); zero and
/// NaN are not saturated.
extension LogFormat: EightBitFormat {
    public var zeroCode: UInt8 { Self.zero }

    @inlinable
    public func isSaturated(_ x: UInt8) -> Bool {
        !isNaN(x) && !isZero(x) && logCode(x) == Self.maxLog
    }

    public var largestValue: Double { toDouble(maxFinite(negative: false)) }
    public var smallestValue: Double { -largestValue }
    public var leastMagnitude: Double { toDouble(code(negative: false, log: Self.minLog)) }

    /// `|L_result − 2^F log2|exact||`.
    public func error(of result: UInt8, exact: Double) -> Double {
        if exact == 0 { return isZero(result) ? 0 : .infinity }
        if isNaN(result) || isZero(result) || isNegative(result) != (exact < 0) { return .infinity }
        return abs(Double(logCode(result)) - Foundation.log2(exact.magnitude) * scale)
    }

    public var errorUnit: String { "log-domain units (2^−F of log2)" }
}
