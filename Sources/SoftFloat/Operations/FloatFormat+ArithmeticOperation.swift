extension FloatFormat {
    /// One operation on bit patterns of this format, chosen at run time.
    ///
    ///     var env = FloatEnvironment(rounding: .up)
    ///     FloatFormat.bf16.operate(.divide, [0x3F80, 0x4040], &env)   // 1 / 3 = 0x3EAB, inexact
    ///
    /// Edge cases: `fromDouble` reads its operand as a `Double`'s bit pattern.
    ///
    /// - Parameters:
    ///   - operation: the operation.
    ///   - operands: `operation.operandCount` bit patterns (of this format, but for `fromDouble`).
    ///   - env: rounding mode, options, and the flags raised.
    public func operate(_ operation: ArithmeticOperation, _ operands: [UInt64],
                        _ env: inout FloatEnvironment) -> UInt64 {
        precondition(operands.count == operation.operandCount, "\(operation) takes \(operation.operandCount) operands")
        let a = operands[0]
        switch operation {
        case .add: return add(a, operands[1], &env)
        case .subtract: return subtract(a, operands[1], &env)
        case .multiply: return multiply(a, operands[1], &env)
        case .divide: return divide(a, operands[1], &env)
        case .remainder: return remainder(a, operands[1], &env)
        case .squareRoot: return squareRoot(a, &env)
        case .fusedMultiplyAdd: return fusedMultiplyAdd(a, operands[1], operands[2], &env)
        case .exp: return exp(a, &env)
        case .log: return log(a, &env)
        case .fromDouble: return fromDouble(Double(bitPattern: a), &env)
        }
    }
}
