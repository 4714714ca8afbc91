import Foundation
import SoftFloat

/// An 8-bit number format whose arithmetic `ArithmeticTables` measures exhaustively:
/// its codes, their values, its four operations, its range, and how far a result lies
/// from an exact value in the format's own units.
///
///     let format: any TabulatedFormat = LogFormat.lns8
///     format.error(of: format.operate(.add, a, b, &env), exact: 3.0)   // log-domain units
///
/// Edge cases: `error` is infinite when the result cannot stand for the exact value at
/// all (a zero for a nonzero value, the wrong sign, NaN).
public protocol TabulatedFormat: Sendable {
    var name: String { get }
    /// Whether `x` is the format's NaN (formats without NaN: never).
    func isNaN(_ x: UInt8) -> Bool
    /// The value of a code (for `LogFormat`, the nearest `Double`).
    func toDouble(_ x: UInt8) -> Double
    /// `a op b` in the format, for + − × ÷.
    func operate(_ operation: ArithmeticOperation, _ a: UInt8, _ b: UInt8, _ env: inout FloatEnvironment) -> UInt8
    /// The largest and the most negative value, and the least nonzero magnitude.
    var largestValue: Double { get }
    var smallestValue: Double { get }
    var leastMagnitude: Double { get }
    /// `|result − exact|` in the format's units: log-domain units (2^−F of log2) for a
    /// logarithmic format, steps for a linear one.
    func error(of result: UInt8, exact: Double) -> Double
    /// What the units of `error` are, for a table header.
    var errorUnit: String { get }
    /// The codes a result can take that are numbers (NaN excluded), in order of value:
    /// where random operands are drawn from.
    var numberCodes: [UInt8] { get }
}

extension TabulatedFormat where Self: EightBitFormat {
    /// `a op b` through the format's own operations.
    ///
    /// Edge cases: only + − × ÷ take two codes; any other operation is a programming error.
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

extension LogFormat: TabulatedFormat {
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
    public var numberCodes: [UInt8] { orderedCodes }
}

extension LinearInt8Format: TabulatedFormat {
    public func isNaN(_ x: UInt8) -> Bool { false }
    public var largestValue: Double { Double(maxCode) * scale }
    public var smallestValue: Double { Double(minCode) * scale }
    public var leastMagnitude: Double { scale }

    /// `|q_result · scale − exact| / scale`.
    public func error(of result: UInt8, exact: Double) -> Double {
        abs(Double(integer(result)) - exact / scale)
    }

    public var errorUnit: String { "steps of the scale" }
    /// For `int8s`, −127…127 (the code of −128 decodes but no operation produces it).
    public var numberCodes: [UInt8] { orderedCodes }
}
