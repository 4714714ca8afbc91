/// A function as Berkeley TestFloat names it (`f32_mul`, `f16_to_f64`, `i32_to_f16`,
/// `f64_to_ui32_r_minMag`, ...), bound to this module's operations.
///
///     let mul = try TestFloatFunction(name: "f32_mul")
///     var env = FloatEnvironment(rounding: .towardZero)
///     let bits = mul.evaluate([0x3F80_0000, 0x4000_0000], &env)  // 0x4000_0000
///
/// Edge cases: comparisons return 0 or 1; integer results are two's-complement bit
/// patterns of their width.
public struct TestFloatFunction: Sendable {
    public enum Operand: Sendable, Equatable {
        case float(FloatFormat)
        case integer(bitWidth: Int, signed: Bool)
        case boolean
    }

    public let name: String
    public let operands: [Operand]
    public let result: Operand
    /// Whether the function takes the `exact` argument (round to integral, to integer).
    public let takesExact: Bool
    private let operation: @Sendable ([UInt64], Bool, inout FloatEnvironment) -> UInt64

    /// The function for a TestFloat name, or an error naming what was not understood.
    public init(name: String) throws {
        self.name = name
        var exactArgument = false
        let parts = name.split(separator: "_").map(String.init)
        func fmt(_ s: String) -> FloatFormat? { TestFloatFunction.format(prefix: s) }
        func int(_ s: String) -> Operand? {
            switch s {
            case "i32": return .integer(bitWidth: 32, signed: true)
            case "i64": return .integer(bitWidth: 64, signed: true)
            case "ui32": return .integer(bitWidth: 32, signed: false)
            case "ui64": return .integer(bitWidth: 64, signed: false)
            default: return nil
            }
        }
        let unknown = TestFloatFunctionError(name: name)
        guard parts.count >= 2 else { throw unknown }
        if parts.count >= 3, parts[1] == "to" {
            // Conversions: X_to_Y, optionally X_to_int_r_minMag.
            let rest = parts[2...].joined(separator: "_")
            if let source = fmt(parts[0]) {
                if let target = fmt(rest) {
                    operands = [.float(source)]
                    result = .float(target)
                    operation = { v, _, env in target.convert(v[0], from: source, &env) }
                } else if let target = int(parts[2]), case let .integer(width, signed) = target,
                          rest == parts[2] || rest == parts[2] + "_r_minMag" {
                    let minMag = rest.hasSuffix("_r_minMag")
                    operands = [.float(source)]
                    result = target
                    exactArgument = true
                    operation = { v, exact, env in
                        guard minMag else {
                            return source.toInteger(v[0], bitWidth: width, signed: signed, exact: exact, &env)
                        }
                        var local = env
                        local.rounding = .towardZero
                        let r = source.toInteger(v[0], bitWidth: width, signed: signed, exact: exact, &local)
                        env.flags = local.flags
                        return r
                    }
                } else { throw unknown }
            } else if let sourceInt = int(parts[0]), case let .integer(width, signed) = sourceInt,
                      let target = fmt(rest) {
                operands = [sourceInt]
                result = .float(target)
                operation = { v, _, env in
                    let raw = v[0]
                    if signed {
                        let value = width == 32 ? Int64(Int32(truncatingIfNeeded: raw)) : Int64(bitPattern: raw)
                        return target.fromInteger(value, &env)
                    }
                    return target.fromInteger(raw, &env)
                }
            } else { throw unknown }
            takesExact = exactArgument
            return
        }
        guard let f = fmt(parts[0]) else { throw unknown }
        let op = parts[1...].joined(separator: "_")
        let binary: [Operand] = [.float(f), .float(f)]
        switch op {
        case "add": operands = binary; result = .float(f); operation = { v, _, env in f.add(v[0], v[1], &env) }
        case "sub": operands = binary; result = .float(f); operation = { v, _, env in f.subtract(v[0], v[1], &env) }
        case "mul": operands = binary; result = .float(f); operation = { v, _, env in f.multiply(v[0], v[1], &env) }
        case "div": operands = binary; result = .float(f); operation = { v, _, env in f.divide(v[0], v[1], &env) }
        case "rem": operands = binary; result = .float(f); operation = { v, _, env in f.remainder(v[0], v[1], &env) }
        case "sqrt": operands = [.float(f)]; result = .float(f); operation = { v, _, env in f.squareRoot(v[0], &env) }
        case "mulAdd":
            operands = [.float(f), .float(f), .float(f)]; result = .float(f)
            operation = { v, _, env in f.fusedMultiplyAdd(v[0], v[1], v[2], &env) }
        case "roundToInt":
            operands = [.float(f)]; result = .float(f); exactArgument = true
            operation = { v, exact, env in f.roundToIntegral(v[0], exact: exact, &env) }
        case "eq", "le", "lt", "eq_signaling", "le_quiet", "lt_quiet":
            operands = binary; result = .boolean
            operation = { v, _, env in
                let r: Bool
                switch op {
                case "eq": r = f.isEqual(v[0], v[1], signaling: false, &env)
                case "eq_signaling": r = f.isEqual(v[0], v[1], signaling: true, &env)
                case "le": r = f.isLessOrEqual(v[0], v[1], signaling: true, &env)
                case "le_quiet": r = f.isLessOrEqual(v[0], v[1], signaling: false, &env)
                case "lt": r = f.isLess(v[0], v[1], signaling: true, &env)
                default: r = f.isLess(v[0], v[1], signaling: false, &env)
                }
                return r ? 1 : 0
            }
        default: throw unknown
        }
        takesExact = exactArgument
    }

