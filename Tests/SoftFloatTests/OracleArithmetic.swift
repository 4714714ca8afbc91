import Testing
import SoftFloat

/// An operation the oracle knows, with the core's implementation of it.
enum OracleOperation: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case add, subtract, multiply, divide, squareRoot, fusedMultiplyAdd

    static let binary: [OracleOperation] = [.add, .subtract, .multiply, .divide]

    var testDescription: String { rawValue }
    var operandCount: Int { self == .squareRoot ? 1 : self == .fusedMultiplyAdd ? 3 : 2 }

    /// The SoftFloat core's answer.
    func evaluate(_ format: FloatFormat, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                  _ env: inout FloatEnvironment) -> UInt64 {
        switch self {
        case .add: return format.add(a, b, &env)
        case .subtract: return format.subtract(a, b, &env)
        case .multiply: return format.multiply(a, b, &env)
        case .divide: return format.divide(a, b, &env)
        case .squareRoot: return format.squareRoot(a, &env)
        case .fusedMultiplyAdd: return format.fusedMultiplyAdd(a, b, c, &env)
        }
    }
}

/// An operand as the oracle sees it.
enum OracleOperand {
    case nan(signaling: Bool)
    case infinity(negative: Bool)
    /// A finite value; zeros keep their sign (−0.0).
    case finite(Double)
}

extension OracleRounding {
    func operand(_ bits: UInt64, _ env: FloatEnvironment) -> OracleOperand {
        if isNaN(bits) { return .nan(signaling: isSignalingNaN(bits)) }
        if isInfinite(bits) { return .infinity(negative: bits & signBit != 0) }
        if !env.subnormals && isSubnormal(bits) { return .finite(bits & signBit != 0 && hasNegativeZero ? -0.0 : 0.0) }
        return .finite(value(bits))
    }

    /// A NaN result; without NaNs (FP6, FP4) an invalid operation gives +0.
    private func nan(_ flags: ExceptionFlags) -> OracleOutcome {
        hasNaN ? OracleOutcome(OracleResult(bits: signBit | infinityBits | 1, flags: flags, isNaN: true))
            : OracleOutcome(OracleResult(bits: 0, flags: flags))
    }
    private func invalid() -> OracleOutcome { nan(.invalid) }
    private func exactly(_ bits: UInt64) -> OracleOutcome { OracleOutcome(OracleResult(bits: bits, flags: [])) }
    /// An infinite result: ±∞, else the NaN, else (no NaN either) the largest finite value.
    private func infinity(negative: Bool, _ flags: ExceptionFlags = []) -> OracleOutcome {
        if let infinity = infinityPattern {
            return OracleOutcome(OracleResult(bits: signed(infinity, negative: negative), flags: flags))
        }
        if hasNaN { return OracleOutcome(OracleResult(bits: signBit | (signBit - 1), flags: flags, isNaN: true)) }
        return OracleOutcome(OracleResult(bits: signed(UInt64(largestFiniteIndex), negative: negative), flags: flags))
    }
    private func zero(negative: Bool) -> OracleOutcome { exactly(signed(0, negative: negative)) }
    /// An exact zero from operands of opposite signs: +0, or −0 when rounding down.
    private func cancellation(_ env: FloatEnvironment) -> OracleOutcome { zero(negative: env.rounding == .down) }

    /// The rounded exact value, or the signed zero the caller chooses when it is zero.
    private func rounded(_ x: OracleValue, zero: () -> OracleOutcome, _ env: FloatEnvironment) -> OracleOutcome {
        x.isZero ? zero() : round(x, env)
    }

