/// An 8-bit number format with its own arithmetic on codes: the logarithmic `lns8` and the
/// linear INT8 of the exercise, as the trainer, the exp-range table and the exhaustive
/// operation tables see them.
///
///     let format: any EightBitFormat = LogFormat.lns8
///     var env = FloatEnvironment()
///     let x = format.fromDouble(0.3, &env)      // a code; its value is format.toDouble(x)
///     format.isSaturated(format.multiply(x, x, &env))   // false: 0.09 is in range
///     format.error(of: format.operate(.add, x, x, &env), exact: 0.6)   // in log-domain units
///
/// Every operation takes and returns codes (`UInt8`) and rounds by the environment's mode,
/// raising its flags there (the operations are `RoundedArithmetic`'s); the format owns the
/// rounding, so the arithmetic built on it (`EightBitArithmetic`) only forwards.
///
/// Edge cases: these formats have no infinity. A result beyond the range saturates to the
/// largest magnitude of its sign; `isSaturated` tells such values from the others (an exact
/// result that happens to equal the largest magnitude looks the same). `error` is infinite
/// when the result cannot stand for the exact value at all (a zero for a nonzero value,
/// the wrong sign, NaN).
public protocol EightBitFormat: RoundedArithmetic, Hashable where Scalar == UInt8 {
    /// The code of zero.
    var zeroCode: UInt8 { get }
    /// Every code that is a number (NaN excluded), in order of value: where random
    /// operands are drawn from.
    var orderedCodes: [UInt8] { get }
    /// The largest and the most negative value, and the least nonzero magnitude.
    var largestValue: Double { get }
    var smallestValue: Double { get }
    var leastMagnitude: Double { get }
    /// `|result − exact|` in the format's units: log-domain units (2^−F of log2) for a
    /// logarithmic format, steps for a linear one.
    func error(of result: UInt8, exact: Double) -> Double
    /// What the units of `error` are, for a table header.
    var errorUnit: String { get }
}

extension EightBitFormat {
    /// `a op b` in the format, for an operation chosen at run time.
    ///
    ///     LogFormat.lns8.operate(.multiply, a, b, &env)   // == LogFormat.lns8.multiply(a, b, &env)
    ///
    /// Edge cases: only + − × ÷ take two codes; any other operation is a programming error.
    @inlinable
    public func operate(_ operation: ArithmeticOperation, _ a: UInt8, _ b: UInt8,
                        _ env: inout FloatEnvironment) -> UInt8 {
        switch operation {
        case .add: return add(a, b, &env)
        case .subtract: return subtract(a, b, &env)
        case .multiply: return multiply(a, b, &env)
        case .divide: return divide(a, b, &env)
        default: preconditionFailure("\(operation) is not a two-operand operation of \(name)")
        }
    }
}