    /// Runs the function on operand bit patterns.
    public func evaluate(_ operands: [UInt64], exact: Bool = false, _ env: inout FloatEnvironment) -> UInt64 {
        operation(operands, exact, &env)
    }

    /// Whether `bits` is a NaN of the result's format (false for non-float results).
    public func resultIsNaN(_ bits: UInt64) -> Bool {
        if case let .float(f) = result { return f.isNaN(bits) }
        return false
    }

    /// Hex digits TestFloat prints for a value of this kind.
    public static func hexDigits(_ operand: Operand) -> Int {
        switch operand {
        case let .float(f): return (f.bitWidth + 3) / 4
        case let .integer(width, _): return width / 4
        case .boolean: return 1
        }
    }
}

/// A TestFloat function name this module does not implement.
public struct TestFloatFunctionError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public var description: String { "unknown function \(Echo.quoted(name))" }
}

extension TestFloatFunction.Operand {
    /// How many bits a value of this kind has in TestFloat's hex output.
    @inlinable public var bitWidth: Int {
        switch self {
        case let .float(f): return f.bitWidth
        case let .integer(width, _): return width
        case .boolean: return 1
        }
    }

    /// The low `bitWidth` bits set.
    @inlinable public var mask: UInt64 {
        bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
    }
}

extension TestFloatFunction {
    /// The format TestFloat names by a prefix (`f16`, `f32`, `f64`, and `bf16` in the BF16
    /// conversions), from the registry's table; nil for any other text.
    ///
    ///     TestFloatFunction.format(prefix: "f32")   // FloatFormat.fp32
    public static func format(prefix: String) -> FloatFormat? {
        NumberFormat.namedFormats.first { $0.testFloatName == prefix }?.format.floatFormat
    }

    /// Every name `init(name:)` accepts for the f16, f32 and f64 formats, plus the BF16
    /// conversions, in TestFloat's order: integer to float, float to integer, float to
    /// float, then the operations of each format.
    ///
    ///     TestFloatFunction.allNames.contains("f64_to_ui32_r_minMag")  // true
    ///
    /// Edge cases: `bf16_` operations other than the conversions are accepted by
    /// `init(name:)` too, though TestFloat itself has no BF16.
    public static let allNames: [String] = {
        let floats = ["f16", "f32", "f64"]
        let integers = ["ui32", "ui64", "i32", "i64"]
        var names: [String] = []
        for i in integers { for f in floats { names.append("\(i)_to_\(f)") } }
        for f in floats {
            for i in integers { names.append("\(f)_to_\(i)") }
            for i in integers { names.append("\(f)_to_\(i)_r_minMag") }
        }
        for f in floats { for g in floats where g != f { names.append("\(f)_to_\(g)") } }
        names += ["f32_to_bf16", "bf16_to_f32"]
        let operations = ["roundToInt", "add", "sub", "mul", "mulAdd", "div", "rem", "sqrt",
                          "eq", "le", "lt", "eq_signaling", "le_quiet", "lt_quiet"]
        for f in floats { for op in operations { names.append("\(f)_\(op)") } }
        return names
    }()
}