    /// What IEEE 754 (as x86 SSE implements it) says `operation` gives: special operands
    /// by the standard's rules, finite ones by an exact value rounded by `round`.
    func expected(_ operation: OracleOperation, _ a: UInt64, _ b: UInt64, _ c: UInt64,
                  _ env: FloatEnvironment) -> OracleOutcome {
        let x = operand(a, env), y = operand(b, env), z = operand(c, env)
        switch operation {
        case .add: return sum(x, y, env)
        case .subtract:
            switch y {
            case let .infinity(negative): return sum(x, .infinity(negative: !negative), env)
            case let .finite(v): return sum(x, .finite(-v), env)
            case .nan: return sum(x, y, env)
            }
        case .multiply:
            if let n = nanResult([x, y]) { return n }
            switch (x, y) {
            case let (.infinity(p), .infinity(q)): return infinity(negative: p != q)
            case let (.infinity(p), .finite(v)), let (.finite(v), .infinity(p)):
                return v == 0 ? invalid() : infinity(negative: p != (v.sign == .minus))
            case let (.finite(u), .finite(v)):
                let negative = (u.sign == .minus) != (v.sign == .minus)
                if u == 0 || v == 0 { return zero(negative: negative) }
                return round(.product(u, v), env)
            default: fatalError()
            }
        case .divide:
            if let n = nanResult([x, y]) { return n }
            switch (x, y) {
            case (.infinity, .infinity): return invalid()
            case let (.infinity(p), .finite(v)): return infinity(negative: p != (v.sign == .minus))
            case let (.finite(u), .infinity(q)): return zero(negative: (u.sign == .minus) != q)
            case let (.finite(u), .finite(v)):
                let negative = (u.sign == .minus) != (v.sign == .minus)
                if v == 0 { return u == 0 ? invalid() : infinity(negative: negative, .divideByZero) }
                if u == 0 { return zero(negative: negative) }
                return round(.quotient(u, v), env)
            default: fatalError()
            }
        case .squareRoot:
            if let n = nanResult([x]) { return n }
            switch x {
            case let .infinity(negative): return negative ? invalid() : infinity(negative: false)
            case let .finite(u):
                if u == 0 { return zero(negative: u.sign == .minus) }
                if u < 0 { return invalid() }
                return round(.squareRoot(u), env)
            default: fatalError()
            }
        case .fusedMultiplyAdd:
            return fusedMultiplyAdd(x, y, z, env)
        }
    }

    /// The NaN result when an operand is a NaN; invalid when one is signaling.
    private func nanResult(_ operands: [OracleOperand]) -> OracleOutcome? {
        var anyNaN = false, signaling = false
        for case let .nan(s) in operands {
            anyNaN = true
            signaling = signaling || s
        }
        return anyNaN ? nan(signaling ? .invalid : []) : nil
    }

    private func sum(_ x: OracleOperand, _ y: OracleOperand, _ env: FloatEnvironment) -> OracleOutcome {
        if let n = nanResult([x, y]) { return n }
        switch (x, y) {
        case let (.infinity(p), .infinity(q)): return p == q ? infinity(negative: p) : invalid()
        case let (.infinity(p), .finite), let (.finite, .infinity(p)): return infinity(negative: p)
        case let (.finite(u), .finite(v)):
            if u == 0 && v == 0 {
                return u.sign == v.sign ? zero(negative: u.sign == .minus) : cancellation(env)
            }
            return rounded(.sum(u, v), zero: { cancellation(env) }, env)
        default: fatalError()
        }
    }

    private func fusedMultiplyAdd(_ x: OracleOperand, _ y: OracleOperand, _ z: OracleOperand,
                                  _ env: FloatEnvironment) -> OracleOutcome {
        // A NaN among the factors comes first; then 0 × ∞ is invalid whatever the addend.
        if let n = nanResult([x, y]) {
            if case let .nan(s) = z, s { return nan(.invalid) }
            return n
        }
        var productInfinite: Bool? = nil  // the sign of an infinite product
        var productZero = false, productNegative = false
        switch (x, y) {
        case let (.infinity(p), .infinity(q)): productInfinite = p != q
        case let (.infinity(p), .finite(v)), let (.finite(v), .infinity(p)):
            if v == 0 { return nan(.invalid) }
            productInfinite = p != (v.sign == .minus)
        case let (.finite(u), .finite(v)):
            productNegative = (u.sign == .minus) != (v.sign == .minus)
            productZero = u == 0 || v == 0
        default: fatalError()
        }
        if let n = nanResult([z]) { return n }
        if let negative = productInfinite {
            if case let .infinity(q) = z, q != negative { return invalid() }
            return infinity(negative: negative)
        }
        guard case let .finite(w) = z else {
            if case let .infinity(q) = z { return infinity(negative: q) }
            fatalError()
        }
        guard case let .finite(u) = x, case let .finite(v) = y else { fatalError() }
        if productZero {
            if w == 0 { return (w.sign == .minus) == productNegative ? zero(negative: productNegative) : cancellation(env) }
            return round(.exact(w), env)
        }
        return rounded(.fusedMultiplyAdd(u, v, w), zero: { cancellation(env) }, env)
    }
}
