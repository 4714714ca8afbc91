import SoftFloat
import TrainingArithmetic

/// What the 8-bit formats share as rows of the exp-range table: codes in order of value
/// as the arguments, values printed as their nearest `Double`, two hex digits of bits.
///
///     ExpRange.row(for: LogFormat.lns8, ExpRangeOptions())
///
/// Edge cases: there is no infinity, so no argument lies beyond the finite ones; the
/// options `--no-subnormals` and `--saturate` do not apply (no subnormals, and overflow
/// always saturates).
extension ExpRangeSubject where Self: EightBitFormat, Value == UInt8 {
    public func argumentBeyondFinite(upward: Bool) -> UInt8? { nil }

    public func isZeroResult(_ y: UInt8) -> Bool { isZero(y) }

    /// The nearest `Double`, shortest round-trip (`lns8` values are irrational unless L is
    /// a multiple of 2^F).
    public func decimal(_ x: UInt8) -> String { isNaN(x) ? "nan" : String(toDouble(x)) }

    public func hexBits(_ x: UInt8) -> String {
        let digits = String(x, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }
}
