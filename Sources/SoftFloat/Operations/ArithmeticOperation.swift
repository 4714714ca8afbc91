/// An operation of the lab's number formats, named once for every part that parses,
/// computes, tabulates or measures operations (`calc`, the 8-bit formats and their tables,
/// `bench ops`).
///
///     ArithmeticOperation(symbol: "fma")           // .fusedMultiplyAdd
///     ArithmeticOperation.multiply.symbol          // "*", as the command line writes it
///     ArithmeticOperation.multiply.mathSymbol      // "×", as tables print it
///     ArithmeticOperation.fusedMultiplyAdd.shortName   // "mulAdd", as in TestFloat's f32_mulAdd
///
/// Edge cases: not every format has every operation (the 8-bit formats have no remainder,
/// square root or fused multiply-add); a consumer that handles a subset lists it
/// (`EightBitOperationTables.operations`, `Benchmark.operations`).
public enum ArithmeticOperation: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide
    /// The IEEE 754 remainder: `a − n b` with `n` the integer nearest `a / b`.
    case remainder
    case squareRoot
    /// `a × b + c`, rounded once.
    case fusedMultiplyAdd
    /// e^a.
    case exp
    /// ln a.
    case log
    /// A `Double` rounded to the format (the operand is the `Double`'s bit pattern).
    case fromDouble

    /// How many operands the operation takes.
    @inlinable
    public var operandCount: Int {
        switch self {
        case .add, .subtract, .multiply, .divide, .remainder: return 2
        case .squareRoot, .exp, .log, .fromDouble: return 1
        case .fusedMultiplyAdd: return 3
        }
    }

    /// The spelling of the command line, in ASCII: `+ - * / rem sqrt fma exp log convert`.
    public var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .remainder: return "rem"
        case .squareRoot: return "sqrt"
        case .fusedMultiplyAdd: return "fma"
        case .exp: return "exp"
        case .log: return "log"
        case .fromDouble: return "convert"
        }
    }

    /// The spelling of printed tables: `+ − × ÷`, and `symbol` for the others.
    public var mathSymbol: String {
        switch self {
        case .subtract: return "−"
        case .multiply: return "×"
        case .divide: return "÷"
        default: return symbol
        }
    }

    /// The name Berkeley SoftFloat and TestFloat give it (`f32_mulAdd`): `add sub mul div
    /// rem sqrt mulAdd`; `exp`, `log` and `convert` for the others.
    public var shortName: String {
        switch self {
        case .add: return "add"
        case .subtract: return "sub"
        case .multiply: return "mul"
        case .divide: return "div"
        case .remainder: return "rem"
        case .squareRoot: return "sqrt"
        case .fusedMultiplyAdd: return "mulAdd"
        case .exp: return "exp"
        case .log: return "log"
        case .fromDouble: return "convert"
        }
    }

    /// The operation whose `symbol` is `symbol` (case-insensitive), nil for any other text.
    ///
    ///     ArithmeticOperation(symbol: "SQRT")   // .squareRoot
    public init?(symbol: String) {
        let key = symbol.lowercased()
        guard let operation = Self.allCases.first(where: { $0.symbol == key }) else { return nil }
        self = operation
    }
}
